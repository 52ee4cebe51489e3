//! Habilitations: the rights a validated demande granted.

use diesel::prelude::*;
use strum::VariantArray;

use super::DbConnection;
use super::models::{Habilitation, NewHabilitation};
use super::schema::habilitations;
use crate::domain::habilitation::{Bounds, Stored};

pub fn insert(conn: &mut DbConnection, new: &NewHabilitation) -> QueryResult<Habilitation> {
    diesel::insert_into(habilitations::table)
        .values(new)
        .returning(habilitations::all_columns)
        .get_result(conn)
}

pub fn for_demande(conn: &mut DbConnection, demande_id: i64) -> QueryResult<Vec<Habilitation>> {
    habilitations::table
        .filter(habilitations::demande_id.eq(demande_id))
        .order(habilitations::id.desc())
        .select(Habilitation::as_select())
        .load(conn)
}

/// Habilitations of some demandes, newest first (one query per export batch).
pub fn for_demandes(
    conn: &mut DbConnection,
    demande_ids: &[i64],
) -> QueryResult<Vec<Habilitation>> {
    habilitations::table
        .filter(habilitations::demande_id.eq_any(demande_ids))
        .order(habilitations::id.desc())
        .select(Habilitation::as_select())
        .load(conn)
}

/// Habilitations of some organisations, newest first.
pub fn for_organisations(
    conn: &mut DbConnection,
    organisation_ids: &[i64],
    limit: i64,
) -> QueryResult<Vec<Habilitation>> {
    habilitations::table
        .filter(habilitations::organisation_id.eq_any(organisation_ids))
        .order(habilitations::id.desc())
        .limit(limit)
        .select(Habilitation::as_select())
        .load(conn)
}

/// Ends the active habilitations of a demande.
pub fn revoke_active(conn: &mut DbConnection, demande_id: i64) -> QueryResult<usize> {
    diesel::update(
        habilitations::table
            .filter(habilitations::demande_id.eq(demande_id))
            .filter(habilitations::state.eq(Stored::Active.as_str())),
    )
    .set(habilitations::state.eq(Stored::Revoked.as_str()))
    .execute(conn)
}

pub use crate::domain::habilitation::Status;

/// A habilitation with its demande's intitulé, organisation name and SIRET.
pub type ListedHabilitation = (Habilitation, (String, String, String));

pub(super) type Boxed<'a> = diesel::helper_types::IntoBoxed<
    'a,
    diesel::helper_types::InnerJoin<habilitations::table, super::schema::demandes::table>,
    super::MultiBackend,
>;

fn by_status(providers: &[String], status: Status, now: chrono::NaiveDateTime) -> Boxed<'static> {
    let q = habilitations::table
        .inner_join(super::schema::demandes::table)
        .into_boxed()
        .filter(habilitations::provider.eq_any(providers.to_vec()));
    within(q, status.bounds(now))
}

/// The rows the domain's bounds admit: one translation to SQL of the lifecycle's rule.
pub(super) fn within(mut q: Boxed<'_>, bounds: Bounds) -> Boxed<'_> {
    q = q.filter(habilitations::state.eq(bounds.stored.as_str()));
    if let Some(after) = bounds.ends_after {
        q = q.filter(habilitations::expires_at.gt(after));
    }
    if let Some(by) = bounds.ends_by {
        q = q.filter(habilitations::expires_at.le(by));
    }
    q
}

/// A page of habilitations of some providers, newest first, after the given id.
pub fn listed(
    conn: &mut DbConnection,
    providers: &[String],
    status: Status,
    now: chrono::NaiveDateTime,
    before_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<ListedHabilitation>> {
    use super::schema::demandes;
    let mut q = by_status(providers, status, now);
    if let Some(id) = before_id {
        q = q.filter(habilitations::id.lt(id));
    }
    q.order(habilitations::id.desc())
        .limit(limit)
        .select((
            Habilitation::as_select(),
            (
                demandes::intitule,
                demandes::organisation_name,
                demandes::siret,
            ),
        ))
        .load(conn)
}

/// How many habilitations of some providers have each status.
pub fn count_by_status(
    conn: &mut DbConnection,
    providers: &[String],
    now: chrono::NaiveDateTime,
) -> QueryResult<Vec<(Status, i64)>> {
    Status::VARIANTS
        .iter()
        .copied()
        .map(|status| {
            by_status(providers, status, now)
                .count()
                .get_result::<i64>(conn)
                .map(|n| (status, n))
        })
        .collect()
}

/// Active habilitations ending after `now` and no later than `until` (for reminders).
pub fn expiring(
    conn: &mut DbConnection,
    now: chrono::NaiveDateTime,
    until: chrono::NaiveDateTime,
) -> QueryResult<Vec<Habilitation>> {
    habilitations::table
        .filter(habilitations::state.eq(Stored::Active.as_str()))
        .filter(habilitations::expires_at.gt(now))
        .filter(habilitations::expires_at.le(until))
        .order(habilitations::id)
        .select(Habilitation::as_select())
        .load(conn)
}

/// Marks the demande's active habilitations as replaced by a new one.
pub fn obsolete_active(conn: &mut DbConnection, demande_id: i64) -> QueryResult<usize> {
    diesel::update(
        habilitations::table
            .filter(habilitations::demande_id.eq(demande_id))
            .filter(habilitations::state.eq(Stored::Active.as_str())),
    )
    .set(habilitations::state.eq(Stored::Obsolete.as_str()))
    .execute(conn)
}

/// The demande's active habilitation, if any.
pub fn active_for(conn: &mut DbConnection, demande_id: i64) -> QueryResult<Option<Habilitation>> {
    habilitations::table
        .filter(habilitations::demande_id.eq(demande_id))
        .filter(habilitations::state.eq(Stored::Active.as_str()))
        .order(habilitations::id.desc())
        .select(Habilitation::as_select())
        .first(conn)
        .optional()
}

/// Gives every validated demande of a provider that has none an active habilitation, granted
/// when the demande was last changed and valid for `months` (the seeded data's demandes are
/// written in bulk, without going through an approval). Returns how many were made.
pub fn grant_missing(conn: &mut DbConnection, provider: &str, months: u32) -> QueryResult<usize> {
    use diesel::sql_types::{Integer, Text};
    let (select, expires) = match conn {
        DbConnection::Postgresql(_) => (
            "$1",
            "d.updated_at + make_interval(months => $2)".to_string(),
        ),
        DbConnection::Sqlite(_) => (
            "?1",
            "strftime('%Y-%m-%d %H:%M:%f', d.updated_at, '+' || ?2 || ' months')".to_string(),
        ),
    };
    let sql = format!(
        "INSERT INTO habilitations (demande_id, provider, organisation_id, scopes, answers, state, granted_at, expires_at) \
         SELECT d.id, d.provider, d.organisation_id, d.scopes, d.answers, 'active', d.updated_at, {expires} \
         FROM demandes d WHERE d.provider = {select} AND d.state = 'validated' \
         AND NOT EXISTS (SELECT 1 FROM habilitations h WHERE h.demande_id = d.id)"
    );
    diesel::sql_query(sql)
        .bind::<Text, _>(provider)
        .bind::<Integer, _>(i32::try_from(months).unwrap_or(i32::MAX))
        .execute(conn)
}

/// The demande a habilitation was granted by.
pub fn demande_of(conn: &mut DbConnection, id: i64) -> QueryResult<Option<i64>> {
    habilitations::table
        .find(id)
        .select(habilitations::demande_id)
        .first(conn)
        .optional()
}
