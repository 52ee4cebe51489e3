//! Notices to the holders of a provider's active habilitations.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{demandes, habilitations, holder_notices, memberships, organisations, users};

/// (organisation name, address) of the applicant of every active habilitation of the provider
/// at `now`, while still an agent of that organisation with a usable account (not disabled,
/// blocked or erased); one line per address (an agent of two holders is written to once).
pub fn holders(
    conn: &mut DbConnection,
    provider: &str,
    now: NaiveDateTime,
) -> QueryResult<Vec<(String, String)>> {
    let mut rows: Vec<(String, String)> = habilitations::table
        .inner_join(demandes::table)
        .inner_join(organisations::table.on(organisations::id.eq(habilitations::organisation_id)))
        .inner_join(users::table.on(users::id.eq(demandes::applicant_id)))
        .inner_join(
            memberships::table.on(memberships::user_id
                .eq(demandes::applicant_id)
                .and(memberships::organisation_id.eq(habilitations::organisation_id))),
        )
        .filter(habilitations::provider.eq(provider))
        .filter(habilitations::state.eq("active"))
        .filter(habilitations::expires_at.gt(now))
        .filter(memberships::lapsed_at.is_null())
        .filter(users::disabled_at.is_null())
        .filter(users::banned_at.is_null())
        .filter(users::erased_at.is_null())
        .select((organisations::name, users::email))
        .load(conn)?;
    rows.sort();
    let mut seen = std::collections::HashSet::new();
    rows.retain(|(_, address)| seen.insert(address.clone()));
    Ok(rows)
}

/// Records a notice sent; false when this form's token was sent already (two clicks at once
/// included: the unique token decides, without aborting the transaction).
pub fn record(
    conn: &mut DbConnection,
    (provider, subject, body): (&str, &str, &str),
    sent_by: i64,
    (recipients, token): (i64, &str),
    at: NaiveDateTime,
) -> QueryResult<bool> {
    use diesel::sql_types::{BigInt, Text, Timestamp};
    let sql = |p: char| {
        format!(
            "INSERT INTO holder_notices (provider, subject, body, sent_by, sent_at, recipients, token) \
             VALUES ({p}1, {p}2, {p}3, {p}4, {p}5, {p}6, {p}7) ON CONFLICT (token) DO NOTHING"
        )
    };
    let inserted = match conn {
        DbConnection::Postgresql(pg) => diesel::sql_query(sql('$'))
            .bind::<Text, _>(provider)
            .bind::<Text, _>(subject)
            .bind::<Text, _>(body)
            .bind::<BigInt, _>(sent_by)
            .bind::<Timestamp, _>(at)
            .bind::<BigInt, _>(recipients)
            .bind::<Text, _>(token)
            .execute(pg)?,
        DbConnection::Sqlite(lite) => diesel::sql_query(sql('?'))
            .bind::<Text, _>(provider)
            .bind::<Text, _>(subject)
            .bind::<Text, _>(body)
            .bind::<BigInt, _>(sent_by)
            .bind::<Timestamp, _>(at)
            .bind::<BigInt, _>(recipients)
            .bind::<Text, _>(token)
            .execute(lite)?,
    };
    Ok(inserted == 1)
}

/// The notices sent for these providers, the latest first: (provider, subject, sent at,
/// recipients).
pub fn sent(
    conn: &mut DbConnection,
    providers: &[String],
) -> QueryResult<Vec<(String, String, NaiveDateTime, i64)>> {
    holder_notices::table
        .filter(holder_notices::provider.eq_any(providers))
        .order(holder_notices::sent_at.desc())
        .limit(50)
        .select((
            holder_notices::provider,
            holder_notices::subject,
            holder_notices::sent_at,
            holder_notices::recipients,
        ))
        .load(conn)
}
