//! Writing a batch of seeded demandes: `COPY` on PostgreSQL (ids given, taken from the
//! sequence beforehand: the same row always gets the same id), multi-row
//! INSERTs in one transaction on SQLite. Both are ordinary inserts: the search columns
//! (PostgreSQL's generated `search`, SQLite's `demandes_fts` filled by triggers) and every
//! other trigger see each row as they see the application's.

use std::io::Write;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::catalog::Catalog;
use crate::db::DbConnection;
use crate::db::models::NewDemande;
use crate::db::schema::demandes;

use super::rows::{Org, Row};

/// Rows per INSERT on SQLite (15 values each, under its 32,766 variables).
const SQLITE_ROWS_PER_INSERT: usize = 1_000;

/// Writes `rows`, the first with id `first_id` on PostgreSQL (SQLite numbers them in order).
pub fn write_batch(
    conn: &mut DbConnection,
    catalog: &Catalog,
    orgs: &[Org],
    first_id: i64,
    rows: &[Row],
) -> anyhow::Result<usize> {
    let providers = catalog.all();
    if let DbConnection::Postgresql(pg) = conn {
        let csv = csv_of(catalog, orgs, first_id, rows)?;
        let copied = diesel::copy_from(demandes::table)
            .from_raw_data(
                (
                    demandes::id,
                    demandes::provider,
                    demandes::template,
                    demandes::organisation_id,
                    demandes::applicant_id,
                    demandes::state,
                    demandes::answers,
                    demandes::scopes,
                    demandes::intitule,
                    demandes::organisation_name,
                    demandes::siret,
                    demandes::applicant_email,
                    demandes::lock_version,
                    demandes::created_at,
                    demandes::updated_at,
                    demandes::last_submitted_at,
                ),
                |out: &mut dyn Write| {
                    out.write_all(&csv)
                        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
                },
            )
            .with_format(diesel::pg::CopyFormat::Csv)
            .execute(pg)?;
        return Ok(copied);
    }
    let new: Vec<NewDemande> = rows
        .iter()
        .map(|r| {
            let o = &orgs[r.org];
            NewDemande {
                provider: &providers[r.provider].slug,
                template: r.template.as_deref(),
                organisation_id: o.id,
                applicant_id: o.applicant_id,
                state: r.state.as_str(),
                answers: &r.answers,
                scopes: &r.scopes,
                intitule: &r.intitule,
                organisation_name: &o.name,
                siret: &o.siret,
                applicant_email: &o.applicant_email,
                lock_version: 0,
                created_at: r.created_at,
                updated_at: r.updated_at,
                last_submitted_at: r.last_submitted_at,
            }
        })
        .collect();
    crate::db::write_transaction(conn, |conn| {
        new.chunks(SQLITE_ROWS_PER_INSERT)
            .map(|chunk| crate::db::demandes::insert_many(conn, chunk))
            .sum::<QueryResult<usize>>()
    })
    .map_err(Into::into)
}

/// The rows in PostgreSQL's CSV format, in the column order of the COPY.
fn csv_of(
    catalog: &Catalog,
    orgs: &[Org],
    first_id: i64,
    rows: &[Row],
) -> std::io::Result<Vec<u8>> {
    fn text(out: &mut Vec<u8>, value: &str) {
        out.push(b'"');
        for b in value.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.extend_from_slice(b"\",");
    }
    fn time(out: &mut Vec<u8>, at: Option<NaiveDateTime>) -> std::io::Result<()> {
        // An unquoted empty field is NULL.
        if let Some(at) = at {
            write!(out, "{}", at.format("%Y-%m-%d %H:%M:%S%.6f"))?;
        }
        Ok(())
    }
    let providers = catalog.all();
    let mut out = Vec::with_capacity(rows.len() * 2048);
    for (id, r) in (first_id..).zip(rows) {
        let o = &orgs[r.org];
        write!(out, "{id},")?;
        text(&mut out, &providers[r.provider].slug);
        match &r.template {
            Some(t) => text(&mut out, t),
            None => out.push(b','),
        }
        write!(out, "{},{},", o.id, o.applicant_id)?;
        text(&mut out, r.state.as_str());
        text(&mut out, &r.answers);
        text(&mut out, &r.scopes);
        text(&mut out, &r.intitule);
        text(&mut out, &o.name);
        text(&mut out, &o.siret);
        text(&mut out, &o.applicant_email);
        out.extend_from_slice(b"0,");
        time(&mut out, Some(r.created_at))?;
        out.push(b',');
        time(&mut out, Some(r.updated_at))?;
        out.push(b',');
        time(&mut out, r.last_submitted_at)?;
        out.push(b'\n');
    }
    Ok(out)
}
