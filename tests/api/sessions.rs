//! Sessions end when idle or old; sign-in attempts are rate-limited; people acting for several
//! organisations choose one.

use habilis::config::Environment;
use reqwest::StatusCode;

use crate::helpers::{demo_user_id, spawn_app, spawn_app_with, spawn_two_instances};

#[tokio::test]
async fn an_idle_session_ends() {
    let app = spawn_app_with(Environment::Dev, &[("HABILIS_SESSION_IDLE_SECONDS", "0")]).await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let page = marie.get("/demandes").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location.as_deref(), Some("/connexion"));
}

#[tokio::test]
async fn a_session_ends_after_its_lifetime_even_when_used() {
    let app = spawn_app_with(Environment::Dev, &[("HABILIS_SESSION_MAX_SECONDS", "0")]).await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    assert_eq!(
        marie.get("/demandes").await.location.as_deref(),
        Some("/connexion")
    );
    // With the defaults, the same request is served.
    let app = spawn_app().await;
    assert_eq!(
        app.login_as("marie.dupont@mairie-lyon.fr")
            .await
            .get("/demandes")
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_address() {
    let app = spawn_app_with(Environment::Dev, &[("HABILIS_LOGIN_RATE_PER_MINUTE", "3")]).await;
    let browser = app.browser();
    let page = browser.get("/connexion").await;
    let id = demo_user_id(&page, "marie.dupont@mairie-lyon.fr");
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let csrf = browser.get("/connexion").await.csrf();
        statuses.push(
            browser
                .post("/connexion/demo", &[("_csrf", &csrf), ("user_id", &id)])
                .await,
        );
    }
    assert!(
        statuses[..3]
            .iter()
            .all(|p| p.status == StatusCode::SEE_OTHER)
    );
    assert_eq!(statuses[3].status, StatusCode::TOO_MANY_REQUESTS);
    statuses[3].assert_contains("Trop de tentatives de connexion depuis votre adresse");
}

#[tokio::test]
async fn a_person_of_two_organisations_chooses_the_one_they_act_for() {
    let app = spawn_app().await;
    let luc = app.login_as("luc.bernard@mairie-lyon.fr").await;
    let page = luc.get("/demandes").await;
    page.assert_contains("Organisation pour laquelle vous agissez");
    page.assert_contains("CCAS de Lyon");
    let lyon = app.organisation_id("21690123100011");
    let done = luc
        .post(
            "/compte/organisation",
            &[
                ("_csrf", &page.csrf()),
                ("organisation_id", &lyon.to_string()),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let id = luc.start_demande("api-particulier", "").await;
    luc.get(&format!("/demandes/{id}"))
        .await
        .assert_contains("API Particulier · Mairie de Lyon");
    // Not one of theirs: refused.
    let grenoble = app.organisation_id("21380055400007");
    let refused = luc
        .post(
            "/compte/organisation",
            &[
                ("_csrf", &page.csrf()),
                ("organisation_id", &grenoble.to_string()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    refused.assert_contains("Vous n'êtes pas membre de cette organisation.");
}

#[tokio::test]
async fn a_copied_session_cookie_stops_working_after_logout() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let copy = app.browser_with_cookies(&app.address, &marie.cookies());
    assert_eq!(copy.get("/demandes").await.status, StatusCode::OK);

    let csrf = marie.get("/demandes").await.csrf();
    let out = marie.post("/deconnexion", &[("_csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);

    let page = copy.get("/demandes").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location.as_deref(), Some("/connexion"));
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_of_the_person_only() {
    let app = spawn_app().await;
    let laptop = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let shared_computer = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let colleague = app.login_as("paul.martin@mairie-lyon.fr").await;

    let account = laptop.get("/compte").await;
    account.assert_contains("Mon compte");
    account.assert_contains("Mairie de Lyon");
    account.assert_contains("Se déconnecter partout");
    let out = laptop
        .post("/compte/deconnexion-partout", &[("_csrf", &account.csrf())])
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let login = laptop.get(out.location.as_deref().unwrap()).await;
    login.assert_contains("Vous êtes déconnecté de tous vos appareils");

    for browser in [&laptop, &shared_computer] {
        let page = browser.get("/demandes").await;
        assert_eq!(page.location.as_deref(), Some("/connexion"));
    }
    assert_eq!(colleague.get("/demandes").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_logout_on_one_instance_ends_the_session_on_the_others() {
    let (app, other) = spawn_two_instances().await;

    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let elsewhere = app.browser_with_cookies(&other, &marie.cookies());
    assert_eq!(elsewhere.get("/demandes").await.status, StatusCode::OK);

    let csrf = marie.get("/demandes").await.csrf();
    marie.post("/deconnexion", &[("_csrf", &csrf)]).await;
    let page = elsewhere.get("/demandes").await;
    assert_eq!(page.location.as_deref(), Some("/connexion"));
}

#[tokio::test]
async fn a_copied_cookie_kept_in_use_does_not_outlive_its_owner_s_idle_session() {
    use diesel::prelude::*;
    use habilis::db::schema::sessions;
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let copy = app.browser_with_cookies(&app.address, &marie.cookies());
    assert_eq!(copy.get("/demandes").await.status, StatusCode::OK);
    // Three hours without the server seeing the session used (the idle timeout is two): the
    // copy's own cookie says it was seen a moment ago, the server knows better.
    let three_hours_ago = habilis::services::now() - chrono::Duration::hours(3);
    diesel::update(sessions::table)
        .set(sessions::last_seen_at.eq(Some(three_hours_ago)))
        .execute(&mut app.conn())
        .unwrap();
    let page = copy.get("/demandes").await;
    assert_eq!(page.location.as_deref(), Some("/connexion"));
    assert_eq!(
        marie.get("/demandes").await.location.as_deref(),
        Some("/connexion"),
        "the session itself ended"
    );
}
