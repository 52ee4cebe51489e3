//! Bad input gets a clear French message and a 4xx, never a 500, and the draft keeps what was valid.

use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp, spawn_app};

const PROVIDER: &str = "api-entreprise";

async fn draft(app: &TestApp) -> (Browser, i64) {
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = marie.start_demande(PROVIDER, "").await;
    (marie, id)
}

#[tokio::test]
async fn an_oversize_answer_is_refused_and_the_rest_is_saved() {
    let app = spawn_app().await;
    let (marie, id) = draft(&app).await;
    let long = "a".repeat(10_001);
    let page = marie
        .fill(
            id,
            1,
            &[
                ("intitule".into(), "Marchés publics".into()),
                ("description".into(), long),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(
        "Ce texte est trop long : 10000 caractères au maximum. Il n'a pas été enregistré.",
    );
    page.assert_contains("Vos autres réponses ont été enregistrées.");
    marie
        .get(&format!("/demandes/{id}/etapes/1"))
        .await
        .assert_contains("value=\"Marchés publics\"");
}

#[tokio::test]
async fn an_unknown_field_is_reported_and_ignored() {
    let app = spawn_app().await;
    let (marie, id) = draft(&app).await;
    let page = marie
        .fill(
            id,
            1,
            &[
                ("intitule".into(), "Aides publiques".into()),
                ("champ_pirate".into(), "x".into()),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(
        "Le champ « champ_pirate » n'existe pas dans cette étape : il a été ignoré.",
    );
    marie
        .get(&format!("/demandes/{id}/etapes/1"))
        .await
        .assert_contains("value=\"Aides publiques\"");
}

#[tokio::test]
async fn values_of_the_wrong_type_are_kept_and_flagged() {
    let app = spawn_app().await;
    let (marie, id) = draft(&app).await;
    let step = app
        .catalog
        .get(PROVIDER)
        .unwrap()
        .form
        .steps
        .iter()
        .position(|s| {
            s.fields
                .iter()
                .any(|f| f.id == "duree_conservation_donnees_caractere_personnel")
        })
        .unwrap()
        + 1;
    let saved = marie
        .fill(
            id,
            step,
            &[(
                "duree_conservation_donnees_caractere_personnel".into(),
                "douze".into(),
            )],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = marie.get(&format!("/demandes/{id}/etapes/{step}")).await;
    page.assert_contains("value=\"douze\"");
    page.assert_contains("Saisissez un nombre, par exemple 36.");
    page.assert_contains("aria-invalid=\"true\"");
}

#[tokio::test]
async fn unknown_providers_templates_and_ids_are_clear_4xx() {
    let app = spawn_app().await;
    let (marie, id) = draft(&app).await;
    assert_eq!(
        marie.get("/demandes/nouvelle/api-inconnue").await.status,
        StatusCode::NOT_FOUND
    );
    let csrf = marie.get("/demandes").await.csrf();
    let page = marie
        .post(
            "/demandes",
            &[("_csrf", &csrf), ("provider", "api-inconnue")],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    page.assert_contains("Le fournisseur de données « api-inconnue » n'existe pas.");
    let page = marie
        .post(
            "/demandes",
            &[
                ("_csrf", &csrf),
                ("provider", PROVIDER),
                ("template", "modele-inconnu"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    page.assert_contains("Le modèle « modele-inconnu » n'existe pas");
    for path in [
        "/demandes/abc".to_string(),
        "/demandes/99999999999999999999999".to_string(),
        "/demandes/0".to_string(),
        format!("/demandes/{id}/etapes/0"),
        format!("/demandes/{id}/etapes/99"),
        format!("/demandes/{id}/etapes/-1"),
        "/nulle-part".to_string(),
    ] {
        let page = marie.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        page.assert_contains("Page introuvable");
    }
    // D-prefixed ids work as people type them.
    assert_eq!(
        marie.get(&format!("/demandes/D{id}")).await.status,
        StatusCode::OK
    );
}

/// Saves step 1 with a raw body (after the CSRF token), then reads the step back.
async fn save_raw_step(
    person: &crate::helpers::Browser,
    id: i64,
    body: &str,
) -> (crate::helpers::Page, crate::helpers::Page) {
    let csrf = person.get("/demandes").await.csrf();
    let path = format!("/demandes/{id}/etapes/1");
    let saved = person
        .post_raw(&path, format!("_csrf={csrf}&{body}").into_bytes())
        .await;
    (saved, person.get(&path).await)
}

#[tokio::test]
async fn invalid_utf8_and_huge_bodies_are_refused_in_french() {
    let app = spawn_app().await;
    let (marie, id) = draft(&app).await;
    let (page, step) = save_raw_step(&marie, id, "intitule=%FF%FE&description=Lisible").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("Ce texte contient des caractères invalides (caractère nul ou encodage non UTF-8) : il n'a pas été enregistré");
    step.assert_contains(">Lisible</textarea>");
    let csrf = marie.get("/demandes").await.csrf();
    // Elsewhere, a form that is not UTF-8 is refused whole.
    let page = marie
        .post_raw(
            "/demandes",
            format!("_csrf={csrf}&provider=%FF").into_bytes(),
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    page.assert_contains("encodage non UTF-8");
    let huge = format!("_csrf={csrf}&intitule={}", "a".repeat(2 * 1024 * 1024)).into_bytes();
    let page = marie
        .post_raw(&format!("/demandes/{id}/etapes/1"), huge)
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    page.assert_contains("Envoi trop volumineux");
    let page = marie
        .post_raw(&format!("/demandes/{id}/etapes/1"), b"%%%=&=%zz".to_vec())
        .await;
    assert_eq!(
        page.status,
        StatusCode::FORBIDDEN,
        "no token: refused before anything else"
    );
}

#[tokio::test]
async fn a_submitted_demande_can_no_longer_be_edited() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let csrf = marie.get("/demandes").await.csrf();
    let page = marie
        .post(
            &format!("/demandes/{id}/etapes/1"),
            &[("_csrf", &csrf), ("intitule", "Trop tard")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains("« En cours d'instruction »");
    page.assert_contains("Revenir à la demande");
    // Submitting again is the same person repeating what she did: the done page, no conflict.
    assert_eq!(marie.submit(id, true).await.status, StatusCode::SEE_OTHER);
}

/// A NUL character (U+0000) is refused by PostgreSQL in text: it must never cost a step, a
/// message, a reason, a token name or a search, nor stop the CSV export after its header.
#[tokio::test]
async fn a_nul_character_is_refused_in_french_and_loses_nothing() {
    let app = spawn_app().await;
    let (marie, id) = draft(&app).await;
    let body = "intitule=Cantine%00&description=Repas+des+enfants";
    let (page, step) = save_raw_step(&marie, id, body).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("caractère nul");
    step.assert_contains(">Repas des enfants</textarea>");

    let submitted = app.submitted_demande(&marie, PROVIDER).await;
    let csrf = marie.get("/demandes").await.csrf();
    let message = marie
        .post_raw(
            &format!("/demandes/{submitted}/messages"),
            format!("_csrf={csrf}&body=Bonjour%00").into_bytes(),
        )
        .await;
    assert_eq!(message.status, StatusCode::BAD_REQUEST);
    message.assert_contains("« body »");

    let instructor = app.login_as("instruction@api-entreprise.example").await;
    let csrf = instructor.get("/instruction").await.csrf();
    let refusal = instructor
        .post_raw(
            &format!("/instruction/demandes/{submitted}/refuser"),
            format!("_csrf={csrf}&reason=Hors%00champ").into_bytes(),
        )
        .await;
    assert_eq!(refusal.status, StatusCode::BAD_REQUEST);
    refusal.assert_contains("caractère nul");
    marie
        .get(&format!("/demandes/{submitted}"))
        .await
        .assert_contains("En cours d'instruction");

    let manager = app.login_as("gestion@api-entreprise.example").await;
    let csrf = manager.get("/instruction/api").await.csrf();
    let token = manager
        .post_raw(
            "/instruction/api",
            format!("_csrf={csrf}&provider={PROVIDER}&name=SI%00").into_bytes(),
        )
        .await;
    assert_eq!(token.status, StatusCode::BAD_REQUEST);

    let search = instructor.get("/instruction?q=cantine%00").await;
    assert_eq!(search.status, StatusCode::OK);
    search.assert_contains("Le critère « q » contient des caractères invalides");
    let export = instructor.get("/instruction/export.csv?q=cantine%00").await;
    assert_eq!(export.status, StatusCode::BAD_REQUEST);
    export.assert_contains("caractères invalides");
    let export = instructor.get("/instruction/export.csv").await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.body.lines().count() > 1, "{}", export.body);
}
