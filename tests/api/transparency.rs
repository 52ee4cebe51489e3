//! The published habilitations: a provider that opts in lists its active habilitations for
//! anyone, as a page, JSON and CSV, with no personal data (no organisation that is a person);
//! others publish nothing.

use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use habilis::db::schema::organisations;
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app};

/// An organisation of that legal form (none: the directory has not answered), with a
/// validated biodiversity habilitation.
async fn holder(app: &TestApp, siret: &str, name: &str, legal_form: Option<&str>) {
    habilis::db::organisations::insert(
        &mut app.conn(),
        &habilis::db::models::NewOrganisation {
            siret,
            name,
            naf: None,
            created_at: habilis::services::now(),
        },
    )
    .unwrap();
    diesel::update(organisations::table.filter(organisations::siret.eq(siret)))
        .set(organisations::legal_form.eq(legal_form))
        .execute(&mut app.conn())
        .unwrap();
    let email = format!("agent@{siret}.example");
    app.add_member(&email, siret);
    let agent = app.login_as(&email).await;
    app.validated_demande(&agent, "biodiversite").await;
}

#[tokio::test]
async fn an_opted_in_provider_publishes_its_active_habilitations_without_personal_data() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    app.validated_demande(&marie, "biodiversite").await;
    // A demande still in instruction is not listed.
    app.submitted_demande(&marie, "biodiversite").await;
    // An association is listed; a sole trader, or a private body the directory has not
    // answered for yet, is not: its name may be a person's.
    holder(&app, "77567227200032", "Les Amis des Oiseaux", Some("9220")).await;
    holder(&app, "53930425300013", "Jean Dupuis", Some("1000")).await;
    holder(&app, "44306184100047", "Pierre Martin", None).await;

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
    let sirets: Vec<&str> = listed
        .iter()
        .map(|h| h["siret"].as_str().unwrap())
        .collect();
    assert_eq!(sirets, ["77567227200032", "21690123100011"], "{json}");
    assert_eq!(listed[1]["scopes"][0], "Synthèse des observations");
    assert!(!page.body.contains("Dupuis") && !page.body.contains("Pierre Martin"));
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
    assert_eq!(text.lines().count(), 3, "{text}");

    // A provider that does not opt in publishes nothing.
    let closed = visitor
        .get("/habilitations-publiques/api-particulier")
        .await;
    assert_eq!(closed.status, StatusCode::NOT_FOUND);
}
