//! The append-only timeline of each demande.

use diesel::prelude::*;

use super::DbConnection;
use super::models::{EventRow, NewEvent};
use super::schema::{events, users};

/// An event with the actor's (given name, family name, email), when there is one.
pub type TimelineRow = (EventRow, Option<(String, String, String)>);

pub fn insert(conn: &mut DbConnection, new: &NewEvent) -> QueryResult<()> {
    diesel::insert_into(events::table)
        .values(new)
        .execute(conn)
        .map(|_| ())
}

/// Events of a demande, oldest first, with the actor's name and email when there is one.
pub fn for_demande(conn: &mut DbConnection, demande_id: i64) -> QueryResult<Vec<TimelineRow>> {
    events::table
        .left_join(users::table)
        .filter(events::demande_id.eq(demande_id))
        .order(events::id)
        .select((
            EventRow::as_select(),
            (users::given_name, users::family_name, users::email).nullable(),
        ))
        .load(conn)
}

/// Whether the demande has an event of this name (and reason, when given) since a time.
pub fn exists_since(
    conn: &mut DbConnection,
    demande_id: i64,
    name: &str,
    reason: Option<&str>,
    since: chrono::NaiveDateTime,
) -> QueryResult<bool> {
    let mut q = events::table
        .filter(events::demande_id.eq(demande_id))
        .filter(events::name.eq(name))
        .filter(events::created_at.ge(since))
        .into_boxed();
    if let Some(reason) = reason {
        q = q.filter(events::reason.eq(reason));
    }
    q.count().get_result::<i64>(conn).map(|n| n > 0)
}

/// When the demande's latest event of this name happened, if one did.
pub fn last_at(
    conn: &mut DbConnection,
    demande_id: i64,
    name: &str,
) -> QueryResult<Option<chrono::NaiveDateTime>> {
    events::table
        .filter(events::demande_id.eq(demande_id))
        .filter(events::name.eq(name))
        .select(diesel::dsl::max(events::created_at))
        .first(conn)
}

/// When each of the provider's latest decisions (approval or refusal) since `since` was made,
/// and when its demande was last submitted: at most `limit`, newest first.
pub fn decision_waits(
    conn: &mut DbConnection,
    provider: &str,
    since: chrono::NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<(chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)>> {
    use super::schema::demandes;
    events::table
        .inner_join(demandes::table)
        .filter(events::name.eq_any(["approve", "refuse"]))
        .filter(events::created_at.ge(since))
        .filter(demandes::provider.eq(provider))
        .order(events::created_at.desc())
        .limit(limit)
        .select((events::created_at, demandes::last_submitted_at))
        .load(conn)
}

/// The state a demande was in when last archived, and who archived it (none: the portal),
/// from its latest archive event.
pub fn archived_from(
    conn: &mut DbConnection,
    demande_id: i64,
) -> QueryResult<Option<(Option<String>, Option<i64>)>> {
    events::table
        .filter(events::demande_id.eq(demande_id))
        .filter(events::name.eq("archive"))
        .order(events::id.desc())
        .select((events::from_state, events::actor_id))
        .first::<(Option<String>, Option<i64>)>(conn)
        .optional()
}
