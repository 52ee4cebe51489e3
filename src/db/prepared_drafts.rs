//! Drafts prepared by instructors for an organisation, and their invitations.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{demandes, prepared_drafts};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = prepared_drafts)]
pub struct Prepared {
    pub id: i64,
    pub demande_id: i64,
    pub prepared_by: i64,
    pub invited_email: String,
    pub note: String,
    pub created_at: NaiveDateTime,
    pub claimed_by: Option<i64>,
    pub claimed_at: Option<NaiveDateTime>,
}

/// What an invitation is kept as: the demande, who prepared it, whom it invites, the note.
pub struct NewPrepared<'a> {
    pub demande_id: i64,
    pub prepared_by: i64,
    pub invited_email: &'a str,
    pub note: &'a str,
}

pub fn insert(conn: &mut DbConnection, new: &NewPrepared, at: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(prepared_drafts::table)
        .values((
            prepared_drafts::demande_id.eq(new.demande_id),
            prepared_drafts::prepared_by.eq(new.prepared_by),
            prepared_drafts::invited_email.eq(new.invited_email),
            prepared_drafts::note.eq(new.note),
            prepared_drafts::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn for_demande(conn: &mut DbConnection, demande_id: i64) -> QueryResult<Option<Prepared>> {
    prepared_drafts::table
        .filter(prepared_drafts::demande_id.eq(demande_id))
        .select(Prepared::as_select())
        .first(conn)
        .optional()
}

/// What makes two prepared drafts the same form sent twice: who, for which organisation,
/// provider, form and intitulé, inviting whom.
pub struct Twin<'a> {
    pub by: i64,
    pub organisation_id: i64,
    pub provider: &'a str,
    pub template: Option<&'a str>,
    pub intitule: &'a str,
    pub invited: &'a str,
}

/// An unclaimed draft prepared since `since` that is `twin`: the same form sent twice.
pub fn recent_twin(
    conn: &mut DbConnection,
    twin: &Twin,
    since: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    prepared_drafts::table
        .inner_join(demandes::table.on(demandes::id.eq(prepared_drafts::demande_id)))
        .filter(prepared_drafts::prepared_by.eq(twin.by))
        .filter(prepared_drafts::invited_email.eq(twin.invited))
        .filter(prepared_drafts::claimed_at.is_null())
        .filter(prepared_drafts::created_at.ge(since))
        .filter(demandes::organisation_id.eq(twin.organisation_id))
        .filter(demandes::provider.eq(twin.provider))
        .filter(demandes::intitule.eq(twin.intitule))
        .select((demandes::id, demandes::template))
        .load::<(i64, Option<String>)>(conn)
        .map(|found| {
            found
                .into_iter()
                .find(|(_, template)| template.as_deref() == twin.template)
                .map(|(id, _)| id)
        })
}

/// Marks the draft claimed by `user`, unless it already is: whether this call claimed it.
pub fn mark_claimed(
    conn: &mut DbConnection,
    id: i64,
    user: i64,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        prepared_drafts::table
            .find(id)
            .filter(prepared_drafts::claimed_at.is_null()),
    )
    .set((
        prepared_drafts::claimed_by.eq(Some(user)),
        prepared_drafts::claimed_at.eq(Some(at)),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// A prepared draft with its demande's (organisation name, intitulé, state).
pub type Listed = (Prepared, (String, String, String));

/// The drafts one instructor prepared, newest first, with their demande's organisation name,
/// intitulé and state.
pub fn by_instructor(conn: &mut DbConnection, user: i64, limit: i64) -> QueryResult<Vec<Listed>> {
    prepared_drafts::table
        .inner_join(demandes::table.on(demandes::id.eq(prepared_drafts::demande_id)))
        .filter(prepared_drafts::prepared_by.eq(user))
        .order(prepared_drafts::id.desc())
        .limit(limit)
        .select((
            Prepared::as_select(),
            (
                demandes::organisation_name,
                demandes::intitule,
                demandes::state,
            ),
        ))
        .load(conn)
}
