//! Drafts an instructor prepares for an organisation: the invited agent is emailed (read from
//! the SMTP server); any agent of that organisation claims the draft on its page and continues
//! as its applicant; the timeline says who prepared and who claimed it. Refusals: an agent of
//! another organisation claiming, a second claim, a reporter preparing, an unknown SIRET, an
//! instructor preparing for their own organisation.

use reqwest::StatusCode;

use crate::helpers::{spawn_app, spawn_app_with_smtp};
use crate::smtp_sink::SmtpSink;

const PROVIDER: &str = "api-particulier";
const LYON: &str = "21690123100011";
const PAUL: &str = "paul.martin@mairie-lyon.fr";
const MARIE: &str = "marie.dupont@mairie-lyon.fr";
const INSTRUCTOR: &str = "instruction@api-particulier.example";

#[tokio::test]
async fn an_instructor_prepares_a_draft_and_an_agent_of_the_organisation_claims_it() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with_smtp(sink.port).await;
    let before = sink.mails().len();
    let id = app.prepared_draft(PROVIDER, LYON, PAUL).await;
    // The same form sent twice (a double click) prepares one draft and one invitation.
    assert_eq!(app.prepared_draft(PROVIDER, LYON, PAUL).await, id);
    let instructor = app.login_as(INSTRUCTOR).await;
    let list = instructor
        .get("/instruction/brouillons?fait=preparee")
        .await;
    list.assert_contains("La demande est préparée");
    list.assert_contains(&format!("D{id}"));
    list.assert_contains("En attente de reprise");

    app.deliver().await;
    let mails = sink.wait_for(before + 1).await;
    let invitations: Vec<_> = mails[before..]
        .iter()
        .filter(|m| m.to == vec![PAUL.to_string()])
        .collect();
    assert_eq!(invitations.len(), 1);
    let invitation = invitations[0];
    assert!(
        invitation
            .subject()
            .starts_with("[habilis] Une demande API Particulier est préparée pour"),
        "{}",
        invitation.subject()
    );
    let text = invitation.text();
    assert!(text.contains(&format!("/demandes/{id}")), "{text}");
    assert!(text.contains("Complétez le cadre juridique"), "{text}");

    // An agent of another organisation learns nothing of it.
    let jeanne = app.login_as("jeanne.roux@grenoble.fr").await;
    assert_eq!(
        jeanne.get(&format!("/demandes/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let csrf = jeanne.get("/demandes").await.csrf();
    let tried = jeanne
        .post(&format!("/demandes/{id}/reprendre"), &[("_csrf", &csrf)])
        .await;
    assert_eq!(tried.status, StatusCode::NOT_FOUND);

    // Paul opens it, claims it, and may fill it in.
    let paul = app.login_as(PAUL).await;
    let page = paul.get(&format!("/demandes/{id}")).await;
    page.assert_contains("Demande préparée pour votre organisation");
    page.assert_contains("Reprendre cette demande");
    let claimed = paul
        .post(
            &format!("/demandes/{id}/reprendre"),
            &[("_csrf", &page.csrf())],
        )
        .await;
    assert_eq!(claimed.status, StatusCode::SEE_OTHER, "{}", claimed.body);
    // His second click lands on the same page.
    let again = paul
        .post(
            &format!("/demandes/{id}/reprendre"),
            &[("_csrf", &page.csrf())],
        )
        .await;
    assert_eq!(again.location, claimed.location);
    let page = paul.get(claimed.location.as_deref().unwrap()).await;
    page.assert_contains("Vous avez repris cette demande");
    page.assert_contains(
        "Préparée par Instructeur API Particulier (instruction@api-particulier.example)",
    );
    page.assert_contains("reprise par Paul Martin (paul.martin@mairie-lyon.fr)");
    assert!(!page.text().contains("Reprendre cette demande"));
    assert_eq!(
        paul.get(&format!("/demandes/{id}/etapes/1")).await.status,
        StatusCode::OK
    );
    instructor
        .get("/instruction/brouillons")
        .await
        .assert_contains("Reprise le");

    // Marie, of the same organisation, comes second.
    let marie = app.login_as(MARIE).await;
    let csrf = marie.get("/demandes").await.csrf();
    let second = marie
        .post(&format!("/demandes/{id}/reprendre"), &[("_csrf", &csrf)])
        .await;
    assert_eq!(second.status, StatusCode::UNPROCESSABLE_ENTITY);
    second.assert_contains("Cette demande a déjà été reprise");
}

#[tokio::test]
async fn preparing_is_refused_to_reporters_for_unknown_sirets_and_for_one_s_own_organisation() {
    let app = spawn_app().await;
    let reporter = app.login_as("rapport@api-particulier.example").await;
    assert_eq!(
        reporter.get("/instruction/brouillons").await.status,
        StatusCode::FORBIDDEN
    );

    let instructor = app.login_as(INSTRUCTOR).await;
    let csrf = instructor.get("/instruction/brouillons").await.csrf();
    let unknown = instructor
        .post(
            "/instruction/brouillons",
            &[
                ("_csrf", &csrf),
                ("formulaire", "api-particulier:"),
                ("siret", "44306184100047"),
                ("email", PAUL),
                ("intitule", "Cantine"),
            ],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    unknown.assert_contains("Aucune organisation de SIRET 44306184100047 n'est connue de habilis");
    unknown.assert_contains("value=\"44306184100047\"");
    unknown.assert_contains("value=\"Cantine\"");

    // An instructor who is also an agent of the organisation prepares from "Mes demandes".
    app.grant_role("instructrice.lyon@mairie-lyon.fr", PROVIDER, "instructor");
    app.add_member("instructrice.lyon@mairie-lyon.fr", LYON);
    let own = app.login_as("instructrice.lyon@mairie-lyon.fr").await;
    let csrf = own.get("/instruction/brouillons").await.csrf();
    let refused = own
        .post(
            "/instruction/brouillons",
            &[
                ("_csrf", &csrf),
                ("formulaire", "api-particulier:"),
                ("siret", LYON),
                ("email", PAUL),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_contains("Vous êtes membre de cette organisation");
}
