//! Rate-limit counters shared by every instance: one row per (scope, key, minute), counted up
//! in one statement, so that two instances at the same instant both count.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::DbConnection;

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = BigInt)]
    count: i64,
}

/// Counts one more request for `key` in `minute`; returns how many there were in it.
pub fn count(conn: &mut DbConnection, scope: &str, key: &str, minute: i64) -> QueryResult<i64> {
    let sql = |p: char| {
        format!(
            "INSERT INTO rate_counts (scope, key, minute, count) VALUES ({p}1, {p}2, {p}3, 1) \
             ON CONFLICT (scope, key, minute) DO UPDATE SET count = rate_counts.count + 1 \
             RETURNING count"
        )
    };
    let counted: Counted = match conn {
        DbConnection::Postgresql(pg) => diesel::sql_query(sql('$'))
            .bind::<Text, _>(scope)
            .bind::<Text, _>(key)
            .bind::<BigInt, _>(minute)
            .get_result(pg)?,
        DbConnection::Sqlite(lite) => diesel::sql_query(sql('?'))
            .bind::<Text, _>(scope)
            .bind::<Text, _>(key)
            .bind::<BigInt, _>(minute)
            .get_result(lite)?,
    };
    Ok(counted.count)
}

/// Forgets the minutes before `minute`.
pub fn purge_before(conn: &mut DbConnection, minute: i64) -> QueryResult<usize> {
    use super::schema::rate_counts;
    diesel::delete(rate_counts::table.filter(rate_counts::minute.lt(minute))).execute(conn)
}
