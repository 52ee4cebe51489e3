//! The audit log: append-only, each row chained to the previous one by an HMAC-SHA256 keyed
//! with a secret kept out of the database. Someone who can write to the database can neither
//! edit a row nor recompute the chain after an edit; deleting the newest rows leaves a valid
//! chain, which is why operators record the [`Head`] elsewhere and check it back.

use std::fmt;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use sha2::Sha256;

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

fn chain_hash(key: &[u8], prev: &str, e: &Entry) -> String {
    // HMAC accepts a key of any length: this cannot fail.
    let Ok(mut h) = <Hmac<Sha256> as Mac>::new_from_slice(key) else {
        return String::new();
    };
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
        h.update(&[0x1f]);
    }
    h.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Appends an entry, chained with `key`. Call inside a write transaction: on PostgreSQL an
/// advisory lock makes concurrent writers take turns, so the chain never forks.
pub fn append(conn: &mut DbConnection, key: &[u8], entry: &Entry) -> QueryResult<()> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(727001)").execute(pg)?;
    }
    let prev: Option<String> = audit_log::table
        .order(audit_log::id.desc())
        .select(audit_log::hash)
        .first(conn)
        .optional()?;
    let prev = prev.unwrap_or_else(|| GENESIS.to_string());
    let hash = chain_hash(key, &prev, entry);
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

/// The newest point of the chain: how many rows, and the last one's hash. Recorded outside the
/// database, it shows later whether rows were removed from the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub count: i64,
    pub hash: String,
}

impl fmt::Display for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.count, self.hash)
    }
}

impl Head {
    /// `COUNT:HASH`, as [`Head`]'s `Display` writes it.
    pub fn parse(raw: &str) -> Option<Head> {
        let (count, hash) = raw.trim().split_once(':')?;
        let count = count.parse::<i64>().ok().filter(|c| *c >= 0)?;
        let valid = hash.len() == GENESIS.len() && hash.chars().all(|c| c.is_ascii_hexdigit());
        valid.then(|| Head {
            count,
            hash: hash.to_ascii_lowercase(),
        })
    }
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every row matches its hash under the key, and the expected head (if any) is in the chain.
    Intact(Head),
    /// This row (or the link to it) does not match: edited, removed or forged without the key.
    Altered { id: i64 },
    /// Fewer rows than the expected head counted: the newest were deleted.
    Truncated { expected: i64, found: i64 },
    /// The row at the expected head's position has another hash.
    Diverged { count: i64 },
}

/// Recomputes the chain with `key` and, given a head recorded earlier, checks it is still there.
pub fn verify(conn: &mut DbConnection, key: &[u8], expect: Option<&Head>) -> QueryResult<Verdict> {
    let rows: Vec<AuditRow> = audit_log::table
        .order(audit_log::id)
        .select(AuditRow::as_select())
        .load(conn)?;
    let mut prev = GENESIS.to_string();
    let mut at_expected = None;
    let mut count = 0;
    for row in rows {
        let entry = Entry {
            actor: &row.actor,
            action: &row.action,
            resource: &row.resource,
            old_value: row.old_value.as_deref(),
            new_value: row.new_value.as_deref(),
            at: row.created_at,
        };
        if row.prev_hash != prev || chain_hash(key, &prev, &entry) != row.hash {
            return Ok(Verdict::Altered { id: row.id });
        }
        count += 1;
        prev = row.hash;
        if expect.is_some_and(|h| h.count == count) {
            at_expected = Some(prev.clone());
        }
    }
    if let Some(head) = expect {
        if count < head.count {
            return Ok(Verdict::Truncated {
                expected: head.count,
                found: count,
            });
        }
        let hash = if head.count == 0 {
            Some(GENESIS.to_string())
        } else {
            at_expected
        };
        if hash.as_deref() != Some(head.hash.as_str()) {
            return Ok(Verdict::Diverged { count: head.count });
        }
    }
    Ok(Verdict::Intact(Head { count, hash: prev }))
}
