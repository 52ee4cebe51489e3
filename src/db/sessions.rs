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

/// What [`resume`] reads.
pub struct Resumed {
    /// When the session was last used.
    pub seen: NaiveDateTime,
    pub user: User,
    /// The generation of the person's access (see the migration `access_generation`).
    pub generation: i64,
    /// The version of what dashboards show (see [`super::dashboard::ListsVersion`]).
    pub lists_version: i64,
    /// Moved on by each message the person reads (migration `reads_version`).
    pub reads_version: i64,
    /// The person an admin's session shows the portal as, and until when.
    pub viewing: Option<(i64, NaiveDateTime)>,
}

/// A live session with its person, the generation of their access and the version of the
/// dashboards' data, in one round trip.
pub fn resume(
    conn: &mut DbConnection,
    user_id: i64,
    token_hash: &str,
) -> QueryResult<Option<Resumed>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        // A disabled, blocked or erased account's sessions are over, even one opened at that
        // instant.
        .filter(users::disabled_at.is_null())
        .filter(users::banned_at.is_null())
        .filter(users::erased_at.is_null())
        .select((
            sessions::created_at,
            sessions::last_seen_at,
            User::as_select(),
            users::access_generation,
            super::dashboard::ListsVersion,
            users::reads_version,
            (sessions::viewing_as, sessions::viewing_until),
        ))
        .first::<(
            NaiveDateTime,
            Option<NaiveDateTime>,
            User,
            i64,
            i64,
            i64,
            (Option<i64>, Option<NaiveDateTime>),
        )>(conn)
        .optional()
        .map(|row| {
            row.map(
                |(created, seen, user, generation, lists_version, reads_version, viewing)| {
                    Resumed {
                        seen: seen.unwrap_or(created),
                        user,
                        generation,
                        lists_version,
                        reads_version,
                        viewing: match viewing {
                            (Some(target), Some(until)) => Some((target, until)),
                            _ => None,
                        },
                    }
                },
            )
        })
}
