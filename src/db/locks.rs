//! Advisory locks of a transaction: writers about one thing take turns (PostgreSQL; on
//! SQLite a write transaction already holds the only write lock).

use diesel::RunQueryDsl;
use diesel::result::QueryResult;

use super::DbConnection;

/// Makes concurrent writers under one name (a provider's message templates of a kind) take
/// turns until the transaction ends, so what they count stays true until they write
/// (PostgreSQL; on SQLite a write transaction already holds the only write lock).
pub fn lock_named(conn: &mut DbConnection, name: &str) -> QueryResult<()> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(name)
            .execute(pg)?;
    }
    Ok(())
}

/// Makes concurrent writers about one demande take turns, until the transaction ends
/// (PostgreSQL; on SQLite a write transaction already holds the only write lock).
pub fn lock_demande(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(7_270_000_000_000i64 + id)
            .execute(pg)?;
    }
    Ok(())
}

/// Makes concurrent changes of who is an admin take turns, until the transaction ends
/// (PostgreSQL; on SQLite a write transaction already holds the only write lock).
pub fn lock_admins(conn: &mut DbConnection) -> QueryResult<()> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7260000000001)").execute(pg)?;
    }
    Ok(())
}
