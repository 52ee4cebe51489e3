//! Two instructors deciding on the same demande at the same moment: exactly one wins.

use reqwest::StatusCode;

use crate::helpers::spawn_app;

#[tokio::test]
async fn two_instructors_approving_and_refusing_at_once_make_one_decision() {
    let app = spawn_app().await;
    let provider = "api-entreprise";
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.submitted_demande(&marie, provider).await;

    app.grant_role(
        "second.instructeur@api-entreprise.example",
        provider,
        "instructor",
    );
    let first = app.login_as("instruction@api-entreprise.example").await;
    let second = app
        .login_as("second.instructeur@api-entreprise.example")
        .await;
    let (csrf1, csrf2) = (
        first.get("/instruction").await.csrf(),
        second.get("/instruction").await.csrf(),
    );

    let approve_path = format!("/instruction/demandes/{id}/valider");
    let refuse_path = format!("/instruction/demandes/{id}/refuser");
    let approve_body = [("_csrf", csrf1.as_str()), ("reason", "")];
    let refuse_body = [("_csrf", csrf2.as_str()), ("reason", "Hors périmètre.")];
    let (approved, refused) = tokio::join!(
        first.post(&approve_path, &approve_body),
        second.post(&refuse_path, &refuse_body),
    );

    let statuses = [approved.status, refused.status];
    assert!(statuses.contains(&StatusCode::SEE_OTHER), "{statuses:?}");
    assert!(statuses.contains(&StatusCode::CONFLICT), "{statuses:?}");
    let loser = if approved.status == StatusCode::CONFLICT {
        &approved
    } else {
        &refused
    };
    loser.assert_contains("Demande déjà traitée");
    // Whether the loser read the demande before or after the winner wrote, it is told so.
    assert!(
        loser
            .text()
            .contains("vient d'être traitée par quelqu'un d'autre")
            || loser
                .text()
                .contains("Cette action n'est plus possible : la demande est"),
        "{}",
        loser.body
    );

    // One decision in the timeline, one state.
    let page = first.get(&format!("/instruction/demandes/{id}")).await;
    let decisions = page
        .body
        .matches("<strong>Demande validée</strong>")
        .count()
        + page
            .body
            .matches("<strong>Demande refusée</strong>")
            .count();
    assert_eq!(decisions, 1, "{}", page.body);
    let expected_state = if approved.status == StatusCode::SEE_OTHER {
        "state-validated"
    } else {
        "state-refused"
    };
    page.assert_contains(expected_state);
}
