//! Who may do what, checked over HTTP: pages and forged POSTs alike.

use habilis::config::Environment;
use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp, spawn_app, spawn_app_in};

const PROVIDER: &str = "api-particulier";

/// Marie's submitted demande of the provider.
async fn submitted_demande(app: &TestApp) -> (Browser, i64) {
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    (marie, id)
}

#[tokio::test]
async fn an_applicant_of_another_organisation_gets_404_everywhere() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = marie.start_demande(PROVIDER, "").await;
    let jeanne = app.login_as("jeanne.roux@grenoble.fr").await;
    for path in [
        format!("/demandes/{id}"),
        format!("/demandes/{id}/etapes/1"),
        format!("/demandes/{id}/resume"),
        format!("/instruction/demandes/{id}"),
    ] {
        let page = jeanne.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        page.assert_contains("Page introuvable");
    }
    let csrf = jeanne.get("/demandes").await.csrf();
    let forged = jeanne
        .post(
            &format!("/demandes/{id}/etapes/1"),
            &[("_csrf", &csrf), ("intitule", "Piraté")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::NOT_FOUND);
    assert_eq!(
        jeanne
            .post(
                &format!("/demandes/{id}/soumettre"),
                &[("_csrf", &csrf), ("cgu", "oui")]
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !jeanne
            .get("/demandes")
            .await
            .body
            .contains(&format!(">D{id}<"))
    );
    // Nothing changed.
    assert!(
        !marie
            .get(&format!("/demandes/{id}/etapes/1"))
            .await
            .body
            .contains("Piraté")
    );
}

#[tokio::test]
async fn a_colleague_reads_but_only_the_applicant_edits() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = marie.start_demande(PROVIDER, "").await;
    let paul = app.login_as("paul.martin@mairie-lyon.fr").await;
    assert_eq!(
        paul.get(&format!("/demandes/{id}")).await.status,
        StatusCode::OK
    );
    let csrf = paul.get("/demandes").await.csrf();
    let forged = paul
        .post(
            &format!("/demandes/{id}/etapes/1"),
            &[("_csrf", &csrf), ("intitule", "Modifié")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    forged.assert_contains("Accès refusé");
}

#[tokio::test]
async fn a_reporter_reads_but_a_forged_decision_changes_nothing() {
    let app = spawn_app().await;
    let (marie, id) = submitted_demande(&app).await;
    let reporter = app.login_as("rapport@api-particulier.example").await;
    let page = reporter.get(&format!("/instruction/demandes/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains(">Valider</button>") && !page.body.contains("/valider\""),
        "no actions for a reporter"
    );
    let forged = reporter.decide(id, "valider", "").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    marie
        .get(&format!("/demandes/{id}"))
        .await
        .assert_contains("En cours d'instruction");
}

#[tokio::test]
async fn instructors_of_another_provider_and_subscribers_see_nothing() {
    let app = spawn_app().await;
    let (_, id) = submitted_demande(&app).await;
    let other = app.login_as("instruction@api-entreprise.example").await;
    assert_eq!(
        other
            .get(&format!("/instruction/demandes/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !other
            .get("/instruction")
            .await
            .body
            .contains(&format!(">D{id}<"))
    );
    assert_eq!(
        other.decide(id, "valider", "").await.status,
        StatusCode::NOT_FOUND
    );
    let subscriber = app.login_as("abonnement@api-particulier.example").await;
    assert_eq!(
        subscriber.get("/instruction").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        subscriber
            .get(&format!("/instruction/demandes/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_the_login_page() {
    let app = spawn_app().await;
    let anonymous = app.browser();
    for path in [
        "/demandes",
        "/demandes/1",
        "/instruction",
        "/demandes/nouvelle/api-particulier",
    ] {
        let page = anonymous.get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(page.location.as_deref(), Some("/connexion"));
    }
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = marie.start_demande(PROVIDER, "").await;
    let page = marie
        .post(
            &format!("/demandes/{id}/etapes/1"),
            &[("intitule", "Sans jeton")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    page.assert_contains("Formulaire expiré");
    let page = marie
        .post(
            &format!("/demandes/{id}/etapes/1"),
            &[("_csrf", "faux"), ("intitule", "Faux jeton")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    // A fresh visitor cannot post the demo login without the token either.
    let stranger = app.browser();
    assert_eq!(
        stranger
            .post("/connexion/demo", &[("user_id", "1")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_demo_login_does_not_exist_in_production() {
    let app = spawn_app_in(Environment::Prod).await;
    let browser = app.browser();
    let page = browser.get("/connexion").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("/connexion/demo"));
    let forged = browser
        .post("/connexion/demo", &[("_csrf", "x"), ("user_id", "1")])
        .await;
    assert_eq!(forged.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn pages_carry_security_headers_and_an_encrypted_session_cookie() {
    let app = spawn_app().await;
    let response = reqwest::get(format!("{}/connexion", app.address))
        .await
        .unwrap();
    let headers = response.headers().clone();
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let cookie = headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("habilis_session="));
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    // The CSRF token inside is not readable in the cookie.
    let body = response.text().await.unwrap();
    let token = body
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(!cookie.contains(token));
}

#[tokio::test]
async fn a_draft_never_submitted_stays_out_of_instruction() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = marie.start_demande(PROVIDER, "").await;
    for email in [
        "instruction@api-particulier.example",
        "admin@habilis.example",
    ] {
        let browser = app.login_as(email).await;
        assert_eq!(
            browser
                .get(&format!("/instruction/demandes/{id}"))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{email}"
        );
        assert_eq!(
            browser.decide(id, "archiver", "").await.status,
            StatusCode::NOT_FOUND,
            "{email}"
        );
    }
}

#[tokio::test]
async fn a_decision_refused_for_its_reason_gives_back_what_was_typed() {
    let app = spawn_app().await;
    let (_, id) = submitted_demande(&app).await;
    let instructor = app.login_as("instruction@api-particulier.example").await;
    let long = "x".repeat(5_001);
    let page = instructor.decide(id, "refuser", &long).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("Le motif ne doit pas dépasser 5 000 caractères.");
    page.assert_contains(&format!(">{long}</textarea>"));
}

#[tokio::test]
async fn private_pages_the_token_shown_once_and_the_csv_are_never_stored() {
    let app = spawn_app().await;
    let no_store = |page: &crate::helpers::Page, what: &str| {
        assert_eq!(
            page.headers
                .get("cache-control")
                .map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{what}"
        );
    };
    let (marie, id) = submitted_demande(&app).await;
    no_store(&marie.get("/demandes").await, "the applicant's list");
    no_store(&marie.get(&format!("/demandes/{id}")).await, "a demande");
    let manager = app.login_as("gestion@api-particulier.example").await;
    let page = manager.get("/instruction/api").await;
    let created = manager
        .post(
            "/instruction/api",
            &[
                ("_csrf", &page.csrf()),
                ("provider", PROVIDER),
                ("name", "SI production"),
            ],
        )
        .await;
    assert!(created.body.contains("<code>hab_"));
    no_store(&created, "the token shown once");
    no_store(&manager.get("/instruction/export.csv").await, "the CSV");
    // Not in dev: HSTS would pin a developer's localhost to HTTPS.
    assert!(
        !created.headers.contains_key("strict-transport-security"),
        "no HSTS in dev"
    );
}

#[tokio::test]
async fn production_tells_browsers_to_use_https_only() {
    let app = spawn_app_in(Environment::Prod).await;
    let page = app.browser().get("/connexion").await;
    assert_eq!(page.status, StatusCode::OK);
    let hsts = page.headers["strict-transport-security"].to_str().unwrap();
    assert!(hsts.starts_with("max-age=31536000"), "{hsts}");
    // The identity provider is configured: the page offers it.
    page.assert_contains("S'identifier avec ProConnect");
}
