//! The published habilitations: a provider that opts in lists its active habilitations for
//! anyone, as a page, JSON and CSV, with no personal data; others publish nothing.

use reqwest::StatusCode;

use crate::helpers::spawn_app;

#[tokio::test]
async fn an_opted_in_provider_publishes_its_active_habilitations_without_personal_data() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    app.validated_demande(&marie, "biodiversite").await;
    // A demande still in instruction is not listed.
    app.submitted_demande(&marie, "biodiversite").await;

    let visitor = app.browser();
    let index = visitor.get("/habilitations-publiques").await;
    assert_eq!(index.status, StatusCode::OK);
    index.assert_contains(r#"href="/habilitations-publiques/biodiversite""#);
    assert!(
        !index
            .body
            .contains("/habilitations-publiques/api-particulier")
    );

    let page = visitor.get("/habilitations-publiques/biodiversite").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Mairie de Lyon");
    page.assert_contains("Synthèse des observations");
    assert!(!page.body.contains("marie.dupont"), "no applicant");

    let json: serde_json::Value = reqwest::get(format!(
        "{}/habilitations-publiques/biodiversite/donnees.json",
        app.address
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let listed = json["habilitations"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{json}");
    assert_eq!(listed[0]["siret"], "21690123100011");
    assert_eq!(listed[0]["scopes"][0], "Synthèse des observations");
    assert!(!json.to_string().contains("@"), "no email: {json}");

    let csv = reqwest::get(format!(
        "{}/habilitations-publiques/biodiversite/donnees.csv",
        app.address
    ))
    .await
    .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    assert!(text.starts_with(
        "\u{feff}habilitation,organisation,siret,projet,donnees,accordee_le,expire_le"
    ));
    assert_eq!(text.lines().count(), 2, "{text}");

    // A provider that does not opt in publishes nothing.
    let closed = visitor
        .get("/habilitations-publiques/api-particulier")
        .await;
    assert_eq!(closed.status, StatusCode::NOT_FOUND);
}
