//! CSV export of exactly the dashboard's filtered list, streamed batch by batch.

use tokio::sync::mpsc;

use crate::db::dashboard::ListRow;
use crate::db::models::Habilitation;
use crate::domain::demande::{State, public_id};
use crate::domain::listing::DashboardQuery;
use crate::error::AppError;

use super::App;
use super::accounts::CurrentUser;
use super::dashboard::export_batches;

/// Byte order mark: spreadsheet software then reads the file as UTF-8.
const BOM: &[u8] = "\u{feff}".as_bytes();
const HEADER: [&str; 12] = [
    "numero",
    "fournisseur",
    "intitule",
    "organisation",
    "siret",
    "demandeur",
    "etat",
    "soumise_le",
    "modifiee_le",
    "habilitation",
    "habilitation_expire_le",
    "etape_procedure",
];

/// A cell a spreadsheet would run as a formula gets a leading quote.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

fn row(
    app: &App,
    d: &ListRow,
    hab: Option<&Habilitation>,
    now: chrono::NaiveDateTime,
) -> [String; 12] {
    let found = app.catalog.get(&d.provider);
    let provider = found.map_or(d.provider.clone(), |p| p.name.clone());
    let stage = d.stage.as_ref().map_or_else(String::new, |id| {
        found
            .and_then(|p| p.stages.iter().find(|s| s.id == *id))
            .map_or(id.clone(), |s| s.name.clone())
    });
    let state = State::parse(&d.state).map_or(d.state.clone(), |s| s.label().to_string());
    let time = |t: &chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M").to_string();
    [
        public_id(d.id),
        provider,
        d.intitule.clone(),
        d.organisation_name.clone(),
        d.siret.clone(),
        d.applicant_email.clone(),
        state,
        d.last_submitted_at.as_ref().map(time).unwrap_or_default(),
        time(&d.updated_at),
        hab.map(|h| h.standing_at(now).label().to_string())
            .unwrap_or_default(),
        hab.map(|h| h.expires_at.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        stage,
    ]
}

fn chunk(records: impl Iterator<Item = [String; 12]>) -> Result<Vec<u8>, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in records {
        writer
            .write_record(record.iter().map(|c| neutralise(c)))
            .map_err(anyhow::Error::from)?;
    }
    writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("CSV : {e}")))
}

/// Starts the export; chunks arrive on the receiver as they are written.
pub fn start(
    app: std::sync::Arc<App>,
    current: &CurrentUser,
    query: &DashboardQuery,
) -> Result<mpsc::Receiver<Result<Vec<u8>, AppError>>, AppError> {
    let mut cursor = export_batches(&app, current, query)?;
    let (tx, rx) = mpsc::channel(4);
    tokio::task::spawn_blocking(move || {
        let result = (|| -> Result<(), AppError> {
            let mut head = BOM.to_vec();
            head.extend(chunk(std::iter::once(HEADER.map(str::to_string)))?);
            if tx.blocking_send(Ok(head)).is_err() {
                return Ok(());
            }
            let mut conn = app.db.get()?;
            loop {
                let rows = cursor.next_batch(&mut conn, app.db.backend())?;
                if rows.is_empty() {
                    return Ok(());
                }
                let ids: Vec<i64> = rows.iter().map(|d| d.id).collect();
                let mut newest = std::collections::HashMap::new();
                for h in crate::db::habilitations::for_demandes(&mut conn, &ids)? {
                    newest.entry(h.demande_id).or_insert(h);
                }
                let at = crate::services::now();
                let bytes = chunk(rows.iter().map(|d| row(&app, d, newest.get(&d.id), at)))?;
                // The person closed the download: stop reading.
                if tx.blocking_send(Ok(bytes)).is_err() {
                    return Ok(());
                }
            }
        })();
        if let Err(e) = result {
            tracing::error!(error = ?e, "CSV export failed");
            let _ = tx.blocking_send(Err(e));
        }
    });
    Ok(rx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        for (cell, safe) in [
            ("=1+1", "'=1+1"),
            ("+33", "'+33"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("Cantine", "Cantine"),
        ] {
            assert_eq!(neutralise(cell), safe);
        }
    }
}
