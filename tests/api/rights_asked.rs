//! Asking for finer rights: on the scopes step, an applicant asks each module's actions and
//! filters and a confidentiality level; mistakes are named at their input and nothing typed is
//! lost; the summary and the instructor's page say what is asked.

use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp, instructor_of, spawn_app};

pub const PROVIDER: &str = "biodiversite";
/// "Les modules et les droits".
const SCOPES_STEP: usize = 3;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn an_applicant_asks_actions_filters_and_a_level_and_the_instructor_reads_them() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = marie.start_demande(PROVIDER, "").await;

    let step = marie
        .get(&format!("/demandes/{id}/etapes/{SCOPES_STEP}"))
        .await;
    assert_eq!(step.status, StatusCode::OK);
    step.assert_contains("Précisez les droits demandés");
    step.assert_contains("Synthèse des observations");
    step.assert_contains("Groupes taxonomiques");
    step.assert_contains("Niveau de confidentialité maximal");
    // Deleting is not for applicants to ask: no box offers it.
    assert!(
        step.body
            .contains(r#"name="droits.occtax.actions" value="create""#)
    );
    assert!(!step.body.contains(r#"value="delete""#));

    // A wrong territory is named at its input, and what was typed stays.
    let saved = marie
        .fill(
            id,
            SCOPES_STEP,
            &pairs(&[
                ("scopes", "synthese"),
                ("droits.synthese.actions", "read"),
                ("droits.synthese.actions", "export"),
                ("droits.synthese.territoire", "38, 99"),
                ("droits.synthese.taxons", "oiseaux"),
                ("droits.niveau", "confidentiel"),
            ]),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let step = marie
        .get(&format!("/demandes/{id}/etapes/{SCOPES_STEP}"))
        .await;
    step.assert_contains("Territoire – Synthèse des observations : Code inconnu « 99 »");
    assert!(step.body.contains(r#"value="38, 99""#), "typed codes kept");
    assert!(
        step.body
            .contains(r#"name="droits.synthese.taxons" value="oiseaux" checked"#),
        "ticked taxa kept"
    );

    // Every other step, then the territory mended.
    for (i, answers) in app.complete_answers(PROVIDER).iter().enumerate() {
        if i + 1 != SCOPES_STEP {
            marie.fill(id, i + 1, answers).await;
        }
    }
    marie
        .fill(
            id,
            SCOPES_STEP,
            &pairs(&[
                ("scopes", "synthese"),
                ("droits.synthese.actions", "read"),
                ("droits.synthese.actions", "export"),
                ("droits.synthese.territoire", "38, 73"),
                ("droits.synthese.taxons", "oiseaux"),
                ("droits.synthese.periode.de", "01/01/2020"),
                ("droits.synthese.periode.a", "31/12/2025"),
                ("droits.niveau", "confidentiel"),
            ]),
        )
        .await;
    let summary = marie.get(&format!("/demandes/{id}/resume")).await;
    summary.assert_contains("Droits – Synthèse des observations");
    summary.assert_contains(
        "Actions : Consulter, Exporter · Groupes taxonomiques : Oiseaux · Territoire : Isère (38), Savoie (73) · Période d'observation : du 01/01/2020 au 31/12/2025",
    );
    summary.assert_contains("Confidentiel (localisation exacte)");
    let submitted = marie.submit(id, true).await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.body
    );

    let instructor = app.login_as(&instructor_of(PROVIDER)).await;
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Actions : Consulter, Exporter · Groupes taxonomiques : Oiseaux");
    page.assert_contains("Confidentiel (localisation exacte)");
}

#[tokio::test]
async fn a_submission_needs_the_required_filters_and_a_level() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = marie.start_demande(PROVIDER, "").await;
    for (i, answers) in app.complete_answers(PROVIDER).iter().enumerate() {
        if i + 1 == SCOPES_STEP {
            marie
                .fill(id, i + 1, &pairs(&[("scopes", "synthese")]))
                .await;
        } else {
            marie.fill(id, i + 1, answers).await;
        }
    }
    let refused = marie.submit(id, true).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_contains("Territoire – Synthèse des observations : Ce filtre est obligatoire.");
    refused.assert_contains("Niveau de confidentialité : Choisissez un niveau de confidentialité.");
    // Nothing was submitted.
    let list = marie.get("/demandes").await;
    list.assert_contains("Brouillon");
}

/// The answers of the scopes step used across the rights tests: the synthesis module, read
/// and export, two departments, two taxa, a period, the highest level.
pub fn asked_rights() -> Vec<(String, String)> {
    pairs(&[
        ("scopes", "synthese"),
        ("droits.synthese.actions", "read"),
        ("droits.synthese.actions", "export"),
        ("droits.synthese.territoire", "38, 73"),
        ("droits.synthese.taxons", "oiseaux"),
        ("droits.synthese.taxons", "mammiferes"),
        ("droits.synthese.periode.de", "2020-01-01"),
        ("droits.synthese.periode.a", "2025-12-31"),
        ("droits.niveau", "confidentiel"),
        ("sites_etude", "Marais de la Dombes"),
    ])
}

/// A biodiversity demande asking [`asked_rights`], submitted by `applicant`.
pub async fn submitted_with_rights(app: &TestApp, applicant: &Browser) -> i64 {
    let id = applicant.start_demande(PROVIDER, "").await;
    for (i, answers) in app.complete_answers(PROVIDER).iter().enumerate() {
        let answers = if i + 1 == SCOPES_STEP {
            asked_rights()
        } else {
            answers.clone()
        };
        assert_eq!(
            applicant.fill(id, i + 1, &answers).await.status,
            StatusCode::SEE_OTHER
        );
    }
    let submitted = applicant.submit(id, true).await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.body
    );
    id
}

#[tokio::test]
async fn rights_changed_after_a_request_for_changes_are_named_in_the_instructor_s_diff() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = submitted_with_rights(&app, &marie).await;
    let instructor = app.login_as(&instructor_of(PROVIDER)).await;
    let asked = instructor
        .decide(
            id,
            "demander-modifications",
            "Un seul département, s'il vous plaît.",
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    let mut answers = asked_rights();
    for (key, value) in answers.iter_mut() {
        if key == "droits.synthese.territoire" {
            *value = "38".to_string();
        }
    }
    marie.fill(id, SCOPES_STEP, &answers).await;
    assert_eq!(marie.submit(id, true).await.status, StatusCode::SEE_OTHER);
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    page.assert_contains("Territoire – Synthèse des observations");
}
