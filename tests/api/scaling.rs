//! More than one machine: two instances of the portal on one PostgreSQL database, as behind a
//! load balancer, count the sign-in and rights-API rate limits together; behind a reverse
//! proxy the limits count the client the proxy reports, never what a client writes itself.

use chrono::Timelike;
use habilis::config::Environment;
use reqwest::StatusCode;

use crate::helpers::{Browser, spawn_app_with, spawn_instance};

#[tokio::test]
#[cfg_attr(
    habilis_no_postgres,
    ignore = "needs PostgreSQL (two instances share a database; one SQLite instance counts in memory): set HABILIS_TEST_DATABASE_URL, as CI does"
)]
async fn rate_limits_hold_across_two_instances() {
    let key = habilis::config::random_key();
    let settings = [
        ("HABILIS_SESSION_KEY", key.as_str()),
        ("HABILIS_LOGIN_RATE_PER_MINUTE", "4"),
        ("HABILIS_API_RATE_PER_MINUTE", "3"),
    ];
    let app = spawn_app_with(Environment::Dev, &settings).await;
    let other = spawn_instance(&app, Environment::Dev, &settings).await;
    let (first, second) = (app.browser(), Browser::new(&other));
    let (_, token) = app.api_token("api-particulier", "SI de la ville").await;
    // The limits count per minute: start early in one, so that both counts stay in it.
    while chrono::Utc::now().second() >= 50 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    // Four sign-in attempts a minute from this address, wherever they land.
    let mut statuses = Vec::new();
    for n in 0..6 {
        let browser = [&first, &second][n % 2];
        // A fresh form each time (a sign-in renews the session and its token).
        let csrf = browser.get("/connexion").await.csrf();
        let form = [("_csrf", csrf.as_str()), ("user_id", "1")];
        let attempt = browser.post("/connexion/demo", &form).await;
        statuses.push(attempt.status);
    }
    assert!(
        statuses[..4]
            .iter()
            .all(|s| *s != StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert_eq!(
        statuses[4..],
        [StatusCode::TOO_MANY_REQUESTS, StatusCode::TOO_MANY_REQUESTS]
    );

    // Three rights-API requests a minute for this token, wherever they land.
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for address in [&app.address, &other, &app.address, &other] {
        let answer = client
            .get(format!("{address}/api/v1/habilitations"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        statuses.push(answer.status());
    }
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
}

/// Sign-in attempts from `address` (as the proxy reports it) until the answer: the statuses.
async fn attempts(app: &crate::helpers::TestApp, forwarded: &str, n: usize) -> Vec<StatusCode> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut statuses = Vec::new();
    for _ in 0..n {
        let browser = app.browser();
        let csrf = browser.get("/connexion").await.csrf();
        let answer = client
            .post(format!("{}/connexion/demo", app.address))
            .header(reqwest::header::COOKIE, browser.cookies())
            .header("X-Forwarded-For", format!("203.0.113.9, {forwarded}"))
            .form(&[("_csrf", csrf.as_str()), ("user_id", "1")])
            .send()
            .await
            .unwrap();
        statuses.push(answer.status());
    }
    statuses
}

#[tokio::test]
async fn behind_a_proxy_the_limits_count_the_client_the_proxy_reports() {
    let limited = [("HABILIS_LOGIN_RATE_PER_MINUTE", "2")];
    while chrono::Utc::now().second() >= 50 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // Behind the proxy: each client address has its own count (the last one of the header,
    // the proxy's own addition; what the client wrote before it does not count).
    let proxied = [limited[0], ("HABILIS_BEHIND_PROXY", "true")];
    let app = spawn_app_with(Environment::Dev, &proxied).await;
    let one = attempts(&app, "198.51.100.1", 3).await;
    assert_eq!(one[2], StatusCode::TOO_MANY_REQUESTS, "{one:?}");
    let other = attempts(&app, "198.51.100.2", 1).await;
    assert_ne!(other[0], StatusCode::TOO_MANY_REQUESTS);

    // Reached directly, the header is the client's own words: ignored.
    let app = spawn_app_with(Environment::Dev, &limited).await;
    attempts(&app, "198.51.100.1", 2).await;
    let spoofed = attempts(&app, "198.51.100.2", 1).await;
    assert_eq!(spoofed[0], StatusCode::TOO_MANY_REQUESTS);
}
