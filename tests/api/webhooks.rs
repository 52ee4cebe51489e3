//! Webhooks to a real HTTP receiver on loopback that checks the signature with its own HMAC:
//! delivery, signature, event id stable across retries, 500 retried, token_id stored.

use std::sync::{Arc, Mutex};

use habilis::config::Environment;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::helpers::{TestApp, spawn_app_with};

pub(crate) const SECRET: &str = "secret-partage-avec-api-particulier";

#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub event_id: String,
    pub signature_ok: bool,
    pub user_agent: String,
    pub body: serde_json::Value,
}

/// Answers 500 to the first `failures` requests, then 200 with a token.
pub(crate) async fn receiver(failures: usize) -> (u16, Arc<Mutex<Vec<Received>>>) {
    receiver_on(0, failures).await
}

async fn receiver_on(port: u16, failures: usize) -> (u16, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen: Arc<Mutex<Vec<Received>>> = Arc::default();
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut raw = Vec::new();
            let mut buf = [0u8; 8192];
            // Read the head, then the body by its length.
            loop {
                let n = socket.read(&mut buf).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                raw.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&raw).to_string();
                if let Some(split) = text.find("\r\n\r\n") {
                    let length: usize = text[..split]
                        .lines()
                        .find_map(|l| {
                            l.to_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if raw.len() >= split + 4 + length {
                        break;
                    }
                }
            }
            let text = String::from_utf8_lossy(&raw).to_string();
            let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
            let header = |name: &str| {
                head.lines().find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    (k.eq_ignore_ascii_case(name)).then(|| v.trim().to_string())
                })
            };
            let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
            mac.update(body.as_bytes());
            let expected: String = mac
                .finalize()
                .into_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let received = Received {
                event_id: header("x-habilis-event-id").unwrap_or_default(),
                signature_ok: header("x-hub-signature-256").as_deref()
                    == Some(format!("sha256={expected}").as_str()),
                user_agent: header("user-agent").unwrap_or_default(),
                body: serde_json::from_str(body).unwrap_or_default(),
            };
            let count = {
                let mut list = log.lock().unwrap();
                list.push(received);
                list.len()
            };
            let answer = if count <= failures {
                "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\nConnection: close\r\n\r\npanne".to_string()
            } else {
                let body = r#"{"token_id":"jeton-123"}"#;
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
            };
            let _ = socket.write_all(answer.as_bytes()).await;
        }
    });
    (port, seen)
}

/// The calls received so far, at least `n` of them.
pub(crate) fn received(seen: &Arc<Mutex<Vec<Received>>>, n: usize) -> Vec<Received> {
    let list = seen.lock().unwrap().clone();
    assert!(
        list.len() >= n,
        "expected {n} webhook calls, got {}",
        list.len()
    );
    list
}

/// The app, with a provider's webhook (`provider` as in the variables' names) sent to `url`.
pub(crate) async fn app_notifying(provider: &str, url: &str) -> TestApp {
    let (url_var, secret_var) = (
        format!("HABILIS_WEBHOOK_URL_{provider}"),
        format!("HABILIS_WEBHOOK_SECRET_{provider}"),
    );
    spawn_app_with(Environment::Dev, &[(&url_var, url), (&secret_var, SECRET)]).await
}

#[tokio::test]
async fn decisions_reach_the_provider_signed_retried_with_a_stable_id_and_its_token_is_kept() {
    let (port, seen) = receiver(1).await;
    let url = format!("http://127.0.0.1:{port}/habilis");
    let app = app_notifying("API_PARTICULIER", &url).await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.submitted_demande(&marie, "api-particulier").await;

    // The submission: first answered 500, retried with the same event id.
    app.deliver_retries().await;
    let calls = received(&seen, 2);
    assert!(calls.iter().all(|c| c.signature_ok), "{calls:?}");
    assert_eq!(calls[0].event_id, calls[1].event_id);
    assert!(calls[0].event_id.starts_with("evt-"));
    // The receiver can tell who calls it, and which version.
    let agent = format!("habilis/{}", env!("CARGO_PKG_VERSION"));
    assert!(calls.iter().all(|c| c.user_agent == agent), "{calls:?}");
    assert_eq!(calls[1].body["event"], "submit");
    assert_eq!(calls[1].body["data"]["public_id"], format!("D{id}"));
    assert_eq!(calls[1].body["data"]["state"], "submitted");
    assert_eq!(
        calls[1].body["data"]["organisation"]["siret"],
        "21690123100011"
    );

    // Instructors see every attempt on the demande; reporters do not.
    let instructor_page = app
        .login_as("instruction@api-particulier.example")
        .await
        .get(&format!("/instruction/demandes/{id}"))
        .await;
    instructor_page.assert_contains("Notifications au système du fournisseur (webhooks)");
    instructor_page.assert_contains("<td>500</td>");
    instructor_page.assert_contains("<td>200</td>");
    let reporter_page = app
        .login_as("rapport@api-particulier.example")
        .await
        .get(&format!("/instruction/demandes/{id}"))
        .await;
    assert!(!reporter_page.body.contains("(webhooks)"));

    // The approval carries the habilitation; the token answered is shown to the applicant.
    let instructor = app.login_as("instruction@api-particulier.example").await;
    assert_eq!(
        instructor.decide(id, "valider", "").await.status,
        StatusCode::SEE_OTHER
    );
    app.deliver().await;
    let calls = received(&seen, 3);
    assert_ne!(calls[2].event_id, calls[1].event_id);
    assert_eq!(calls[2].body["event"], "approve");
    assert_eq!(calls[2].body["data"]["habilitations"][0]["state"], "active");
    marie
        .get(&format!("/demandes/{id}"))
        .await
        .assert_contains("Votre jeton : <code>jeton-123</code>");

    // The deliveries page lists them; replaying one sends it again, with the same event id.
    let page = instructor.get("/instruction/webhooks").await;
    page.assert_contains("reçu le");
    let replay = regex::Regex::new(r#"/instruction/webhooks/(\d+)/rejouer"#).unwrap();
    let newest = replay.captures(&page.body).unwrap()[1].to_string();
    let done = instructor
        .post(
            &format!("/instruction/webhooks/{newest}/rejouer"),
            &[("_csrf", &page.csrf())],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    app.deliver().await;
    let calls = received(&seen, 4);
    assert_eq!(calls[3].event_id, calls[2].event_id);
    assert_eq!(calls[3].body["event"], "approve");
}

#[tokio::test]
async fn the_command_line_sends_a_signed_test_payload() {
    let (port, seen) = receiver(0).await;
    let url = format!("http://127.0.0.1:{port}/test");
    let app = spawn_app_with(Environment::Dev, &[]).await;
    let (database, dir, target) = (
        app.database_url.clone(),
        crate::helpers::providers_dir(),
        url.clone(),
    );
    // Run apart from this runtime, which serves the receiver meanwhile.
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_habilis"))
            .args(["webhooks", "test", "--provider", "api-particulier"])
            .env("DATABASE_URL", &database)
            .env("HABILIS_PROVIDERS_DIR", &dir)
            .env("HABILIS_WEBHOOK_URL_API_PARTICULIER", &target)
            .env("HABILIS_WEBHOOK_SECRET_API_PARTICULIER", SECRET)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&format!("{url} → 200")), "{stdout}");
    assert!(stdout.contains("jeton-123"));
    let calls = received(&seen, 1);
    assert!(calls[0].signature_ok);
    assert_eq!(calls[0].body["test"], true);
}

#[tokio::test]
async fn an_event_sent_while_the_receiver_is_down_arrives_once_it_is_up() {
    // A port where nothing listens yet.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/habilis");
    let app = app_notifying("API_PARTICULIER", &url).await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.submitted_demande(&marie, "api-particulier").await;
    // The failed attempt is recorded ("pas de réponse") before the receiver comes up.
    app.deliver().await;
    let instructor = app.login_as("instruction@api-particulier.example").await;
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    assert!(
        page.body.contains("pas de réponse"),
        "no failed attempt recorded"
    );
    let (_, seen) = receiver_on(port, 0).await;
    app.deliver_retries().await;
    let calls = received(&seen, 1);
    assert!(calls[0].signature_ok);
    assert_eq!(calls[0].body["event"], "submit");
}

#[tokio::test]
async fn after_five_failures_in_a_row_the_provider_s_managers_are_told() {
    let (port, seen) = receiver(5).await;
    let url = format!("http://127.0.0.1:{port}/habilis");
    let app = app_notifying("API_PARTICULIER", &url).await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    app.submitted_demande(&marie, "api-particulier").await;
    // Five 500s, then a 200: delivered in the end, and the managers were told once.
    let rows = app.deliver_retries().await;
    let calls = received(&seen, 6);
    assert!(calls.iter().all(|c| c.event_id == calls[0].event_id));
    assert!(
        rows.iter().any(|r| r.topic == "webhook_failing"),
        "the alert: {rows:#?}"
    );
    let alerts: Vec<_> = rows
        .iter()
        .filter(|r| r.topic == "webhook_failing")
        .collect();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].recipient, "gestion@api-particulier.example");
    // Named as people know it, not by its slug.
    assert_eq!(
        alerts[0].subject,
        "[habilis] Le webhook d'API Particulier échoue depuis 5 tentatives"
    );
}

#[tokio::test]
async fn a_provider_listening_to_every_event_hears_of_creation_and_of_each_saved_draft() {
    let (port, seen) = receiver(0).await;
    let url = format!("http://127.0.0.1:{port}/habilis");
    let app = app_notifying("API_ENTREPRISE", &url).await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = marie.start_demande("api-entreprise", "").await;
    app.deliver().await;
    let calls = received(&seen, 1);
    assert!(calls[0].signature_ok, "{calls:?}");
    assert_eq!(calls[0].body["event"], "create");
    assert_eq!(calls[0].body["data"]["public_id"], format!("D{id}"));
    assert_eq!(calls[0].body["data"]["state"], "draft");
    assert_eq!(
        calls[0].body["data"]["applicant"]["email"],
        "marie.dupont@mairie-lyon.fr"
    );
    assert_eq!(calls[0].body["data"]["applicant"]["family_name"], "Dupont");

    let first_step = &app.complete_answers("api-entreprise")[0];
    assert_eq!(
        marie.fill(id, 1, first_step).await.status,
        StatusCode::SEE_OTHER
    );
    app.deliver().await;
    let calls = received(&seen, 2);
    assert_eq!(calls[1].body["event"], "update");
    assert_eq!(calls[1].body["data"]["state"], "draft");
    assert_ne!(calls[1].event_id, calls[0].event_id);
}
