//! The public list of a provider's active habilitations, for providers whose file opts in:
//! which organisation may use which data, for what, since and until when. No personal data:
//! no applicant, no contact, no answer but the project's name, and no organisation that is a
//! person (a sole trader). Kept five minutes per provider in each instance.

use crate::catalog::Provider;
use crate::db::habilitations::{self, ListedHabilitation};
use crate::domain::habilitation::Status;
use crate::error::AppError;

use super::{App, now};

/// At most this many rows in a list (the largest provider holds a few thousand).
const LIMIT: i64 = 50_000;
/// How long a list is kept before it is read again (each instance keeps its own).
pub const KEPT: std::time::Duration = std::time::Duration::from_secs(300);

/// One published habilitation.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PublicHabilitation {
    pub habilitation: String,
    pub organisation: String,
    pub siret: String,
    /// The project's name, as the demande gives it.
    pub purpose: String,
    /// The labels of the scopes granted.
    pub scopes: Vec<String>,
    pub granted_on: String,
    pub expires_on: String,
}

/// The providers that publish their habilitations, by name.
pub fn publishing(app: &App) -> Vec<&Provider> {
    let mut list: Vec<&Provider> = app
        .catalog
        .unstaged()
        .iter()
        .filter(|p| p.public_list)
        .collect();
    list.sort_by(|a, b| a.name.cmp(&b.name));
    list
}

/// A publishing provider's active habilitations, newest first; any other slug is not found.
pub async fn list(app: &App, slug: &str) -> Result<(Provider, Vec<PublicHabilitation>), AppError> {
    let provider = app
        .catalog
        .get(slug)
        .filter(|p| p.public_list)
        .cloned()
        .ok_or(AppError::NotFound)?;
    if let Some(kept) = app.published.get(&provider.slug) {
        return Ok((provider, kept));
    }
    let providers = vec![provider.slug.clone()];
    let at = now();
    let (rows, forms): (Vec<ListedHabilitation>, Vec<(i64, Option<String>)>) = app
        .db
        .run(move |conn| {
            let rows = habilitations::listed(conn, &providers, Status::Active, at, None, LIMIT)?;
            let ids: Vec<i64> = rows.iter().map(|(h, _)| h.organisation_id).collect();
            let forms = crate::db::organisations::legal_forms(conn, &ids)?;
            Ok::<_, AppError>((rows, forms))
        })
        .await?;
    // An organisation that is, or may be, a person (a sole trader) is left out: its name
    // would be a person's.
    let person = |id: i64, siret: &str| {
        let form = forms
            .iter()
            .find(|(o, _)| *o == id)
            .and_then(|(_, f)| f.as_deref());
        crate::domain::siret::may_be_a_person(siret, form)
    };
    let published: Vec<PublicHabilitation> = rows
        .into_iter()
        .filter(|(h, (_, _, siret))| !person(h.organisation_id, siret))
        .map(|(h, (purpose, organisation, siret))| {
            let ids: Vec<String> = serde_json::from_str(&h.scopes).unwrap_or_default();
            PublicHabilitation {
                habilitation: h.public_id().to_string(),
                organisation,
                siret,
                purpose,
                scopes: ids
                    .iter()
                    .map(|id| {
                        provider
                            .form
                            .scope(id)
                            .map_or(id.clone(), |s| s.label.clone())
                    })
                    .collect(),
                granted_on: h.granted_at.format("%Y-%m-%d").to_string(),
                expires_on: h.expires_at.format("%Y-%m-%d").to_string(),
            }
        })
        .collect();
    app.published.put(&provider.slug, published.clone());
    Ok((provider, published))
}

/// The list as CSV (UTF-8 with a byte order mark, cells a spreadsheet would run neutralised).
pub fn csv(rows: &[PublicHabilitation]) -> Result<Vec<u8>, AppError> {
    let mut writer = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
    writer
        .write_record([
            "habilitation",
            "organisation",
            "siret",
            "projet",
            "donnees",
            "accordee_le",
            "expire_le",
        ])
        .map_err(anyhow::Error::from)?;
    for r in rows {
        let scopes = r.scopes.join(" ; ");
        writer
            .write_record(
                [
                    &r.habilitation,
                    &r.organisation,
                    &r.siret,
                    &r.purpose,
                    &scopes,
                    &r.granted_on,
                    &r.expires_on,
                ]
                .map(|c| super::export::neutralise(c)),
            )
            .map_err(anyhow::Error::from)?;
    }
    writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
}
