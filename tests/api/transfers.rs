//! The instruction side hands a demande to another agent of its organisation (the applicant
//! left): instructors of the provider and admins, with a reason; both agents emailed (read from
//! the SMTP server), the timeline and the audit log say who and why. Refusals: a reporter, an
//! agent of another organisation, no reason, the applicant themselves.

use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use habilis::db::schema::audit_log;
use reqwest::StatusCode;

use crate::helpers::{spawn_app, spawn_app_with_smtp};
use crate::smtp_sink::SmtpSink;

const PROVIDER: &str = "api-particulier";
const MARIE: &str = "marie.dupont@mairie-lyon.fr";
const PAUL: &str = "paul.martin@mairie-lyon.fr";
const INSTRUCTOR: &str = "instruction@api-particulier.example";
const REASON: &str = "Marie Dupont a quitté la mairie en novembre.";

#[tokio::test]
async fn an_instructor_hands_a_demande_to_a_colleague_of_the_applicant_and_both_are_told() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with_smtp(sink.port).await;
    let marie = app.login_as(MARIE).await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    app.deliver().await;
    let before = sink.mails().len();

    let instructor = app.login_as(INSTRUCTOR).await;
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    page.assert_contains("Transférer à un autre agent de l'organisation");
    let moved = instructor
        .post(
            &format!("/instruction/demandes/{id}/transferer"),
            &[("_csrf", &page.csrf()), ("email", PAUL), ("motif", REASON)],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let page = instructor.get(moved.location.as_deref().unwrap()).await;
    page.assert_contains("La demande a été transférée");
    page.assert_contains(&format!("Transférée à {PAUL} : {REASON}"));
    page.assert_contains(PAUL);

    app.deliver().await;
    let mails = sink.wait_for(before + 2).await;
    let new = mails
        .iter()
        .find(|m| m.to == vec![PAUL.to_string()])
        .expect("the new applicant is told");
    assert_eq!(
        new.subject(),
        format!("[habilis] La demande D{id} vous a été transférée")
    );
    assert!(new.text().contains(REASON), "{}", new.text());
    let old = mails
        .iter()
        .find(|m| m.to == vec![MARIE.to_string()] && m.subject().contains("transférée"))
        .expect("the former applicant is told");
    assert!(old.text().contains(PAUL) && old.text().contains(REASON));

    // Paul is the applicant now: he edits what Marie can only read.
    let paul = app.login_as(PAUL).await;
    let his = paul.get(&format!("/demandes/{id}")).await;
    assert_eq!(his.status, StatusCode::OK);
    let audited: Vec<String> = audit_log::table
        .filter(audit_log::actor.eq(INSTRUCTOR))
        .select(audit_log::action)
        .load(&mut app.conn())
        .unwrap();
    assert!(
        audited.iter().any(|a| a.contains("transfer")),
        "{audited:?}"
    );
}

#[tokio::test]
async fn transfers_are_refused_to_reporters_strangers_without_a_reason_and_to_the_applicant() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let path = format!("/instruction/demandes/{id}/transferer");

    let reporter = app.login_as("rapport@api-particulier.example").await;
    let csrf = reporter
        .get(&format!("/instruction/demandes/{id}"))
        .await
        .csrf();
    let tried = reporter
        .post(
            &path,
            &[("_csrf", &csrf), ("email", PAUL), ("motif", REASON)],
        )
        .await;
    assert_eq!(tried.status, StatusCode::FORBIDDEN);
    tried.assert_contains("Seuls les instructeurs de ce fournisseur et les administrateurs");

    let instructor = app.login_as(INSTRUCTOR).await;
    let csrf = instructor
        .get(&format!("/instruction/demandes/{id}"))
        .await
        .csrf();
    for (email, reason, told) in [
        (
            "jeanne.roux@grenoble.fr",
            REASON,
            "n'est pas membre de Mairie de Lyon",
        ),
        (PAUL, "  ", "Un motif est obligatoire."),
        (MARIE, REASON, "est déjà le demandeur de cette demande"),
    ] {
        let page = instructor
            .post(
                &path,
                &[("_csrf", &csrf), ("email", email), ("motif", reason)],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{email}");
        page.assert_contains(told);
        // What was typed is given back.
        page.assert_contains(&format!("value=\"{email}\""));
    }
    assert_eq!(
        habilis::db::demandes::find(&mut app.conn(), id)
            .unwrap()
            .unwrap()
            .applicant_id,
        habilis::db::users::find_by_email(&mut app.conn(), MARIE)
            .unwrap()
            .unwrap()
            .id
    );

    // An admin may.
    let admin = app.login_as("admin@habilis.example").await;
    let csrf = admin
        .get(&format!("/instruction/demandes/{id}"))
        .await
        .csrf();
    let moved = admin
        .post(
            &path,
            &[("_csrf", &csrf), ("email", PAUL), ("motif", REASON)],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
}
