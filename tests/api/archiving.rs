//! Demandes left untouched are archived by the portal after their reminder, with the clock
//! passed in; the applicant is emailed (read here from the SMTP server) and restores them, back
//! to where they were. Refusals: not before the reminder, not an update of a validated
//! demande, not restored by a colleague, another organisation or an instructor.

use chrono::Duration;
use habilis::services::{archiving, reminders};
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app, spawn_app_with_smtp};
use crate::smtp_sink::SmtpSink;

const PROVIDER: &str = "api-particulier";
const MARIE: &str = "marie.dupont@mairie-lyon.fr";

fn state_of(app: &TestApp, id: i64) -> String {
    habilis::db::demandes::find(&mut app.conn(), id)
        .unwrap()
        .unwrap()
        .state
}

#[tokio::test]
async fn an_idle_draft_is_archived_after_its_reminder_the_applicant_told_and_restores_it() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with_smtp(sink.port).await;
    let marie = app.login_as(MARIE).await;
    let id = marie.start_demande(PROVIDER, "").await;
    let services = app.services();
    let start = habilis::services::now();

    // Ninety days without the reminder: nothing (the applicant was never told).
    let done = archiving::run(services.clone(), start + Duration::days(91))
        .await
        .unwrap();
    assert_eq!(done.drafts, 0, "never before its reminder");
    reminders::run(services.clone(), start + Duration::days(16))
        .await
        .unwrap();
    let done = archiving::run(services.clone(), start + Duration::days(89))
        .await
        .unwrap();
    assert_eq!(done.drafts, 0, "not yet");
    let done = archiving::run(services.clone(), start + Duration::days(91))
        .await
        .unwrap();
    assert_eq!(done.drafts, 1);
    let again = archiving::run(services.clone(), start + Duration::days(92))
        .await
        .unwrap();
    assert_eq!(again.drafts, 0, "once");
    assert_eq!(state_of(&app, id), "archived");

    // The applicant reads why, and how to restore it (the emails leave on the same clock).
    app.deliver_at(start + Duration::days(92)).await;
    let mails = sink.wait_for(2).await;
    let mail = mails
        .iter()
        .find(|m| m.subject().contains("archivée"))
        .expect("the archiving email");
    assert_eq!(mail.to, vec![MARIE.to_string()]);
    assert_eq!(
        mail.subject(),
        format!("[habilis] Votre demande D{id} a été archivée faute d'activité")
    );
    let text = mail.text();
    assert!(
        text.contains("elle n'avait pas été modifiée depuis plus de 90 jours"),
        "{text}"
    );
    assert!(text.contains("Restaurer la demande"), "{text}");
    assert!(text.contains(&format!("/demandes/{id}")), "{text}");

    let page = marie.get(&format!("/demandes/{id}")).await;
    page.assert_contains("Cette demande est archivée");
    page.assert_contains("elle n'avait pas été modifiée depuis plus de 90 jours");
    let restored = marie
        .post(
            &format!("/demandes/{id}/restaurer"),
            &[("_csrf", &page.csrf())],
        )
        .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER);
    let page = marie.get(restored.location.as_deref().unwrap()).await;
    page.assert_contains("Votre demande a été restaurée");
    page.assert_contains("Demande restaurée");
    page.assert_contains("Modifier la demande");
    assert_eq!(state_of(&app, id), "draft");
}

#[tokio::test]
async fn changes_asked_and_never_made_archive_the_demande_and_restoring_it_brings_them_back() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let instructor = app.login_as("instruction@api-particulier.example").await;
    let asked = instructor
        .decide(id, "demander-modifications", "Précisez la délibération.")
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    let services = app.services();
    let start = habilis::services::now();
    reminders::run(services.clone(), start + Duration::days(31))
        .await
        .unwrap();
    let done = archiving::run(services.clone(), start + Duration::days(121))
        .await
        .unwrap();
    assert_eq!((done.drafts, done.changes), (0, 1));
    assert_eq!(state_of(&app, id), "archived");
    let email = app
        .outbox()
        .into_iter()
        .find(|r| r.topic == "idle_archived")
        .expect("the applicant is told");
    assert_eq!(email.recipient, MARIE);
    assert!(email.body_text.contains("plus de 120 jours"));

    // Neither a colleague, nor another organisation, nor the instructor restores it.
    let paul = app.login_as("paul.martin@mairie-lyon.fr").await;
    let csrf = paul.get("/compte").await.csrf();
    let tried = paul
        .post(&format!("/demandes/{id}/restaurer"), &[("_csrf", &csrf)])
        .await;
    assert_eq!(tried.status, StatusCode::FORBIDDEN);
    let jeanne = app.login_as("jeanne.roux@grenoble.fr").await;
    let csrf = jeanne.get("/compte").await.csrf();
    let tried = jeanne
        .post(&format!("/demandes/{id}/restaurer"), &[("_csrf", &csrf)])
        .await;
    assert_eq!(tried.status, StatusCode::NOT_FOUND);
    let csrf = instructor.get("/compte").await.csrf();
    let tried = instructor
        .post(&format!("/demandes/{id}/restaurer"), &[("_csrf", &csrf)])
        .await;
    assert_eq!(tried.status, StatusCode::NOT_FOUND);
    assert_eq!(state_of(&app, id), "archived");

    // Its applicant does: the changes are asked again, with their reason.
    let page = marie.get(&format!("/demandes/{id}")).await;
    let restored = marie
        .post(
            &format!("/demandes/{id}/restaurer"),
            &[("_csrf", &page.csrf())],
        )
        .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER);
    assert_eq!(state_of(&app, id), "changes_requested");
    marie
        .get(&format!("/demandes/{id}"))
        .await
        .assert_contains("Précisez la délibération.");
    // Twice: the second is told it is no longer possible.
    let twice = marie
        .post(
            &format!("/demandes/{id}/restaurer"),
            &[("_csrf", &page.csrf())],
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    twice.assert_contains("Cette action n'est plus possible");
}

#[tokio::test]
async fn an_update_of_a_validated_demande_is_never_archived_by_the_portal() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.validated_demande(&marie, PROVIDER).await;
    let csrf = marie.get(&format!("/demandes/{id}")).await.csrf();
    let reopened = marie
        .post(
            &format!("/demandes/{id}/mettre-a-jour"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(reopened.status, StatusCode::SEE_OTHER);
    let services = app.services();
    let start = habilis::services::now();
    reminders::run(services.clone(), start + Duration::days(16))
        .await
        .unwrap();
    let done = archiving::run(services.clone(), start + Duration::days(400))
        .await
        .unwrap();
    assert_eq!(done.drafts, 0);
    assert_eq!(state_of(&app, id), "draft");
}

#[tokio::test]
async fn what_the_instruction_side_archived_is_not_restored_by_the_applicant() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app
        .decided_demande(&marie, PROVIDER, "refuser", "Hors périmètre")
        .await;
    let instructor = app.login_as("instruction@api-particulier.example").await;
    assert_eq!(
        instructor.decide(id, "archiver", "").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(state_of(&app, id), "archived");
    let page = marie.get(&format!("/demandes/{id}")).await;
    assert!(!page.text().contains("Restaurer la demande"));
    let tried = marie
        .post(
            &format!("/demandes/{id}/restaurer"),
            &[("_csrf", &page.csrf())],
        )
        .await;
    assert_eq!(tried.status, StatusCode::FORBIDDEN);
    tried.assert_contains("archivée par l'instruction");
    assert_eq!(state_of(&app, id), "archived");
}
