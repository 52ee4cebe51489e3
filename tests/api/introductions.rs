//! A provider's introductions, written in Markdown in its file: the form's before a demande is
//! created, a step's at the top of that step, rendered as HTML the applicant reads.

use reqwest::StatusCode;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_applicant_reads_the_form_s_and_the_step_s_introductions() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;

    let new = marie.get("/demandes/nouvelle/api-particulier").await;
    assert_eq!(new.status, StatusCode::OK);
    new.assert_contains("<li>le <strong>texte qui vous autorise</strong> à traiter ces données");
    new.assert_contains(
        "<a href=\"https://particulier.api.gouv.fr/cgu\">conditions générales d'utilisation</a>",
    );

    let id = marie.start_demande("api-particulier", "").await;
    // "Le cadre juridique" is the second step of API Particulier's form.
    let legal = marie.get(&format!("/demandes/{id}/etapes/2")).await;
    assert_eq!(legal.status, StatusCode::OK);
    legal.assert_contains("<h1 class=\"fr-stepper__title\">Le cadre juridique");
    legal.assert_contains("<strong>délibération du conseil municipal</strong>");
    // A step the file gives no introduction shows none.
    let project = marie.get(&format!("/demandes/{id}/etapes/1")).await;
    assert_eq!(project.status, StatusCode::OK);
    assert!(!project.body.contains("habilis-text"), "{}", project.body);
}
