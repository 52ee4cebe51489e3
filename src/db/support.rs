//! Admins' views of the portal as another person, kept on the admin's session row.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::models::User;
use super::schema::{sessions, users};

/// A view under way or over, as its session holds it.
#[derive(Debug, Clone)]
pub struct View {
    pub session_id: i64,
    pub admin_id: i64,
    pub target: i64,
    pub reason: String,
    pub started_at: NaiveDateTime,
    pub until: NaiveDateTime,
}

type Row = (
    i64,
    i64,
    Option<i64>,
    Option<String>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

fn view(row: Row) -> Option<View> {
    let (session_id, admin_id, target, reason, started_at, until) = row;
    Some(View {
        session_id,
        admin_id,
        target: target?,
        reason: reason.unwrap_or_default(),
        started_at: started_at?,
        until: until?,
    })
}

const COLUMNS: (
    sessions::id,
    sessions::user_id,
    sessions::viewing_as,
    sessions::viewing_reason,
    sessions::viewing_started_at,
    sessions::viewing_until,
) = (
    sessions::id,
    sessions::user_id,
    sessions::viewing_as,
    sessions::viewing_reason,
    sessions::viewing_started_at,
    sessions::viewing_until,
);

/// Starts a view on a live session that has none.
pub fn start(
    conn: &mut DbConnection,
    token_hash: &str,
    target: i64,
    reason: &str,
    (at, until): (NaiveDateTime, NaiveDateTime),
) -> QueryResult<bool> {
    diesel::update(
        sessions::table
            .filter(sessions::token_hash.eq(token_hash))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::viewing_as.is_null()),
    )
    .set((
        sessions::viewing_as.eq(Some(target)),
        sessions::viewing_reason.eq(Some(reason)),
        sessions::viewing_started_at.eq(Some(at)),
        sessions::viewing_until.eq(Some(until)),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// The view a session holds, if any (live or run out).
pub fn of_session(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<View>> {
    let row: Option<Row> = sessions::table
        .filter(sessions::token_hash.eq(token_hash))
        .select(COLUMNS)
        .first(conn)
        .optional()?;
    Ok(row.and_then(view))
}

/// Views that are over: run out, or their session ended, not yet closed.
pub fn over(conn: &mut DbConnection, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<View>> {
    let rows: Vec<Row> = sessions::table
        .filter(sessions::viewing_as.is_not_null())
        .filter(
            sessions::viewing_until
                .le(now)
                .or(sessions::revoked_at.is_not_null()),
        )
        .order(sessions::id)
        .limit(limit)
        .select(COLUMNS)
        .load(conn)?;
    Ok(rows.into_iter().filter_map(view).collect())
}

/// Closes a view, unless another closed it first (guarded on its start).
pub fn close(conn: &mut DbConnection, view: &View) -> QueryResult<bool> {
    diesel::update(
        sessions::table
            .find(view.session_id)
            .filter(sessions::viewing_started_at.eq(Some(view.started_at))),
    )
    .set((
        sessions::viewing_as.eq(None::<i64>),
        sessions::viewing_reason.eq(None::<String>),
        sessions::viewing_started_at.eq(None::<NaiveDateTime>),
        sessions::viewing_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// The person viewed, with the generation of their access (for the access cache).
pub fn viewed(conn: &mut DbConnection, user_id: i64) -> QueryResult<Option<(User, i64)>> {
    users::table
        .find(user_id)
        .select((User::as_select(), users::access_generation))
        .first(conn)
        .optional()
}
