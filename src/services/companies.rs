//! The company directory ("recherche d'entreprises" API): name, NAF code, address and whether
//! an establishment is open, looked up by SIRET and cached. A failed lookup never blocks anyone:
//! the SIRET is kept and the lookup tried again later.

use std::time::Duration;

use serde::Deserialize;

use crate::db::organisations::{self, Facts};
use crate::error::AppError;

use super::App;

/// Why the directory gave no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("établissement introuvable dans le répertoire des entreprises")]
    NotFound,
    #[error("répertoire des entreprises injoignable : {0}")]
    Unreachable(String),
    #[error("réponse illisible du répertoire des entreprises : {0}")]
    Malformed(String),
}

#[derive(Deserialize)]
struct Answer {
    results: Vec<Unit>,
}

#[derive(Deserialize)]
struct Unit {
    nature_juridique: Option<String>,
    nom_complet: Option<String>,
    nom_raison_sociale: Option<String>,
    #[serde(default)]
    matching_etablissements: Vec<Establishment>,
}

#[derive(Deserialize)]
struct Establishment {
    siret: String,
    activite_principale: Option<String>,
    etat_administratif: Option<String>,
    adresse: Option<String>,
}

/// Reads the directory's answer for a SIRET.
pub fn parse_answer(body: &str, siret: &str) -> Result<Facts, LookupError> {
    let answer: Answer =
        serde_json::from_str(body).map_err(|e| LookupError::Malformed(e.to_string()))?;
    for unit in answer.results {
        if let Some(e) = unit
            .matching_etablissements
            .into_iter()
            .find(|e| e.siret == siret)
        {
            let name = unit
                .nom_raison_sociale
                .or(unit.nom_complet)
                .unwrap_or_else(|| siret.to_string());
            return Ok(Facts {
                name,
                naf: e.activite_principale,
                address: e.adresse,
                // "F": fermé. Anything else counts as open.
                active: e.etat_administratif.as_deref() != Some("F"),
                legal_form: unit.nature_juridique,
            });
        }
    }
    Err(LookupError::NotFound)
}

/// Asks the directory about one SIRET.
pub async fn lookup(
    client: &reqwest::Client,
    base_url: &str,
    siret: &str,
) -> Result<Facts, LookupError> {
    let url =
        format!("{base_url}/search?q={siret}&minimal=true&include=siege,matching_etablissements");
    let response = client
        .get(&url)
        .send()
        .await
        .map_err(|e| LookupError::Unreachable(e.to_string()))?;
    if !response.status().is_success() {
        return Err(LookupError::Unreachable(format!(
            "statut HTTP {}",
            response.status()
        )));
    }
    let body = response
        .text()
        .await
        .map_err(|e| LookupError::Unreachable(e.to_string()))?;
    parse_answer(&body, siret)
}

/// How a refresh went.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Refreshed {
    pub found: usize,
    pub failed: usize,
}

/// Looks up every organisation the directory has not answered for yet.
pub async fn refresh_pending(app: &App) -> Result<Refreshed, AppError> {
    let Some(base_url) = app.settings.company_api_url.clone() else {
        return Ok(Refreshed::default());
    };
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(app.settings.company_api_timeout_ms))
        .user_agent("habilis (portail d'habilitation)")
        .build()
        .map_err(anyhow::Error::from)?;
    let pending = app
        .db
        .run(|conn| Ok::<_, AppError>(organisations::not_looked_up(conn, 100)?))
        .await?;
    let mut done = Refreshed::default();
    for org in pending {
        let outcome = lookup(&client, &base_url, &org.siret).await;
        let id = org.id;
        match outcome {
            Ok(facts) => {
                app.db
                    .run(move |conn| {
                        Ok::<_, AppError>(organisations::record_facts(
                            conn,
                            id,
                            &facts,
                            super::now(),
                        )?)
                    })
                    .await?;
                done.found += 1;
            }
            Err(e) => {
                tracing::warn!(organisation = id, error = %e, "company lookup failed; will retry");
                let message = e.to_string();
                app.db
                    .run(move |conn| {
                        Ok::<_, AppError>(organisations::record_lookup_error(conn, id, &message)?)
                    })
                    .await?;
                done.failed += 1;
            }
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_gives_the_establishment_s_facts() {
        let body = r#"{"results":[{"nom_complet":"COMMUNE DE LYON","nom_raison_sociale":"COMMUNE DE LYON",
            "matching_etablissements":[{"siret":"21690123100011","activite_principale":"84.11Z",
            "etat_administratif":"A","adresse":"1 PLACE DE LA COMEDIE 69001 LYON"}]}],"total_results":1}"#;
        let facts = parse_answer(body, "21690123100011").unwrap();
        assert_eq!(facts.name, "COMMUNE DE LYON");
        assert_eq!(facts.naf.as_deref(), Some("84.11Z"));
        assert!(facts.active);
        let closed = body.replace(r#""etat_administratif":"A""#, r#""etat_administratif":"F""#);
        assert!(!parse_answer(&closed, "21690123100011").unwrap().active);
    }

    #[test]
    fn unknown_and_garbled_answers_are_told_apart() {
        assert_eq!(
            parse_answer(r#"{"results":[]}"#, "21690123100011"),
            Err(LookupError::NotFound)
        );
        assert!(matches!(
            parse_answer("<html>", "21690123100011"),
            Err(LookupError::Malformed(_))
        ));
    }
}
