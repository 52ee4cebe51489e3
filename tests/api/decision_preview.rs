//! Before confirming a decision, the instructor reads exactly the email the applicant will
//! receive: the same subject and text the outbox then sends; nothing is sent by the preview.
//! Refused: a missing reason (as the decision would be), a reporter, an admin.

use reqwest::StatusCode;

use crate::helpers::spawn_app;

const PROVIDER: &str = "api-particulier";
const MARIE: &str = "marie.dupont@mairie-lyon.fr";
const INSTRUCTOR: &str = "instruction@api-particulier.example";
const REASON: &str = "Joignez la délibération du conseil municipal du 12 novembre.";

#[tokio::test]
async fn the_preview_is_the_email_the_applicant_then_receives_and_sends_nothing() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let instructor = app.login_as(INSTRUCTOR).await;
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    page.assert_contains("Aperçu : modifications");
    let before = app.outbox().len();

    let preview = instructor
        .post(
            &format!("/instruction/demandes/{id}/apercu?decision=modifier"),
            &[("_csrf", &page.csrf()), ("reason", REASON)],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    preview.assert_contains("Le courriel que recevra le demandeur");
    preview.assert_contains(&format!("À :</strong> {MARIE}"));
    preview.assert_contains(&format!(
        "Objet :</strong> [habilis] Modifications demandées sur votre demande D{id}"
    ));
    preview.assert_contains(REASON);
    assert_eq!(app.outbox().len(), before, "the preview sends nothing");
    assert_eq!(
        habilis::db::demandes::find(&mut app.conn(), id)
            .unwrap()
            .unwrap()
            .state,
        "submitted"
    );

    // Confirmed from the preview: the email that leaves is the one shown.
    let confirmed = instructor
        .post(
            &format!("/instruction/demandes/{id}/demander-modifications"),
            &[("_csrf", &preview.csrf()), ("reason", REASON)],
        )
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    let sent = app
        .outbox()
        .into_iter()
        .find(|r| r.recipient == MARIE && r.topic == "changes_requested")
        .expect("the applicant's email");
    assert_eq!(
        sent.subject,
        format!("[habilis] Modifications demandées sur votre demande D{id}")
    );
    let shown = preview
        .text()
        .split("<pre class=\"habilis-mail-preview\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .expect("the text shown")
        .to_string();
    // Word for word, but for the applicant's own unsubscribe link, never shown to others.
    let own_link = sent.unsubscribe_url.clone().expect("an unsubscribe link");
    assert!(!preview.body.contains(&own_link));
    let expected = sent.body_text.replace(
        &own_link,
        "(lien de désabonnement personnel du destinataire)",
    );
    assert_eq!(shown.trim(), expected.trim());
}

#[tokio::test]
async fn a_preview_is_refused_as_its_decision_would_be() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let path = format!("/instruction/demandes/{id}/apercu?decision=refuser");
    let instructor = app.login_as(INSTRUCTOR).await;
    let csrf = instructor
        .get(&format!("/instruction/demandes/{id}"))
        .await
        .csrf();
    let empty = instructor
        .post(&path, &[("_csrf", &csrf), ("reason", " ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    empty.assert_contains("Un motif est obligatoire.");
    let unknown = instructor
        .post(
            &format!("/instruction/demandes/{id}/apercu?decision=autre"),
            &[("_csrf", &csrf), ("reason", REASON)],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    for who in ["rapport@api-particulier.example", "admin@habilis.example"] {
        let person = app.login_as(who).await;
        let csrf = person
            .get(&format!("/instruction/demandes/{id}"))
            .await
            .csrf();
        let tried = person
            .post(&path, &[("_csrf", &csrf), ("reason", REASON)])
            .await;
        assert_eq!(tried.status, StatusCode::FORBIDDEN, "{who}");
    }
}
