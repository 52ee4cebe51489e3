//! Emails through the outbox and a real SMTP server on loopback: recipients, subjects, both
//! parts, headers, nothing sent twice, and nothing lost when SMTP is down.

use habilis::config::Environment;
use reqwest::StatusCode;

use crate::helpers::TestApp;
use crate::smtp_sink::SmtpSink;

const PROVIDER: &str = "api-particulier";
/// Told of each submission: the provider's subscriber, manager, instructor and reporter, and
/// the applicant (a receipt).
const SUBMISSION: [&str; 5] = [
    "abonnement@api-particulier.example",
    "gestion@api-particulier.example",
    "instruction@api-particulier.example",
    "marie.dupont@mairie-lyon.fr",
    "rapport@api-particulier.example",
];
const MARIE: &str = "marie.dupont@mairie-lyon.fr";
const REPORTER: &str = "rapport@api-particulier.example";

async fn app_with_smtp(port: u16) -> TestApp {
    crate::helpers::spawn_app_with_smtp(port).await
}

fn recipients(mails: &[crate::smtp_sink::Mail]) -> Vec<String> {
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    to
}

fn to<'a>(mails: &'a [crate::smtp_sink::Mail], address: &str) -> &'a crate::smtp_sink::Mail {
    mails
        .iter()
        .find(|m| m.to == [address])
        .unwrap_or_else(|| panic!("no email to {address}"))
}

#[tokio::test]
async fn each_step_of_a_demande_emails_the_right_people_once() {
    let sink = SmtpSink::start().await;
    let app = app_with_smtp(sink.port).await;
    let marie = app.login_as(MARIE).await;
    let id = app.complete_draft(&marie, PROVIDER).await;

    // Submission: the provider's subscribers, reporters, instructors and managers, and a
    // receipt to the applicant.
    assert_eq!(marie.submit(id, true).await.status, StatusCode::SEE_OTHER);
    app.deliver().await;
    let mails = sink.wait_for(5).await;
    assert_eq!(recipients(&mails), SUBMISSION);
    let mail = to(&mails, "instruction@api-particulier.example");
    assert_eq!(
        mail.subject(),
        format!("[habilis] Nouvelle demande D{id} – API Particulier")
    );
    assert!(
        mail.text().contains(&format!(
            "Une nouvelle demande D{id} « Tarification sociale de la cantine » de Mairie de Lyon"
        )),
        "{}",
        mail.text()
    );
    assert!(
        mail.text()
            .contains(&format!("http://127.0.0.1/instruction/demandes/{id}"))
    );
    assert!(mail.html().contains(&format!("<strong>D{id}</strong>")));
    assert!(
        mail.header("From")
            .unwrap()
            .contains("ne-pas-repondre@habilis.example")
    );
    let message_id = mail.header("Message-ID").unwrap();
    assert!(
        message_id.starts_with("<outbox-") && message_id.ends_with("@habilis.example>"),
        "{message_id}"
    );
    let unsubscribe = mail.header("List-Unsubscribe").unwrap();
    assert!(
        unsubscribe.starts_with("<http://127.0.0.1/desabonnement?u="),
        "{unsubscribe}"
    );
    assert_eq!(
        mail.header("List-Unsubscribe-Post").unwrap(),
        "List-Unsubscribe=One-Click"
    );
    assert_eq!(
        to(&mails, MARIE).subject(),
        format!("[habilis] Votre demande D{id} est bien reçue")
    );

    // Changes requested: the applicant, with the reason in both parts.
    let instructor = app.login_as("instruction@api-particulier.example").await;
    let reason = "Joignez la délibération du conseil municipal.";
    assert_eq!(
        instructor
            .decide(id, "demander-modifications", reason)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    app.deliver().await;
    let mails = sink.wait_for(6).await;
    let mail = &mails[5];
    assert_eq!(mail.to, vec![MARIE]);
    assert_eq!(
        mail.subject(),
        format!("[habilis] Modifications demandées sur votre demande D{id}")
    );
    assert!(mail.text().contains(reason));
    assert!(mail.html().contains(reason));

    // Resubmission says so, to the team and in the receipt.
    assert_eq!(
        marie
            .fill(
                id,
                1,
                &[
                    ("intitule".into(), "Cantine 2027".into()),
                    ("description".into(), "Une description.".into())
                ]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(marie.submit(id, true).await.status, StatusCode::SEE_OTHER);
    app.deliver().await;
    let mails = sink.wait_for(11).await;
    assert_eq!(recipients(&mails[6..]), SUBMISSION);
    assert_eq!(
        to(&mails[6..], REPORTER).subject(),
        format!("[habilis] Demande D{id} modifiée et soumise à nouveau – API Particulier")
    );
    assert_eq!(
        to(&mails[6..], MARIE).subject(),
        format!("[habilis] Vos modifications de la demande D{id} sont bien reçues")
    );

    // Approval: the applicant, the DPO named in the demande (GDPR notice), the reporter.
    assert_eq!(
        instructor.decide(id, "valider", "Bienvenue.").await.status,
        StatusCode::SEE_OTHER
    );
    app.deliver().await;
    let mails = sink.wait_for(14).await;
    assert_eq!(
        recipients(&mails[11..]),
        ["dpo@mairie-lyon.fr", MARIE, REPORTER]
    );
    let to_marie = to(&mails[11..], MARIE);
    assert_eq!(
        to_marie.subject(),
        format!("[habilis] Votre demande D{id} est validée")
    );
    assert!(
        to_marie
            .text()
            .contains("Note de l’instructeur : Bienvenue.")
    );
    let to_dpo = to(&mails[11..], "dpo@mairie-lyon.fr");
    assert!(
        to_dpo
            .text()
            .contains("délégué(e) à la protection des données"),
        "{}",
        to_dpo.text()
    );

    // Revocation: the applicant with the reason, the DPO and the reporter.
    assert_eq!(
        instructor
            .decide(id, "revoquer", "Usage détourné.")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    app.deliver().await;
    let mails = sink.wait_for(17).await;
    assert_eq!(
        recipients(&mails[14..]),
        ["dpo@mairie-lyon.fr", MARIE, REPORTER]
    );
    assert!(to(&mails[14..], MARIE).text().contains("Usage détourné."));

    // Messages both ways, never to their author.
    let csrf = marie.get(&format!("/demandes/{id}")).await.csrf();
    marie
        .post(
            &format!("/demandes/{id}/messages"),
            &[("_csrf", &csrf), ("body", "Merci, une question.")],
        )
        .await;
    app.deliver().await;
    let mails = sink.wait_for(19).await;
    assert_eq!(
        recipients(&mails[17..]),
        [
            "gestion@api-particulier.example",
            "instruction@api-particulier.example"
        ]
    );
    assert!(mails[17].text().contains("Merci, une question."));
    let csrf = instructor
        .get(&format!("/instruction/demandes/{id}"))
        .await
        .csrf();
    instructor
        .post(
            &format!("/instruction/demandes/{id}/messages"),
            &[("_csrf", &csrf), ("body", "Réponse.")],
        )
        .await;
    app.deliver().await;
    let mails = sink.wait_for(20).await;
    assert_eq!(mails[19].to, vec![MARIE]);

    // Nothing twice: every outbox row delivered, one email each, with distinct Message-IDs.
    let rows = app.deliver().await;
    assert!(
        rows.iter().all(|r| r.delivered_at.is_some()),
        "all delivered: {rows:#?}"
    );
    assert_eq!(rows.len(), 20);
    let mails = sink.mails();
    assert_eq!(mails.len(), 20);
    let mut ids: Vec<String> = mails
        .iter()
        .map(|m| m.header("Message-ID").unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 20);
}

#[tokio::test]
async fn a_submission_succeeds_while_smtp_is_down_and_its_emails_leave_when_it_is_back() {
    // A port that refuses connections: the sink stopped.
    let port = SmtpSink::start().await.stop();
    let app = app_with_smtp(port).await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.complete_draft(&marie, PROVIDER).await;
    assert_eq!(marie.submit(id, true).await.status, StatusCode::SEE_OTHER);
    marie
        .get(&format!("/demandes/{id}"))
        .await
        .assert_contains("En cours d'instruction");

    // The emails wait, with the error recorded.
    let rows = app.deliver().await;
    assert!(
        rows.len() == 5
            && rows
                .iter()
                .all(|r| r.attempts >= 1 && r.last_error.is_some()),
        "an attempt failed: {rows:#?}"
    );
    assert!(
        rows.iter()
            .all(|r| r.delivered_at.is_none() && r.failed_at.is_none())
    );

    // SMTP comes back on the same port: they leave at their next attempt.
    let sink = SmtpSink::start_on(port).await;
    let rows = app.deliver_retries().await;
    let mails = sink.wait_for(5).await;
    assert_eq!(recipients(&mails), SUBMISSION);
    assert!(
        rows.iter().all(|r| r.delivered_at.is_some()),
        "all delivered: {rows:#?}"
    );
}

#[tokio::test]
async fn an_address_the_server_rejects_is_failed_with_its_answer_not_retried() {
    let sink = SmtpSink::start().await;
    let app = app_with_smtp(sink.port).await;
    app.grant_role("refuse.moi@exemple.fr", PROVIDER, "subscriber");
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.complete_draft(&marie, PROVIDER).await;
    assert_eq!(marie.submit(id, true).await.status, StatusCode::SEE_OTHER);
    let rows = app.deliver().await;
    sink.wait_for(5).await;
    assert!(
        rows.iter().any(|r| r.failed_at.is_some()),
        "the rejected one failed: {rows:#?}"
    );
    let rejected = rows
        .iter()
        .find(|r| r.recipient == "refuse.moi@exemple.fr")
        .unwrap();
    assert_eq!(rejected.attempts, 1, "a 5xx is not retried");
    assert!(
        rejected
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("Adresse inconnue"),
        "{rejected:?}"
    );
    assert_eq!(sink.mails().len(), 5);
}

#[tokio::test]
async fn a_row_claimed_by_a_worker_that_died_is_claimed_again_after_its_lease() {
    let app =
        crate::helpers::spawn_app_with(Environment::Dev, &[("HABILIS_WORKER", "false")]).await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.complete_draft(&marie, PROVIDER).await;
    assert_eq!(marie.submit(id, true).await.status, StatusCode::SEE_OTHER);
    let mut conn = app.conn();
    let now = habilis::services::now();
    let lease = now + chrono::Duration::seconds(120);
    let first = habilis::db::outbox::claim(&mut conn, now, lease, 10).unwrap();
    assert_eq!(first.len(), 5);
    // Another worker meanwhile finds nothing to take...
    assert!(
        habilis::db::outbox::claim(&mut conn, now + chrono::Duration::seconds(10), lease, 10)
            .unwrap()
            .is_empty()
    );
    // ...until the first one's lease ran out (it died mid-batch): the same rows, same ids, so
    // a duplicate would carry the same Message-ID.
    let later = now + chrono::Duration::seconds(121);
    let again =
        habilis::db::outbox::claim(&mut conn, later, later + chrono::Duration::seconds(120), 10)
            .unwrap();
    let ids =
        |rows: &[habilis::db::outbox::OutboxRow]| rows.iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!(ids(&again), ids(&first));
    assert!(again.iter().all(|r| r.attempts == 2));
}
