//! What operators' tools read: liveness, readiness, and Prometheus metrics behind a token.

use habilis::config::Environment;
use reqwest::StatusCode;

use crate::helpers::{spawn_app, spawn_app_with};

const TOKEN: &str = "jeton-des-metriques-de-la-recette";

async fn get(address: &str, path: &str, token: Option<&str>) -> (StatusCode, String) {
    let mut request = reqwest::Client::new().get(format!("{address}{path}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn liveness_readiness_and_metrics_for_the_bearer_of_their_token() {
    let app = spawn_app_with(Environment::Dev, &[("HABILIS_METRICS_TOKEN", TOKEN)]).await;
    assert_eq!(
        get(&app.address, "/healthz", None).await,
        (StatusCode::OK, "ok".into())
    );
    assert_eq!(
        get(&app.address, "/readyz", None).await,
        (StatusCode::OK, "prêt".into())
    );

    // Some traffic: a demande submitted (its emails wait in the outbox), its page read, an
    // email given up.
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.submitted_demande(&marie, "api-particulier").await;
    marie.get(&format!("/demandes/{id}")).await;
    app.dead_letter();

    assert_eq!(
        get(&app.address, "/metrics", None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&app.address, "/metrics", Some("un-autre-jeton"))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, body) = get(&app.address, "/metrics", Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    // Requests by route pattern, never by path: no demande id in a label.
    let line = body
        .lines()
        .find(|l| {
            l.starts_with("habilis_http_requests_total")
                && l.contains(r#"route="/demandes/{id}""#)
                && l.contains(r#"method="GET""#)
        })
        .unwrap_or_else(|| panic!("no count for /demandes/{{id}} in:\n{body}"));
    assert!(line.ends_with(" 1"), "{line}");
    assert!(!body.contains(&format!("/demandes/{id}\"")), "{body}");
    assert!(
        body.contains("habilis_http_request_duration_seconds_bucket"),
        "{body}"
    );
    assert!(
        body.contains(r#"habilis_outbox_pending{kind="email"}"#),
        "{body}"
    );
    assert!(
        body.contains(r#"habilis_outbox_dead_letters{kind="email"} 1"#),
        "{body}"
    );
    assert!(body.contains("habilis_webhook_failures_total 0"), "{body}");
    assert!(body.contains("habilis_reminders_sent_total 0"), "{body}");
}

#[tokio::test]
async fn without_a_token_configured_there_are_no_metrics() {
    let app = spawn_app().await;
    assert_eq!(
        get(&app.address, "/metrics", None).await.0,
        StatusCode::NOT_FOUND
    );
}
