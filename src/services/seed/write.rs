//! Writing a batch of seeded demandes, ids given: on PostgreSQL they were taken from the
//! sequence beforehand, on SQLite they follow the largest one; the same row always gets the
//! same id.

use crate::catalog::Catalog;
use crate::db::DbConnection;
use crate::db::models::LoadedDemande;

use super::rows::{Org, Row};

/// Writes `rows`, the first with id `first_id`.
pub fn write_batch(
    conn: &mut DbConnection,
    catalog: &Catalog,
    orgs: &[Org],
    first_id: i64,
    rows: &[Row],
) -> anyhow::Result<usize> {
    let providers = catalog.unstaged();
    let loaded: Vec<LoadedDemande> = (first_id..)
        .zip(rows)
        .map(|(id, r)| {
            let o = &orgs[r.org];
            LoadedDemande {
                id,
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
    // PostgreSQL's seed runs in one transaction already; SQLite's writes each batch in its own.
    let written = match conn {
        DbConnection::Postgresql(_) => crate::db::bulk::insert_demandes(conn, &loaded),
        DbConnection::Sqlite(_) => crate::db::write_transaction(conn, |conn| {
            crate::db::bulk::insert_demandes(conn, &loaded)
        }),
    };
    Ok(written?)
}
