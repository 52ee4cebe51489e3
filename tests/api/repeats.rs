//! A person who clicks twice gets the page of the done action, once; a conflict with someone
//! else's action says so and links back to the demande.

use reqwest::StatusCode;

use crate::helpers::spawn_app;

const PROVIDER: &str = "api-particulier";

#[tokio::test]
async fn submitting_twice_submits_once_and_both_clicks_land_on_the_done_page() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.filled_draft(&marie, PROVIDER).await;
    let first = marie.submit(id, true).await;
    let second = marie.submit(id, true).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    assert_eq!(first.location, second.location);
    let page = marie.get(&format!("/demandes/{id}")).await;
    assert_eq!(page.text().matches("Demande soumise").count(), 1);
    let receipts = app
        .outbox()
        .into_iter()
        .filter(|r| r.topic == "receipt" && r.demande_id == Some(id))
        .count();
    assert_eq!(receipts, 1, "one receipt");
}

#[tokio::test]
async fn validating_twice_grants_one_habilitation_without_a_conflict() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let instructor = app.login_as("instruction@api-particulier.example").await;
    assert_eq!(
        instructor.decide(id, "valider", "").await.status,
        StatusCode::SEE_OTHER
    );
    let again = instructor.decide(id, "valider", "").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    assert_eq!(page.text().matches("Habilitation H").count(), 1);

    // Refusing what was just validated is a conflict, which links back to the demande.
    let refused = instructor.decide(id, "refuser", "Trop tard").await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    refused.assert_contains("Revenir à la demande");
    assert!(
        refused
            .body
            .contains(&format!("href=\"/instruction/demandes/{id}\"")),
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn the_history_shows_the_newest_first_and_a_run_of_draft_saves_as_one_line() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let steps = app.complete_answers(PROVIDER).len();
    let page = marie.get(&format!("/demandes/{id}")).await;
    let text = page.text();
    let history = &text[text.find("Historique").unwrap()..];
    let history = &history[..history.find("</ol>").unwrap()];
    let lines: Vec<&str> = history
        .split("<strong>")
        .skip(1)
        .map(|l| l.split("</strong>").next().unwrap())
        .collect();
    assert_eq!(
        lines,
        [
            "Demande soumise".to_string(),
            format!("Demande modifiée ({steps} enregistrements)"),
            "Demande créée".to_string(),
        ],
        "{history}"
    );
}
