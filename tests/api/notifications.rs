//! Notification settings, one-click unsubscribe, the dev mailbox, dead letters and reminders.

use chrono::Duration;
use habilis::config::Environment;
use reqwest::StatusCode;

use crate::helpers::{recipients_of, spawn_app, spawn_app_in};

const PROVIDER: &str = "api-particulier";

#[tokio::test]
async fn a_person_switches_a_kind_off_per_provider_and_gets_none_of_them() {
    let app = spawn_app().await;
    let subscriber = app.login_as("abonnement@api-particulier.example").await;
    let page = subscriber.get("/compte/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(r#"value="api-particulier:nouvelles_demandes" checked"#);
    // Everything on but new demandes of API Particulier.
    let csrf = page.csrf();
    let mut body = vec![("_csrf".to_string(), csrf)];
    for provider in ["api-particulier", "api-entreprise", "api-impot-particulier"] {
        for kind in ["nouvelles_demandes", "decisions", "messages", "rappels"] {
            if !(provider == "api-particulier" && kind == "nouvelles_demandes") {
                body.push(("on".to_string(), format!("{provider}:{kind}")));
            }
        }
    }
    let pairs: Vec<(&str, &str)> = body.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        subscriber
            .post("/compte/notifications", &pairs)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let page = subscriber.get("/compte/notifications?enregistre=1").await;
    page.assert_contains("Vos choix sont enregistrés.");
    assert!(
        !page
            .body
            .contains(r#"value="api-particulier:nouvelles_demandes" checked"#)
    );

    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    app.submitted_demande(&marie, PROVIDER).await;
    let rows = app.outbox();
    assert_eq!(
        recipients_of(&rows, "submitted"),
        [
            "gestion@api-particulier.example",
            "instruction@api-particulier.example",
            "rapport@api-particulier.example"
        ]
    );
}

#[tokio::test]
async fn the_unsubscribe_link_works_without_login_and_turns_off_exactly_that_kind() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    app.submitted_demande(&marie, PROVIDER).await;
    let rows = app.outbox();
    let row = rows
        .iter()
        .find(|r| r.recipient == "instruction@api-particulier.example")
        .unwrap();
    let url = row.unsubscribe_url.clone().unwrap();
    let path = url.trim_start_matches("http://127.0.0.1");

    let stranger = app.browser();
    let page = stranger.get(path).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Ne plus recevoir les courriels « Nouvelles demandes et demandes soumises à nouveau » pour API Particulier ?");
    // A mail client's one-click POST (RFC 8058), without session nor CSRF token: the signature is the proof.
    let done = stranger
        .post(path, &[("List-Unsubscribe", "One-Click")])
        .await;
    assert_eq!(done.status, StatusCode::OK);
    done.assert_contains("C'est fait");

    // A forged link does nothing.
    let forged = path.replace("&k=nouvelles_demandes", "&k=messages");
    assert_eq!(
        stranger.post(&forged, &[]).await.status,
        StatusCode::BAD_REQUEST
    );

    // Only that kind, for that provider: new demandes stop, messages still come.
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let csrf = marie.get(&format!("/demandes/{id}")).await.csrf();
    marie
        .post(
            &format!("/demandes/{id}/messages"),
            &[("_csrf", &csrf), ("body", "Question")],
        )
        .await;
    let rows = app.outbox();
    assert_eq!(
        recipients_of(&rows, "submitted")
            .iter()
            .filter(|r| r.starts_with("instruction@"))
            .count(),
        1,
        "only the first one"
    );
    assert!(
        recipients_of(&rows, "message_to_instructors")
            .contains(&"instruction@api-particulier.example".to_string())
    );
}

#[tokio::test]
async fn without_smtp_the_dev_mailbox_shows_every_email() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let rows = app.deliver().await;
    assert!(
        !rows.is_empty() && rows.iter().all(|r| r.delivered_at.is_some()),
        "delivered to the dev mailbox: {rows:#?}"
    );
    let page = app.browser().get("/dev/emails").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&format!(
        "[habilis] Nouvelle demande D{id} – API Particulier"
    ));
    page.assert_contains("à instruction@api-particulier.example");
    page.assert_contains("envoyé le");

    let prod = spawn_app_in(Environment::Prod).await;
    assert_eq!(
        prod.browser().get("/dev/emails").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_admin_sees_dead_letters_and_sends_them_again() {
    let app = spawn_app().await;
    let id = app.dead_letter();
    let admin = app.login_as("admin@habilis.example").await;
    let page = admin.get("/admin/outbox").await;
    page.assert_contains("perdu@exemple.fr");
    page.assert_contains("550 5.1.1 Adresse inconnue");
    let retried = admin
        .post(
            &format!("/admin/outbox/{id}/relancer"),
            &[("_csrf", &page.csrf())],
        )
        .await;
    assert_eq!(retried.status, StatusCode::SEE_OTHER);
    admin
        .get("/admin/outbox?relance=1")
        .await
        .assert_contains("Aucun courriel en échec.");
    // Back in the queue, the worker delivers it (to the dev mailbox here).
    let rows = app.deliver().await;
    assert!(
        rows.iter().any(|r| r.id == id && r.delivered_at.is_some()),
        "retried and delivered: {rows:#?}"
    );
    assert_eq!(
        admin
            .post(
                &format!("/admin/outbox/{id}/relancer"),
                &[("_csrf", &page.csrf())]
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_draft_idle_for_15_days_gets_one_reminder() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = marie.start_demande(PROVIDER, "").await;
    let services = app.services();
    let now = habilis::services::now();
    let sent = habilis::services::reminders::run(services.clone(), now + Duration::days(14))
        .await
        .unwrap();
    assert_eq!(sent.drafts, 0, "not yet");
    let sent = habilis::services::reminders::run(services.clone(), now + Duration::days(16))
        .await
        .unwrap();
    assert_eq!(sent.drafts, 1);
    let again = habilis::services::reminders::run(services.clone(), now + Duration::days(17))
        .await
        .unwrap();
    assert_eq!(again.drafts, 0, "idempotent");
    let rows = app.outbox();
    let reminder = rows.iter().find(|r| r.topic == "reminder_draft").unwrap();
    assert_eq!(reminder.recipient, "marie.dupont@mairie-lyon.fr");
    assert_eq!(
        reminder.subject,
        format!("[habilis] Votre brouillon D{id} attend d'être terminé")
    );
    marie
        .get(&format!("/demandes/{id}"))
        .await
        .assert_contains("Rappel envoyé par courriel");
}

#[tokio::test]
async fn a_demande_waiting_for_changes_30_days_gets_one_reminder() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let instructor = app.login_as("instruction@api-particulier.example").await;
    assert_eq!(
        instructor
            .decide(id, "demander-modifications", "Précisez.")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let services = app.services();
    let now = habilis::services::now();
    assert_eq!(
        habilis::services::reminders::run(services.clone(), now + Duration::days(29))
            .await
            .unwrap()
            .changes,
        0
    );
    assert_eq!(
        habilis::services::reminders::run(services.clone(), now + Duration::days(31))
            .await
            .unwrap()
            .changes,
        1
    );
    assert_eq!(
        habilis::services::reminders::run(services.clone(), now + Duration::days(32))
            .await
            .unwrap()
            .changes,
        0
    );
    let rows = app.outbox();
    assert_eq!(
        recipients_of(&rows, "reminder_changes"),
        ["marie.dupont@mairie-lyon.fr"]
    );
}

#[tokio::test]
async fn a_habilitation_ending_gets_a_reminder_60_then_15_days_before() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let instructor = app.login_as("instruction@api-particulier.example").await;
    let csrf = instructor
        .get(&format!("/instruction/demandes/{id}"))
        .await
        .csrf();
    let approved = instructor
        .post(
            &format!("/instruction/demandes/{id}/valider"),
            &[("_csrf", &csrf), ("duree", "6")],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER);
    let services = app.services();
    let expires = habilis::services::now()
        .checked_add_months(chrono::Months::new(6))
        .unwrap();
    let run = |days: i64| {
        let services = services.clone();
        async move {
            habilis::services::reminders::run(services, expires - Duration::days(days))
                .await
                .unwrap()
                .expiries
        }
    };
    assert_eq!(run(61).await, 0);
    assert_eq!(run(59).await, 1, "60 days before");
    assert_eq!(run(58).await, 0);
    assert_eq!(run(14).await, 1, "15 days before");
    assert_eq!(run(10).await, 0);
    let rows = app.outbox();
    let reminders: Vec<_> = rows
        .iter()
        .filter(|r| r.topic.starts_with("reminder_expiry"))
        .collect();
    assert_eq!(reminders.len(), 2);
    assert!(
        reminders[0].subject.contains("expire le"),
        "{}",
        reminders[0].subject
    );
}
