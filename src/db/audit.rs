//! The audit log: append-only, each row chained to the previous one by a SHA-256 hash.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::DbConnection;
use super::schema::audit_log;

/// The hash before the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: i64,
    pub actor: String,
    pub action: String,
    pub resource: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub created_at: NaiveDateTime,
    pub prev_hash: String,
    pub hash: String,
}

/// What happened, before it is chained.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub resource: &'a str,
    pub old_value: Option<&'a str>,
    pub new_value: Option<&'a str>,
    pub at: NaiveDateTime,
}

fn chain_hash(prev: &str, e: &Entry) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        e.actor,
        e.action,
        e.resource,
        e.old_value.unwrap_or("\u{0}"),
        e.new_value.unwrap_or("\u{0}"),
        &e.at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Appends an entry. Call inside a write transaction: on PostgreSQL an advisory lock makes
/// concurrent writers take turns, so the chain never forks.
pub fn append(conn: &mut DbConnection, entry: &Entry) -> QueryResult<()> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(727001)").execute(pg)?;
    }
    let prev: Option<String> = audit_log::table
        .order(audit_log::id.desc())
        .select(audit_log::hash)
        .first(conn)
        .optional()?;
    let prev = prev.unwrap_or_else(|| GENESIS.to_string());
    let hash = chain_hash(&prev, entry);
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::actor.eq(entry.actor),
            audit_log::action.eq(entry.action),
            audit_log::resource.eq(entry.resource),
            audit_log::old_value.eq(entry.old_value),
            audit_log::new_value.eq(entry.new_value),
            audit_log::created_at.eq(entry.at),
            audit_log::prev_hash.eq(&prev),
            audit_log::hash.eq(&hash),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Latest entries first.
pub fn recent(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<AuditRow>> {
    audit_log::table
        .order(audit_log::id.desc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)
}

/// Recomputes the chain; returns the id of the first row that does not match, if any.
pub fn verify(conn: &mut DbConnection) -> QueryResult<Option<i64>> {
    let rows: Vec<AuditRow> = audit_log::table
        .order(audit_log::id)
        .select(AuditRow::as_select())
        .load(conn)?;
    let mut prev = GENESIS.to_string();
    for row in rows {
        let entry = Entry {
            actor: &row.actor,
            action: &row.action,
            resource: &row.resource,
            old_value: row.old_value.as_deref(),
            new_value: row.new_value.as_deref(),
            at: row.created_at,
        };
        if row.prev_hash != prev || chain_hash(&prev, &entry) != row.hash {
            return Ok(Some(row.id));
        }
        prev = row.hash;
    }
    Ok(None)
}
