//! Weekly digests sent, one per person, provider and week.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::weekly_digests;

/// Records the digest of `week` for a person and a provider; false when it was already
/// recorded (by this run or by another instance), in which case nothing is to be sent.
pub fn claim(
    conn: &mut DbConnection,
    user_id: i64,
    provider: &str,
    week: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let row = (
        weekly_digests::user_id.eq(user_id),
        weekly_digests::provider.eq(provider),
        weekly_digests::week.eq(week),
        weekly_digests::sent_at.eq(at),
    );
    // ON CONFLICT does not go through the multi-connection: each backend runs the same insert.
    let inserted = match conn {
        DbConnection::Postgresql(pg) => diesel::insert_into(weekly_digests::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(pg)?,
        DbConnection::Sqlite(lite) => diesel::insert_into(weekly_digests::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(lite)?,
    };
    Ok(inserted == 1)
}
