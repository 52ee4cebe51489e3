//! Sessions known to the server: a cookie is honoured only while its row is live.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::models::User;
use super::schema::{sessions, users};

/// Records a new session by the hash of its token.
pub fn insert(
    conn: &mut DbConnection,
    user_id: i64,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::user_id.eq(user_id),
            sessions::token_hash.eq(token_hash),
            sessions::created_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records that the session was used now.
pub fn seen(conn: &mut DbConnection, token_hash: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(sessions::table.filter(sessions::token_hash.eq(token_hash)))
        .set(sessions::last_seen_at.eq(Some(now)))
        .execute(conn)
        .map(|_| ())
}

/// Ends one session.
pub fn revoke(conn: &mut DbConnection, token_hash: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::token_hash.eq(token_hash))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(now)))
    .execute(conn)
}

/// Ends every session of a person; returns how many were live.
pub fn revoke_all(conn: &mut DbConnection, user_id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(now)))
    .execute(conn)
}

/// Forgets sessions created before `oldest` (past their absolute lifetime, dead anyway).
pub fn purge_older_than(conn: &mut DbConnection, oldest: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::created_at.lt(oldest))).execute(conn)
}

/// A live session with its person and the generation of their access (see the migration
/// `access_generation`), in one round trip: when the session was last used, the person, and
/// the generation.
pub fn resume(
    conn: &mut DbConnection,
    user_id: i64,
    token_hash: &str,
) -> QueryResult<Option<(NaiveDateTime, User, i64)>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .select((
            sessions::created_at,
            sessions::last_seen_at,
            User::as_select(),
            users::access_generation,
        ))
        .first::<(NaiveDateTime, Option<NaiveDateTime>, User, i64)>(conn)
        .optional()
        .map(|row| {
            row.map(|(created, seen, user, generation)| (seen.unwrap_or(created), user, generation))
        })
}
