//! A provider's own site links to a new demande with its answers prefilled
//! (`/demandes/nouvelle/<provider>?formulaire=..&intitule=..`): only the form's fields are
//! taken, as if typed; the applicant sees them before starting, and can change them all.

use reqwest::StatusCode;

use crate::helpers::spawn_app;

const PROVIDER: &str = "api-particulier";
const TEMPLATE: &str = "tarification_municipale_enfance";

#[tokio::test]
async fn a_link_prefills_declared_fields_and_chooses_a_template() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let long = "x".repeat(10_001);
    let new = marie
        .get(&format!(
            "/demandes/nouvelle/{PROVIDER}?formulaire={TEMPLATE}&intitule=Cantine%20%3Cscript%3E%20de%20Lyon&volumetrie_approximative=500&inconnu=1&description={long}"
        ))
        .await;
    assert_eq!(new.status, StatusCode::OK);
    new.assert_contains(
        "API Particulier a prérempli ces réponses ; vous pourrez toutes les modifier :",
    );
    // Shown as text, never as markup.
    assert!(
        new.body
            .contains("<li>Nom du projet : Cantine &#60;script&#62; de Lyon</li>"),
        "{}",
        new.body
    );
    // Too long for any field: told, and left out.
    new.assert_contains("Réponse non reprise : Description du projet (à quoi va-t-il servir ? qui l'utilisera ?) : Ce texte est trop long");
    assert!(
        !new.body.contains("inconnu"),
        "a key of no field is ignored"
    );
    new.assert_contains(&format!(
        r#"id="template-{TEMPLATE}" name="template" value="{TEMPLATE}" checked"#
    ));
    assert!(!new.body.contains(r#"value="" checked"#));

    let carried = regex::Regex::new(r#"name="preremplissage" value="([^"]*)""#)
        .unwrap()
        .captures(&new.body)
        .map(|c| c[1].replace("&amp;", "&").replace("&#38;", "&"))
        .expect("the prefill travels with the form");
    let created = marie
        .post(
            "/demandes",
            &[
                ("_csrf", &new.csrf()),
                ("provider", PROVIDER),
                ("template", TEMPLATE),
                ("preremplissage", &carried),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let step = marie.get(created.location.as_deref().unwrap()).await;
    // The prefilled name wins over the template's; the template's other answers stay.
    step.assert_contains(r#"value="Cantine <script> de Lyon""#);
    assert!(
        !step.body.contains("<script> de Lyon"),
        "escaped on the step too"
    );
    step.assert_contains("Calcul automatique du tarif des services municipaux");
}

#[tokio::test]
async fn a_link_to_a_provider_with_eligibility_questions_keeps_its_prefill_through_them() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let path = "/demandes/nouvelle/api-impot-particulier?intitule=Bourses%20communales";
    let questions = marie.get(path).await;
    questions.assert_contains("1. Votre organisme est-il une administration");
    // The questions' form sends the prefill again with each answer, as a browser submits it.
    questions
        .assert_contains(r#"<input type="hidden" name="intitule" value="Bourses communales">"#);
    let form = marie.get(&format!("{path}&organisme=oui&usage=oui")).await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_contains("<li>Nom du projet : Bourses communales</li>");
    form.assert_contains("Commencer la demande");
}
