//! The eligibility questionnaire a provider declares: asked before a demande is created, one
//! question after the other; an answer that stops says why and where to go instead, and the
//! demande cannot be created around it.

use reqwest::StatusCode;

use crate::helpers::spawn_app;

const PROVIDER: &str = "api-impot-particulier";

#[tokio::test]
async fn the_questions_come_one_after_the_other_and_lead_to_the_form() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let new = format!("/demandes/nouvelle/{PROVIDER}");

    let first = marie.get(&new).await;
    assert_eq!(first.status, StatusCode::OK);
    first.assert_contains("Avant de commencer : pouvez-vous demander API Impôt particulier ?");
    first.assert_contains("1. Votre organisme est-il une administration");
    assert!(!first.body.contains("2. Les données serviront-elles"));
    assert!(!first.body.contains("Commencer la demande"));

    let second = marie.get(&format!("{new}?organisme=oui")).await;
    assert_eq!(second.status, StatusCode::OK);
    second
        .assert_contains(r#"id="eligibilite-organisme-oui" name="organisme" value="oui" checked"#);
    second.assert_contains("2. Les données serviront-elles à instruire une démarche d'usager");

    let form = marie.get(&format!("{new}?organisme=oui&usage=oui")).await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_contains("Nouvelle demande : API Impôt particulier");
    form.assert_contains(
        r#"<input type="hidden" name="eligibilite" value="organisme:oui,usage:oui">"#,
    );
    let created = marie
        .post(
            "/demandes",
            &[
                ("_csrf", &form.csrf()),
                ("provider", PROVIDER),
                ("template", ""),
                ("eligibilite", "organisme:oui,usage:oui"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
}

#[tokio::test]
async fn an_answer_that_stops_explains_and_the_demande_cannot_be_created_around_it() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let new = format!("/demandes/nouvelle/{PROVIDER}");

    let stopped = marie.get(&format!("{new}?organisme=non&usage=oui")).await;
    assert_eq!(stopped.status, StatusCode::OK);
    stopped.assert_contains("D'après votre réponse, cette demande n'est pas possible");
    stopped.assert_contains("transmises qu'aux <strong>administrations</strong>");
    stopped.assert_contains(
        r#"<a href="https://franceconnect.gouv.fr/partenaires">FranceConnect</a>"#,
    );
    // The answer can be changed; the later question is not asked.
    stopped.assert_contains(r#"value="non" checked"#);
    assert!(!stopped.body.contains("2. Les données serviront-elles"));
    assert!(!stopped.body.contains("Commencer la demande"));

    let wrong = marie.get(&format!("{new}?organisme=peut_etre")).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    wrong.assert_contains("choisissez une des réponses proposées");

    let before = demandes_of_the_provider(&app);
    let csrf = marie.get("/demandes").await.csrf();
    for (eligibility, message) in [
        (None, "Répondez d'abord aux questions d'éligibilité"),
        (
            Some("organisme:non,usage:oui"),
            "D'après vos réponses aux questions d'éligibilité",
        ),
    ] {
        let mut pairs = vec![("_csrf", csrf.as_str()), ("provider", PROVIDER)];
        if let Some(value) = eligibility {
            pairs.push(("eligibilite", value));
        }
        let refused = marie.post("/demandes", &pairs).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{eligibility:?}");
        refused.assert_contains(message);
    }
    assert_eq!(
        demandes_of_the_provider(&app),
        before,
        "no demande was created"
    );
}

fn demandes_of_the_provider(app: &crate::helpers::TestApp) -> i64 {
    use diesel::prelude::*;
    use habilis::db::schema::demandes;
    demandes::table
        .filter(demandes::provider.eq(PROVIDER))
        .count()
        .get_result(&mut app.conn())
        .unwrap()
}
