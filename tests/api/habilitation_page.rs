//! One habilitation at a time: its page in the instruction workspace, with its history; its
//! instructors extend it (from today, at most the provider's validity, later than its current
//! end; the applicant emailed, read from the SMTP server) or revoke it alone, with a reason.
//! Refusals: a reporter, a duration that does not move the end, a revoked habilitation.

use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use habilis::db::schema::habilitations;
use reqwest::StatusCode;

use crate::helpers::{spawn_app, spawn_app_with_smtp};
use crate::smtp_sink::SmtpSink;

const PROVIDER: &str = "api-particulier";
const MARIE: &str = "marie.dupont@mairie-lyon.fr";
const INSTRUCTOR: &str = "instruction@api-particulier.example";

fn granted(app: &crate::helpers::TestApp, demande: i64) -> i64 {
    habilis::db::habilitations::for_demande(&mut app.conn(), demande).unwrap()[0].id
}

/// Brings the habilitation's end to `days` from now, as for one close to its end.
fn ending_in(app: &crate::helpers::TestApp, h: i64, days: i64) {
    let end = habilis::services::now() + chrono::Duration::days(days);
    diesel::update(habilitations::table.filter(habilitations::id.eq(h)))
        .set(habilitations::expires_at.eq(end))
        .execute(&mut app.conn())
        .unwrap();
}

fn in_months(months: u32) -> String {
    habilis::services::now()
        .checked_add_months(chrono::Months::new(months))
        .unwrap()
        .format("%d/%m/%Y")
        .to_string()
}

#[tokio::test]
async fn an_instructor_extends_one_habilitation_and_the_applicant_is_told() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with_smtp(sink.port).await;
    let marie = app.login_as(MARIE).await;
    let id = app.validated_demande(&marie, PROVIDER).await;
    let h = granted(&app, id);
    ending_in(&app, h, 40);
    app.deliver().await;
    let before = sink.mails().len();

    let instructor = app.login_as(INSTRUCTOR).await;
    let demande = instructor.get(&format!("/instruction/demandes/{id}")).await;
    demande.assert_contains(&format!("href=\"/instruction/habilitations/H{h}\""));
    let page = instructor
        .get(&format!("/instruction/habilitations/H{h}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Historique de l'habilitation");
    page.assert_contains(&format!("Accordée à la validation de la demande D{id}"));
    page.assert_contains("Prolonger cette habilitation");
    page.assert_contains("Révoquer cette habilitation");

    // One month from today ends before its current end, in 40 days: refused, the note kept.
    let path = format!("/instruction/habilitations/{h}/prolonger");
    let refused = instructor
        .post(
            &path,
            &[
                ("_csrf", &page.csrf()),
                ("mois", "1"),
                ("note", "Convention prolongée."),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_contains("pas après sa fin actuelle");
    refused.assert_contains("Convention prolongée.</textarea>");
    refused.assert_contains("<option value=\"1\" selected>1 mois</option>");
    let unknown = instructor
        .post(&path, &[("_csrf", &page.csrf()), ("mois", "99")])
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    unknown.assert_contains("La durée doit être un nombre de mois entre 1 et");

    // Twelve months from today.
    let done = instructor
        .post(
            &path,
            &[
                ("_csrf", &page.csrf()),
                ("mois", "12"),
                ("note", "Convention prolongée."),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    // The second click of a double click moves the end no further: refused, nothing sent.
    let twice = instructor
        .post(&path, &[("_csrf", &page.csrf()), ("mois", "12")])
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = instructor.get(done.location.as_deref().unwrap()).await;
    let until = in_months(12);
    page.assert_contains(&format!("L'habilitation est prolongée jusqu'au {until}"));
    page.assert_contains(&format!("Prolongée jusqu'au {until}"));
    page.assert_contains("Note : Convention prolongée.");
    // The demande's timeline says it too; the applicant sees the new end on the demande.
    instructor
        .get(&format!("/instruction/demandes/{id}"))
        .await
        .assert_contains("Habilitation prolongée");
    marie
        .get(&format!("/demandes/{id}"))
        .await
        .assert_contains(&format!("valable jusqu'au <strong>{until}</strong>"));

    app.deliver().await;
    let mails = sink.wait_for(before + 1).await;
    let to_marie: Vec<_> = mails[before..]
        .iter()
        .filter(|m| m.to == vec![MARIE.to_string()])
        .collect();
    assert_eq!(to_marie.len(), 1, "told once");
    let told = to_marie[0];
    assert_eq!(
        told.subject(),
        format!("[habilis] Votre habilitation est prolongée jusqu'au {until}")
    );
    assert!(
        told.text().contains("Convention prolongée."),
        "{}",
        told.text()
    );
}

#[tokio::test]
async fn an_expired_habilitation_may_be_extended_a_revoked_one_not() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.validated_demande(&marie, PROVIDER).await;
    let h = granted(&app, id);
    ending_in(&app, h, -3);

    let instructor = app.login_as(INSTRUCTOR).await;
    let page = instructor
        .get(&format!("/instruction/habilitations/{h}"))
        .await;
    page.assert_contains("Habilitation H");
    page.assert_contains("Expirée");
    let done = instructor
        .post(
            &format!("/instruction/habilitations/{h}/prolonger"),
            &[("_csrf", &page.csrf()), ("mois", "3")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = instructor.get(done.location.as_deref().unwrap()).await;
    page.assert_contains(&format!("Prolongée jusqu'au {}", in_months(3)));

    // Revoked, alone, with a reason: then it is neither extended nor revoked again.
    let path = format!("/instruction/habilitations/{h}/revoquer");
    let missing = instructor
        .post(&path, &[("_csrf", &page.csrf()), ("motif", " ")])
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    missing.assert_contains("Un motif est obligatoire.");
    let revoked = instructor
        .post(
            &path,
            &[("_csrf", &page.csrf()), ("motif", "Convention dénoncée.")],
        )
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    instructor
        .get(revoked.location.as_deref().unwrap())
        .await
        .assert_contains("L'habilitation a été révoquée");
    let page = instructor
        .get(&format!("/instruction/habilitations/{h}"))
        .await;
    page.assert_contains("Habilitation H");
    page.assert_contains("Révoquée");
    page.assert_contains("Convention dénoncée.");
    assert!(!page.text().contains("Prolonger cette habilitation"));
    let again = instructor
        .post(
            &format!("/instruction/habilitations/{h}/prolonger"),
            &[("_csrf", &page.csrf()), ("mois", "3")],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    again.assert_contains(
        "Seule une habilitation active ou expirée se prolonge : celle-ci est « Révoquée ».",
    );
}

#[tokio::test]
async fn a_reporter_reads_the_page_but_neither_extends_nor_revokes() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.validated_demande(&marie, PROVIDER).await;
    let h = granted(&app, id);
    let reporter = app.login_as("rapport@api-particulier.example").await;
    let page = reporter
        .get(&format!("/instruction/habilitations/{h}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text().contains("Prolonger cette habilitation"));
    assert!(!page.text().contains("Révoquer cette habilitation"));
    let tried = reporter
        .post(
            &format!("/instruction/habilitations/{h}/prolonger"),
            &[("_csrf", &page.csrf()), ("mois", "12")],
        )
        .await;
    assert_eq!(tried.status, StatusCode::FORBIDDEN);
    // The applicant's side does not reach the instruction page of its habilitation.
    assert_eq!(
        marie
            .get(&format!("/instruction/habilitations/{h}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let unknown = reporter.get("/instruction/habilitations/H999999").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}
