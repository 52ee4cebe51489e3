//! Blocked accounts: the block and its reason on the user's row.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::models::User;
use super::schema::users;
use crate::domain::ban::Target;

/// An account as blocking reads it (the updates below are guarded: two admins acting at once
/// change it once).
pub fn target(conn: &mut DbConnection, user_id: i64) -> QueryResult<Option<(User, Target)>> {
    let row: Option<(User, bool, bool)> = users::table
        .find(user_id)
        .select((
            User::as_select(),
            users::banned_at.is_not_null(),
            users::erased_at.is_not_null(),
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(user, banned, erased)| {
        let target = Target {
            id: user.id,
            banned,
            erased,
        };
        (user, target)
    }))
}

/// Blocks the account, unless it is already.
pub fn ban(
    conn: &mut DbConnection,
    user_id: i64,
    reason: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        users::table
            .find(user_id)
            .filter(users::banned_at.is_null()),
    )
    .set((
        users::banned_at.eq(Some(at)),
        users::ban_reason.eq(Some(reason)),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Lifts the block, if there is one.
pub fn unban(conn: &mut DbConnection, user_id: i64) -> QueryResult<bool> {
    diesel::update(
        users::table
            .find(user_id)
            .filter(users::banned_at.is_not_null()),
    )
    .set((
        users::banned_at.eq(None::<NaiveDateTime>),
        users::ban_reason.eq(None::<String>),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// When and why the account was blocked, if it is.
pub fn of(conn: &mut DbConnection, user_id: i64) -> QueryResult<Option<(NaiveDateTime, String)>> {
    let row: Option<(Option<NaiveDateTime>, Option<String>)> = users::table
        .find(user_id)
        .select((users::banned_at, users::ban_reason))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(at, reason)| Some((at?, reason.unwrap_or_default()))))
}

/// Blocked accounts, the latest first.
pub fn list(
    conn: &mut DbConnection,
    limit: i64,
) -> QueryResult<Vec<(User, NaiveDateTime, String)>> {
    let rows: Vec<(User, Option<NaiveDateTime>, Option<String>)> = users::table
        .filter(users::banned_at.is_not_null())
        .filter(users::erased_at.is_null())
        .order((users::banned_at.desc(), users::email))
        .limit(limit)
        .select((User::as_select(), users::banned_at, users::ban_reason))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(user, at, reason)| Some((user, at?, reason.unwrap_or_default())))
        .collect())
}
