//! Emails as their readers get them: reporters, the applicant's receipt, subscribers' links,
//! GDPR contacts, line breaks, the notification page, and the weekly digest.

use chrono::{Duration, NaiveDate};
use reqwest::StatusCode;

use crate::helpers::{email_to, recipients_of, spawn_app};

const PROVIDER: &str = "api-particulier";
const MARIE: &str = "marie.dupont@mairie-lyon.fr";
const SUBSCRIBER: &str = "abonnement@api-particulier.example";
const REPORTER: &str = "rapport@api-particulier.example";
const INSTRUCTOR: &str = "instruction@api-particulier.example";

/// A link of an email's text part, as a path of the app.
fn path_of(text: &str, prefix: &str) -> String {
    let start = text
        .find(&format!("http://127.0.0.1{prefix}"))
        .unwrap_or_else(|| panic!("no link to {prefix} in:\n{text}"));
    text[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .trim_start_matches("http://127.0.0.1")
        .to_string()
}

#[tokio::test]
async fn reporters_are_told_of_each_submission_and_decision() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let instructor = app.login_as(INSTRUCTOR).await;
    let validated = app.submitted_demande(&marie, PROVIDER).await;
    let refused = app.submitted_demande(&marie, PROVIDER).await;
    let rows = app.outbox();
    assert_eq!(
        recipients_of(&rows, "submitted")
            .iter()
            .filter(|r| *r == REPORTER)
            .count(),
        2
    );
    let to_reporter = rows
        .iter()
        .find(|r| r.topic == "submitted" && r.recipient == REPORTER)
        .unwrap();
    assert_eq!(
        path_of(&to_reporter.body_text, "/instruction/"),
        format!("/instruction/demandes/{validated}"),
        "a reporter opens the instruction page"
    );

    for (id, action, reason) in [
        (validated, "valider", "Bienvenue."),
        (refused, "refuser", "Hors périmètre."),
        (validated, "revoquer", "Usage détourné."),
    ] {
        let done = instructor.decide(id, action, reason).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{action}");
    }
    let rows = app.outbox();
    let decided: Vec<_> = rows.iter().filter(|r| r.topic == "decided").collect();
    // Only the reporter: instructors decide themselves, subscribers follow new demandes.
    assert!(
        decided.iter().all(|r| r.recipient == REPORTER),
        "{decided:#?}"
    );
    let subjects: Vec<&str> = decided.iter().map(|r| r.subject.as_str()).collect();
    assert_eq!(
        subjects,
        [
            format!("[habilis] Demande D{validated} validée – API Particulier"),
            format!("[habilis] Demande D{refused} refusée – API Particulier"),
            format!("[habilis] Demande D{validated} révoquée – API Particulier"),
        ]
    );
    assert!(decided[1].body_text.contains("Hors périmètre."));
    assert!(
        decided[1]
            .unsubscribe_url
            .as_deref()
            .unwrap()
            .contains("k=decisions_fournisseur")
    );

    // Switched off on /compte/notifications, decisions stop; new demandes still come.
    let reporter = app.login_as(REPORTER).await;
    let saved = reporter
        .choose_notifications(&["api-particulier:nouvelles_demandes"])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let another = app.submitted_demande(&marie, PROVIDER).await;
    instructor.decide(another, "refuser", "Non.").await;
    let rows = app.outbox();
    assert_eq!(rows.iter().filter(|r| r.topic == "decided").count(), 3);
    assert_eq!(
        recipients_of(&rows, "submitted")
            .iter()
            .filter(|r| *r == REPORTER)
            .count(),
        3
    );
}

#[tokio::test]
async fn the_applicant_gets_a_receipt_with_what_happens_next() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let rows = app.outbox();
    let receipt = email_to(&rows, "receipt", MARIE);
    assert_eq!(
        receipt.subject,
        format!("[habilis] Votre demande D{id} est bien reçue")
    );
    let text = &receipt.body_text;
    assert!(
        text.contains("est bien transmise à API Particulier"),
        "{text}"
    );
    // The provider's usual delay, from its file.
    assert!(text.contains("en 15 jours habituellement"), "{text}");
    assert!(
        text.contains("vous recevrez un courriel à chaque étape"),
        "{text}"
    );
    assert_eq!(path_of(text, "/demandes/"), format!("/demandes/{id}"));
    assert!(
        receipt
            .body_html
            .contains(&format!("<strong>D{id}</strong>"))
    );

    // A provider whose file gives no delay says none.
    let other = app.submitted_demande(&marie, "api-entreprise").await;
    let rows = app.outbox();
    let receipt = rows
        .iter()
        .find(|r| r.topic == "receipt" && r.demande_id == Some(other))
        .unwrap();
    assert!(receipt.body_text.contains("API Entreprise"));
    assert!(!receipt.body_text.contains("habituellement"));
}

#[tokio::test]
async fn the_notifications_page_offers_only_what_a_person_can_receive() {
    let app = spawn_app().await;
    let applicant = app.login_as(MARIE).await.get("/compte/notifications").await;
    applicant.assert_contains(r#"value="api-entreprise:decisions" checked"#);
    applicant.assert_contains(r#"value="api-particulier:messages" checked"#);
    assert!(!applicant.body.contains("nouvelles_demandes"));
    assert!(!applicant.body.contains("resume_hebdomadaire"));

    let subscriber = app
        .login_as(SUBSCRIBER)
        .await
        .get("/compte/notifications")
        .await;
    subscriber.assert_contains(r#"value="api-particulier:nouvelles_demandes" checked"#);
    for other in [
        "api-entreprise",
        "api-impot-particulier",
        ":decisions",
        ":messages",
    ] {
        assert!(!subscriber.body.contains(other), "{other}");
    }

    let reporter = app.login_as(REPORTER).await;
    let page = reporter.get("/compte/notifications").await;
    page.assert_contains(r#"value="api-particulier:decisions_fournisseur" checked"#);
    // The digest is off until asked for.
    page.assert_contains(r#"value="api-particulier:resume_hebdomadaire">"#);
    reporter
        .choose_notifications(&["api-particulier:resume_hebdomadaire"])
        .await;
    let page = reporter.get("/compte/notifications").await;
    page.assert_contains(r#"value="api-particulier:resume_hebdomadaire" checked"#);
    assert!(
        !page
            .body
            .contains(r#"value="api-particulier:nouvelles_demandes" checked"#)
    );
}

#[tokio::test]
async fn a_subscriber_opens_the_demande_from_the_email() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let rows = app.outbox();
    let mail = email_to(&rows, "submitted", SUBSCRIBER);
    let path = path_of(&mail.body_text, "/abonnement/");
    assert_eq!(path, format!("/abonnement/demandes/{id}"));

    let page = app.login_as(SUBSCRIBER).await.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    for seen in [
        "API Particulier",
        &format!("D{id}"),
        "Mairie de Lyon",
        "216 901 231 00011",
        "Tarification sociale de la cantine",
        "En cours d'instruction",
        "Dernière soumission le",
    ] {
        page.assert_contains(seen);
    }
    // A summary: no answers, no full file for a subscriber.
    assert!(!page.body.contains("04 72 10 30 30"));
    assert!(!page.body.contains(MARIE));
    assert!(!page.body.contains("Ouvrir le dossier complet"));
    // A reporter gets the summary and the way to the full file.
    app.login_as(REPORTER)
        .await
        .get(&path)
        .await
        .assert_contains("Ouvrir le dossier complet");
    // Nobody else.
    let stranger = app.login_as("jeanne.roux@grenoble.fr").await;
    assert_eq!(stranger.get(&path).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn gdpr_contacts_are_told_whom_to_ask_instead_of_a_link_they_cannot_open() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.complete_draft(&marie, PROVIDER).await;
    assert_eq!(marie.submit(id, true).await.status, StatusCode::SEE_OTHER);
    let instructor = app.login_as(INSTRUCTOR).await;
    instructor.decide(id, "valider", "").await;
    let rows = app.outbox();
    let notice = email_to(&rows, "contact_approved", "dpo@mairie-lyon.fr");
    for part in [&notice.body_text, &notice.body_html] {
        assert!(!part.contains("/demandes/"), "{part}");
        assert!(!part.contains("Voir la demande"), "{part}");
        assert!(part.contains(MARIE), "{part}");
        assert!(
            part.contains("habilitations@particulier.api.example"),
            "{part}"
        );
    }
    assert!(notice.body_text.contains("adressez-vous"));
}

#[tokio::test]
async fn line_breaks_in_reasons_and_messages_survive_and_stay_escaped() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let instructor = app.login_as(INSTRUCTOR).await;
    let reason = "Première ligne.\r\nDeuxième ligne <script>alert(1)</script>";
    let done = instructor
        .decide(id, "demander-modifications", reason)
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let rows = app.outbox();
    let html = &email_to(&rows, "changes_requested", MARIE).body_html;
    assert!(
        html.contains("Première ligne.<br/>Deuxième ligne"),
        "{html}"
    );
    assert!(!html.contains("<script>"), "{html}");

    let page = marie.get(&format!("/demandes/{id}")).await;
    assert!(
        page.body.contains("Première ligne.<br/>Deuxième ligne"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<script>alert"));

    let csrf = page.csrf();
    marie
        .post(
            &format!("/demandes/{id}/messages"),
            &[
                ("_csrf", &csrf),
                ("body", "Bonjour,\nvoici la délibération."),
            ],
        )
        .await;
    let rows = app.outbox();
    let html = &email_to(&rows, "message_to_instructors", INSTRUCTOR).body_html;
    assert!(
        html.contains("Bonjour,<br/>voici la délibération."),
        "{html}"
    );
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    assert!(page.body.contains("Bonjour,<br/>voici la délibération."));
    assert!(page.body.contains("Première ligne.<br/>Deuxième ligne"));
}

#[tokio::test]
async fn the_weekly_digest_goes_once_a_week_to_those_who_asked() {
    let app = spawn_app().await;
    let reporter = app.login_as(REPORTER).await;
    reporter
        .choose_notifications(&["api-particulier:resume_hebdomadaire"])
        .await;
    let marie = app.login_as(MARIE).await;
    let id = app.submitted_demande(&marie, PROVIDER).await;

    let services = app.services();
    let monday = NaiveDate::from_ymd_opt(2027, 3, 1)
        .unwrap()
        .and_hms_opt(7, 0, 0)
        .unwrap();
    let run = |at| habilis::services::digest::run(services.clone(), at);
    assert_eq!(run(monday).await.unwrap(), 1);
    assert_eq!(
        run(monday + Duration::days(3)).await.unwrap(),
        0,
        "once a week"
    );
    let rows = app.outbox();
    // Off by default: the instructor and the manager did not ask for it.
    assert_eq!(recipients_of(&rows, "weekly_digest"), [REPORTER]);
    let digest = email_to(&rows, "weekly_digest", REPORTER);
    assert_eq!(
        digest.subject,
        "[habilis] Résumé de la semaine – API Particulier"
    );
    let text = &digest.body_text;
    assert!(text.contains("- En cours d'instruction : 1"), "{text}");
    assert!(text.contains("- Validée : 0"), "{text}");
    assert!(
        text.contains(&format!(
            "D{id} « Tarification sociale de la cantine » de Mairie de Lyon"
        )),
        "{text}"
    );
    let waiting = path_of(
        text,
        "/instruction?fournisseur=api-particulier&etat=submitted&ordre=asc",
    );
    let dashboard = reporter.get(&waiting).await;
    assert_eq!(dashboard.status, StatusCode::OK);
    dashboard.assert_contains(&format!("D{id}"));
    assert!(
        digest
            .unsubscribe_url
            .as_deref()
            .unwrap()
            .contains("k=resume_hebdomadaire")
    );

    assert_eq!(
        run(monday + Duration::days(7)).await.unwrap(),
        1,
        "next week"
    );
}
