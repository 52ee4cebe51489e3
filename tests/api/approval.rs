//! Approving with fewer scopes than asked: the grant still follows the provider's scope rules.

use reqwest::StatusCode;

use crate::helpers::spawn_app;

const PROVIDER: &str = "api-impot-particulier";

#[tokio::test]
async fn an_approval_cannot_grant_a_combination_the_form_forbids() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    // The template asks for a year, the reference income and the number of shares.
    let id = app
        .submitted_from_template(&marie, PROVIDER, "cantine")
        .await;
    let instructor = app
        .login_as("instruction@api-impot-particulier.example")
        .await;
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    let csrf = page.csrf();

    // Without any year, the form itself would not let the applicant submit.
    let refused = instructor
        .post(
            &format!("/instruction/demandes/{id}/valider"),
            &[
                ("_csrf", csrf.as_str()),
                ("_scopes_listed", "1"),
                ("scopes", "dgfip_rfr"),
                ("scopes", "dgfip_nbpart"),
                ("duree", "12"),
                ("reason", "Sans l'année"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_contains(
        "Les données accordées ne respectent pas les règles du formulaire : au moins 1 donnée(s) du groupe « Années sur lesquelles porte votre demande » doit être accordée.",
    );
    refused.assert_contains(">Sans l'année</textarea>");

    // Nothing changed: still to be decided, no habilitation.
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    page.assert_contains(">Valider</button>");
    assert!(!page.body.contains("Habilitation H"), "{}", page.body);
    marie
        .get(&format!("/demandes/{id}"))
        .await
        .assert_contains("En cours d'instruction");

    // The year and the income together are a grant the form allows.
    let approved = instructor
        .post(
            &format!("/instruction/demandes/{id}/valider"),
            &[
                ("_csrf", csrf.as_str()),
                ("_scopes_listed", "1"),
                ("scopes", "dgfip_annee_n_moins_1"),
                ("scopes", "dgfip_rfr"),
                ("duree", "12"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
}
