//! Bulk loads (`habilis seed --demandes N`). On PostgreSQL the foreign keys and secondary
//! indexes of the loaded tables, and the triggers that follow inserted rows, are set aside for
//! the load and put back after it, inside the load's transaction. Checking and indexing a
//! million rows at once is several times faster than row by row (at 1,000,000 demandes: 10.4 s
//! to insert their first events with the checks and index in place, 4.2 s with both rebuilt
//! after; the whole seed went from 167 s to 52 s with this, lz4 and a binary COPY), and a load
//! that fails rolls back with them: the schema is never left without its indexes.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};

use super::DbConnection;
use super::models::LoadedDemande;
use super::schema::demandes;

/// What was set aside, and the statements that put it back.
#[must_use = "what is set aside must be put back before the transaction commits"]
pub struct SetAside {
    restore: Vec<String>,
}

#[derive(QueryableByName)]
struct Definition {
    #[diesel(sql_type = Text)]
    remove: String,
    #[diesel(sql_type = Text)]
    restore: String,
}

/// The triggers that follow inserted rows, row by row (`demande_counts`) or statement by
/// statement (`demande_versions`); [`count_loaded`] does their work at once after a load. They
/// are dropped and created again rather than disabled: PostgreSQL fills a statement trigger's
/// transition table, a copy of every inserted row, even while the trigger is disabled.
const FOLLOWERS: [&str; 3] = [
    "demandes_counted",
    "demande_versions_insert",
    "demande_versions_message",
];

/// Drops the foreign keys and the indexes that back no constraint of `tables` (primary keys and
/// unique constraints stay), and the [`FOLLOWERS`] triggers on them. To be called in a
/// transaction, on PostgreSQL, followed by [`count_loaded`]; elsewhere it sets nothing aside.
pub fn set_aside(conn: &mut DbConnection, tables: &[&str]) -> QueryResult<SetAside> {
    let DbConnection::Postgresql(pg) = conn else {
        return Ok(SetAside {
            restore: Vec::new(),
        });
    };
    let tables: Vec<String> = tables.iter().map(|t| t.to_string()).collect();
    let followers: Vec<String> = FOLLOWERS.iter().map(|t| t.to_string()).collect();
    // Indexes are put back before the foreign keys, whose check reads them.
    let definitions = diesel::sql_query(
        "SELECT format('DROP INDEX %s', i.indexrelid::regclass) AS remove, \
                pg_get_indexdef(i.indexrelid) AS restore, 0 AS rank \
           FROM pg_index i \
          WHERE i.indrelid = ANY($1::regclass[]) \
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c \
                             WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid) \
         UNION ALL \
         SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname), \
                format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, \
                       pg_get_constraintdef(c.oid)), 1 \
           FROM pg_constraint c \
          WHERE c.contype = 'f' AND c.conrelid = ANY($1::regclass[]) \
         UNION ALL \
         SELECT format('DROP TRIGGER %I ON %s', t.tgname, t.tgrelid::regclass), \
                pg_get_triggerdef(t.oid), 2 \
           FROM pg_trigger t \
          WHERE NOT t.tgisinternal AND t.tgrelid = ANY($1::regclass[]) AND t.tgname = ANY($2) \
          ORDER BY rank",
    )
    .bind::<Array<Text>, _>(&tables)
    .bind::<Array<Text>, _>(&followers)
    .load::<Definition>(pg)?;
    for d in &definitions {
        diesel::sql_query(&d.remove).execute(pg)?;
    }
    Ok(SetAside {
        restore: definitions.into_iter().map(|d| d.restore).collect(),
    })
}

impl SetAside {
    /// Puts back what was set aside: indexes built at once, foreign keys checked at once.
    pub fn restore(self, conn: &mut DbConnection) -> QueryResult<()> {
        if let DbConnection::Postgresql(pg) = conn
            && !self.restore.is_empty()
        {
            // Room to sort each index in memory, for this transaction only.
            diesel::sql_query("SET LOCAL maintenance_work_mem = '256MB'").execute(pg)?;
        }
        for sql in &self.restore {
            diesel::sql_query(sql).execute(conn)?;
        }
        Ok(())
    }
}

/// Compresses the long values written by this transaction (the answers) with lz4 where the
/// server has it: twice as fast as the default pglz for the same space (at 200,000 demandes,
/// COPY took 5.5 s against 9.9 s).
pub fn fast_compression(conn: &mut DbConnection) -> QueryResult<()> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query(
            "SELECT set_config('default_toast_compression', 'lz4', true) FROM pg_settings \
              WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)",
        )
        .execute(pg)?;
    }
    Ok(())
}

/// Adds the submitted demandes of ids `[from, until)` to `demande_counts`, and moves on the
/// versions of their providers, as the triggers set aside by [`set_aside`] would have.
pub fn count_loaded(conn: &mut DbConnection, from: i64, until: i64) -> QueryResult<()> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query(
            "WITH loaded AS ( \
                 SELECT provider, state, count(*) AS n FROM demandes \
                  WHERE id >= $1 AND id < $2 AND last_submitted_at IS NOT NULL \
                  GROUP BY provider, state), \
             counted AS ( \
                 INSERT INTO demande_counts (provider, state, n) \
                 SELECT provider, state, n FROM loaded ORDER BY provider, state \
                 ON CONFLICT (provider, state) DO UPDATE SET n = demande_counts.n + EXCLUDED.n) \
             SELECT demande_versions_bump(ARRAY(SELECT provider FROM loaded))",
        )
        .bind::<BigInt, _>(from)
        .bind::<BigInt, _>(until)
        .execute(pg)?;
    }
    // SQLite's triggers were never set aside: the rows are counted already.
    Ok(())
}

/// Rows per INSERT on SQLite (16 values each, under its 32,766 variables).
const SQLITE_ROWS_PER_INSERT: usize = 1_000;

/// Writes `rows`: a binary `COPY` on PostgreSQL (nothing to parse: at a million demandes, reading
/// the same rows as CSV took 40% of the load), multi-row INSERTs on SQLite. Both are ordinary
/// inserts: the search columns and the triggers left in place see each row as they see the
/// application's.
pub fn insert_demandes(conn: &mut DbConnection, rows: &[LoadedDemande]) -> QueryResult<usize> {
    match conn {
        DbConnection::Postgresql(pg) => diesel::copy_from(demandes::table)
            .from_insertable(rows)
            .execute(pg),
        DbConnection::Sqlite(lite) => rows
            .chunks(SQLITE_ROWS_PER_INSERT)
            .map(|chunk| {
                diesel::insert_into(demandes::table)
                    .values(chunk)
                    .execute(lite)
            })
            .sum(),
    }
}
