//! Messages between the applicant and instructors, copies and transfers.

use reqwest::StatusCode;

use crate::helpers::spawn_app;

const PROVIDER: &str = "api-particulier";

#[tokio::test]
async fn a_message_thread_with_unread_markers_that_never_changes_the_state() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let other = app.submitted_demande(&marie, PROVIDER).await;
    let instructor = app.login_as("instruction@api-particulier.example").await;

    // The applicant writes on two demandes: the instructor's dashboard says so.
    for demande in [id, other] {
        let csrf = marie.get(&format!("/demandes/{demande}")).await.csrf();
        let sent = marie
            .post(
                &format!("/demandes/{demande}/messages"),
                &[
                    ("_csrf", &csrf),
                    ("body", "Pouvez-vous préciser le délai ?"),
                ],
            )
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER);
    }
    let dashboard = instructor.get("/instruction").await;
    dashboard.assert_contains("2 demandes ont des messages non lus.");
    assert_eq!(dashboard.body.matches("Nouveau message").count(), 2);

    // Reading one marks it read; the state has not changed.
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    page.assert_contains("Pouvez-vous préciser le délai ?");
    page.assert_contains("Marie Dupont (marie.dupont@mairie-lyon.fr)");
    page.assert_contains("En cours d'instruction");
    instructor
        .get("/instruction")
        .await
        .assert_contains("1 demande a des messages non lus.");

    // The instructor answers; the applicant sees a marker, then the answer.
    let csrf = page.csrf();
    let reply = instructor
        .post(
            &format!("/instruction/demandes/{id}/messages"),
            &[("_csrf", &csrf), ("body", "Sous quinze jours.")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let mine = marie.get("/demandes").await;
    assert_eq!(mine.body.matches("Nouveau message").count(), 1);
    let show = marie.get(&format!("/demandes/{id}")).await;
    show.assert_contains("Sous quinze jours.");
    show.assert_contains("– instruction");
    assert_eq!(
        marie
            .get("/demandes")
            .await
            .body
            .matches("Nouveau message")
            .count(),
        0
    );

    // Empty or oversize messages are refused with a reason; reporters only read.
    let empty = marie
        .post(
            &format!("/demandes/{id}/messages"),
            &[("_csrf", &show.csrf()), ("body", "  ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    empty.assert_contains("Erreur : Le message est vide.");
    let long = "x".repeat(5_001);
    let too_long = marie
        .post(
            &format!("/demandes/{id}/messages"),
            &[("_csrf", &show.csrf()), ("body", &long)],
        )
        .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reporter = app.login_as("rapport@api-particulier.example").await;
    let page = reporter.get(&format!("/instruction/demandes/{id}")).await;
    page.assert_contains("Sous quinze jours.");
    assert!(!page.body.contains("Envoyer le message"));
    let forged = reporter
        .post(
            &format!("/instruction/demandes/{id}/messages"),
            &[("_csrf", &page.csrf()), ("body", "x")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_old_demande_is_copied_into_a_new_draft() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let paul = app.login_as("paul.martin@mairie-lyon.fr").await;
    let csrf = paul.get(&format!("/demandes/{id}")).await.csrf();
    let copied = paul
        .post(&format!("/demandes/{id}/copier"), &[("_csrf", &csrf)])
        .await;
    assert_eq!(copied.status, StatusCode::SEE_OTHER);
    let location = copied.location.unwrap();
    let copy: i64 = location
        .trim_start_matches("/demandes/")
        .trim_end_matches("/etapes/1")
        .parse()
        .unwrap();
    assert_ne!(copy, id);
    // The colleague owns the copy, with the same answers, as a draft.
    paul.get(&location)
        .await
        .assert_contains("value=\"Tarification sociale de la cantine\"");
    let show = paul.get(&format!("/demandes/{copy}")).await;
    show.assert_contains("Brouillon");
    show.assert_contains(&format!("Copie de la demande D{id}"));
    marie
        .get(&format!("/demandes/{id}"))
        .await
        .assert_contains("En cours d'instruction");
}

#[tokio::test]
async fn a_demande_is_transferred_to_a_colleague_only() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = marie.start_demande(PROVIDER, "").await;
    let csrf = marie.get(&format!("/demandes/{id}")).await.csrf();
    let path = format!("/demandes/{id}/transferer");
    for (email, message) in [
        (
            "jeanne.roux@grenoble.fr",
            "jeanne.roux@grenoble.fr n'est pas membre de Mairie de Lyon sur habilis",
        ),
        (
            "inconnu@lyon.fr",
            "inconnu@lyon.fr n'est pas membre de Mairie de Lyon",
        ),
        (
            "pas une adresse",
            "Saisissez une adresse électronique valide",
        ),
        (
            "marie.dupont@mairie-lyon.fr",
            "La demande est déjà la vôtre",
        ),
    ] {
        let refused = marie
            .post(&path, &[("_csrf", &csrf), ("email", email)])
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{email}");
        refused.assert_contains(message);
    }
    let done = marie
        .post(
            &path,
            &[("_csrf", &csrf), ("email", "Paul.Martin@mairie-lyon.fr")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    // Paul now edits it; Marie still reads it but may no longer change it.
    let paul = app.login_as("paul.martin@mairie-lyon.fr").await;
    assert_eq!(
        paul.get(&format!("/demandes/{id}/etapes/1")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        marie.get(&format!("/demandes/{id}/etapes/1")).await.status,
        StatusCode::FORBIDDEN
    );
    let show = marie.get(&format!("/demandes/{id}")).await;
    show.assert_contains("Demande transférée");
    show.assert_contains("Transférée à paul.martin@mairie-lyon.fr");
}
