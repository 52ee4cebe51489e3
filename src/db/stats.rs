//! What the statistics read: the events that submit, answer and decide, and when the demandes
//! waiting for instruction were submitted.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{demandes, events, users};
use crate::domain::stats::{Fact, Kind};

/// The submissions, answers and decisions since `since`, of one provider or all.
pub fn facts(
    conn: &mut DbConnection,
    provider: Option<&str>,
    since: NaiveDateTime,
) -> QueryResult<Vec<Fact>> {
    let q = events::table
        .inner_join(demandes::table)
        .filter(events::name.eq_any(Kind::NAMES))
        .filter(events::created_at.ge(since))
        .select((
            events::demande_id,
            events::name,
            events::actor_id,
            events::created_at,
        ));
    let rows: Vec<(i64, String, Option<i64>, NaiveDateTime)> = match provider {
        Some(p) => q.filter(demandes::provider.eq(p)).load(conn)?,
        None => q.load(conn)?,
    };
    Ok(rows
        .into_iter()
        .filter_map(|(demande, name, actor, at)| {
            Some(Fact {
                demande,
                kind: Kind::parse(&name)?,
                actor,
                at,
            })
        })
        .collect())
}

/// When each demande waiting for instruction was last submitted, of one provider or all.
pub fn waiting(conn: &mut DbConnection, provider: Option<&str>) -> QueryResult<Vec<NaiveDateTime>> {
    let q = demandes::table
        .filter(demandes::state.eq("submitted"))
        .filter(demandes::last_submitted_at.is_not_null())
        .select(demandes::last_submitted_at);
    let rows: Vec<Option<NaiveDateTime>> = match provider {
        Some(p) => q.filter(demandes::provider.eq(p)).load(conn)?,
        None => q.load(conn)?,
    };
    Ok(rows.into_iter().flatten().collect())
}

/// The names of these people, by id.
pub fn names(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, String, String)>> {
    users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::given_name, users::family_name))
        .load(conn)
}
