//! Issue 11, the instructor's side: the demande page read top to bottom (answers, one decision
//! block, history) with its way back to the filtered list; error pages that keep the person's
//! header; titles and summaries of forms with errors; the wording of email addresses; dates in
//! French.

use reqwest::StatusCode;

use crate::helpers::{Page, TestApp, spawn_app};

const PROVIDER: &str = "api-particulier";
const APPLICANT: &str = "marie.dupont@mairie-lyon.fr";
const MANAGER: &str = "gestion@api-particulier.example";
const INSTRUCTOR: &str = "instruction@api-particulier.example";

/// Where `needle` is in the page, failing when it is not there.
fn position(page: &Page, needle: &str) -> usize {
    page.body
        .find(needle)
        .unwrap_or_else(|| panic!("« {needle} » not in the page:\n{}", page.body))
}

/// A demande submitted, sent back for changes, its project renamed and submitted again.
async fn resubmitted(app: &TestApp) -> i64 {
    let marie = app.login_as(APPLICANT).await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let instructor = app.login_as(INSTRUCTOR).await;
    let asked = instructor
        .decide(id, "demander-modifications", "Précisez le nom du projet.")
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    // The whole step is posted again, as its page does, with the project renamed.
    let step: Vec<(String, String)> = app.complete_answers(PROVIDER)[0]
        .iter()
        .map(|(k, v)| match k.as_str() {
            "intitule" => (k.clone(), "Cantine des écoles publiques".to_string()),
            _ => (k.clone(), v.clone()),
        })
        .collect();
    let renamed = marie.fill(id, 1, &step).await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.text());
    let again = marie.submit(id, true).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.text());
    id
}

#[tokio::test]
async fn the_demande_page_shows_the_answers_then_one_decision_block_then_the_history() {
    let app = spawn_app().await;
    let id = resubmitted(&app).await;
    let instructor = app.login_as(INSTRUCTOR).await;
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);

    // The answers come first, what changed with them, the date answer in French.
    let answers = position(&page, "Réponses du demandeur");
    let changes = position(&page, "Ce qui a changé depuis la soumission précédente");
    position(&page, "Cantine des écoles publiques");
    let date = position(&page, "31 janvier 2027");
    assert!(!page.body.contains("2027-01-31"), "{}", page.body);
    // Then one decision block: one text area, three actions of one form.
    let decision = position(&page, "id=\"decision\"");
    assert_eq!(page.body.matches("<textarea id=\"motif\"").count(), 1);
    assert_eq!(page.body.matches("name=\"reason\"").count(), 1);
    for (route, label) in [
        ("valider", ">Valider</button>"),
        (
            "demander-modifications",
            ">Demander des modifications</button>",
        ),
        ("refuser", ">Refuser</button>"),
    ] {
        position(
            &page,
            &format!("formaction=\"/instruction/demandes/{id}/{route}\""),
        );
        position(&page, label);
    }
    page.assert_contains("<legend>En cas de validation</legend>");
    page.assert_contains("Durée de validité, en mois");
    // Then the messages and the history.
    let messages = position(&page, "<h2 id=\"messages\">");
    let history = position(&page, "<h2 id=\"historique\">");
    assert!(
        answers < changes && changes < date && date < decision,
        "answers first"
    );
    assert!(
        decision < messages && messages < history,
        "then messages, history"
    );
}

#[tokio::test]
async fn the_demande_page_links_back_to_the_list_it_came_from_with_its_filters() {
    let app = spawn_app().await;
    let marie = app.login_as(APPLICANT).await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let instructor = app.login_as(INSTRUCTOR).await;

    // The filtered list links to the demande with its criteria.
    let list = instructor.get("/instruction?etat=submitted&q=Lyon").await;
    let link = format!("/instruction/demandes/{id}?retour=q%3DLyon%26etat%3Dsubmitted");
    list.assert_contains(&format!("href=\"{link}\""));
    let page = instructor.get(&link).await;
    page.assert_contains("href=\"/instruction?q=Lyon&etat=submitted\">Retour à la liste</a>");

    // Opened from elsewhere: the unfiltered list.
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    page.assert_contains("href=\"/instruction\">Retour à la liste</a>");
    // Never a link out of the dashboard, nor anything not understood.
    for odd in [
        "%2F%2Fevil.example%2F",
        "https%3A%2F%2Fevil.example",
        "etat%3Dsubmitted%26x%3D%22%3E%3Cscript%3E",
        "etat%3Dsubmitted%23%2F%2Fevil.example",
    ] {
        let page = instructor
            .get(&format!("/instruction/demandes/{id}?retour={odd}"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("evil.example"), "{}", page.body);
        assert!(!page.body.contains("<script>"), "{}", page.body);
        let back = position(&page, "Retour à la liste");
        let href = &page.body[page.body[..back].rfind("href=").unwrap()..back];
        assert!(
            href == "href=\"/instruction\">" || href == "href=\"/instruction?etat=submitted\">",
            "{href}"
        );
    }
}

#[tokio::test]
async fn a_decision_missing_its_reason_is_shown_again_with_what_was_typed_and_the_list() {
    let app = spawn_app().await;
    let marie = app.login_as(APPLICANT).await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let instructor = app.login_as(INSTRUCTOR).await;
    let csrf = instructor
        .get(&format!("/instruction/demandes/{id}"))
        .await
        .csrf();
    for action in ["refuser", "demander-modifications"] {
        // What the one form posts: the shared text, the approval's fields, the list.
        let refused = instructor
            .post(
                &format!("/instruction/demandes/{id}/{action}"),
                &[
                    ("_csrf", csrf.as_str()),
                    ("reason", "   "),
                    ("duree", "12"),
                    ("retour", "etat=submitted"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{action}");
        refused.assert_contains("<title>Erreur : ");
        refused.assert_contains("Erreur : Un motif est obligatoire.");
        refused.assert_contains(">   </textarea>");
        assert_eq!(refused.body.matches("name=\"reason\"").count(), 1);
        refused.assert_contains("href=\"/instruction?etat=submitted\">Retour à la liste</a>");
    }
    // The same form validates, with the note typed in the shared text area.
    let approved = instructor
        .post(
            &format!("/instruction/demandes/{id}/valider"),
            &[
                ("_csrf", csrf.as_str()),
                ("reason", "Bon projet."),
                ("duree", "12"),
                ("retour", "etat=submitted"),
            ],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    page.assert_contains("Bon projet.");
}

#[tokio::test]
async fn error_pages_keep_the_signed_in_header_and_offer_links_onwards() {
    let app = spawn_app().await;
    let instructor = app.login_as(INSTRUCTOR).await;
    let missing = instructor.get("/instruction/demandes/D999999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    missing.assert_contains("<title>Erreur : Page introuvable");
    missing.assert_contains("Se déconnecter");
    missing.assert_contains("<a class=\"fr-link\" href=\"/demandes\">Mes demandes</a>");
    missing.assert_contains("<a class=\"fr-link\" href=\"/instruction\">Instruction</a>");
    missing.assert_contains("<a class=\"fr-link\" href=\"/\">Accueil</a>");

    let marie = app.login_as(APPLICANT).await;
    let refused = marie.get("/instruction").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    refused.assert_contains("<title>Erreur : Accès refusé");
    refused.assert_contains("Se déconnecter");
    refused.assert_contains("<a class=\"fr-link\" href=\"/demandes\">Mes demandes</a>");
    assert!(
        !refused.body.contains("href=\"/instruction\""),
        "{}",
        refused.body
    );

    let nobody = app.browser();
    let unknown = nobody.get("/nulle-part").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    unknown.assert_contains("<title>Erreur : Page introuvable");
    unknown.assert_contains("<a class=\"fr-link\" href=\"/\">Accueil</a>");
    assert!(!unknown.body.contains("Mes demandes"), "{}", unknown.body);
}

#[tokio::test]
async fn forms_with_errors_say_so_in_their_title_and_their_summary_links_to_the_inputs() {
    let app = spawn_app().await;
    let marie = app.login_as(APPLICANT).await;
    let id = marie.start_demande(PROVIDER, "").await;

    // Submitting an empty draft without the terms: the summary shows again, with errors.
    let refused = marie.submit(id, false).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_contains("<title>Erreur : ");
    refused.assert_contains(&format!(
        "href=\"/demandes/{id}/etapes/1?verifier=1#intitule\""
    ));
    let provider = app.catalog.get(PROVIDER).unwrap();
    let first_scope = provider
        .form
        .scopes
        .iter()
        .find(|s| !s.deprecated && !s.included)
        .unwrap();
    refused.assert_contains(&format!(
        "href=\"/demandes/{id}/etapes/4?verifier=1#scopes-{}\"",
        first_scope.id
    ));

    // A complete one without the terms: the link reaches their box.
    let complete = app.filled_draft(&marie, PROVIDER).await;
    let refused = marie.submit(complete, false).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.assert_contains("<title>Erreur : ");
    refused.assert_contains("<a href=\"#cgu\">");

    // The scopes' step: the link reaches the first box, the hint is tied to the group.
    let step = marie
        .get(&format!("/demandes/{id}/etapes/4?verifier=1"))
        .await;
    step.assert_contains(&format!("href=\"#scopes-{}\"", first_scope.id));
    step.assert_contains(&format!("id=\"scopes-{}\"", first_scope.id));
    step.assert_contains("id=\"champ-scopes\" aria-describedby=\"scopes-hint scopes-error\"");
    step.assert_contains("<span class=\"fr-hint-text\" id=\"scopes-hint\">");
    step.assert_contains("<p class=\"fr-message fr-message--error\" id=\"scopes-error\">Erreur : ");

    // A form of the instruction side too: an API token without a name.
    let manager = app.login_as(MANAGER).await;
    let tokens = manager.get("/instruction/api").await;
    let refused = manager
        .post(
            "/instruction/api",
            &[
                ("_csrf", &tokens.csrf()),
                ("provider", PROVIDER),
                ("name", ""),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    refused.assert_contains("<title>Erreur : ");
    // A page without errors does not.
    assert!(!tokens.body.contains("<title>Erreur"), "{}", tokens.body);
}

#[tokio::test]
async fn email_addresses_are_called_adresse_electronique() {
    let app = spawn_app().await;
    let marie = app.login_as(APPLICANT).await;
    let id = marie.start_demande(PROVIDER, "").await;
    let scopes = marie.get(&format!("/demandes/{id}/etapes/4")).await;
    scopes.assert_contains("Téléphones et adresse électronique");
    for old in ["e-mail", "E-mail", "Email", "adresse mail"] {
        assert!(!scopes.text().contains(old), "« {old} » in {}", scopes.body);
    }
    let instructor = app.login_as(INSTRUCTOR).await;
    instructor
        .get("/instruction")
        .await
        .assert_contains("l'adresse électronique du demandeur");
}

#[tokio::test]
async fn date_answers_are_written_in_french_and_typed_as_the_browser_shows_them() {
    let app = spawn_app().await;
    let marie = app.login_as(APPLICANT).await;
    let id = marie.start_demande(PROVIDER, "").await;
    let step = marie.get(&format!("/demandes/{id}/etapes/1")).await;
    step.assert_contains("Format : jj/mm/aaaa");
    assert!(!step.body.contains("AAAA-MM-JJ"), "{}", step.body);

    // Typed as the hint says (a browser without a date picker): kept as a date.
    let saved = marie
        .fill(
            id,
            1,
            &[("date_prevue_mise_en_production".into(), "01/03/2027".into())],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let summary = marie.get(&format!("/demandes/{id}/resume")).await;
    summary.assert_contains("1er mars 2027");
    assert!(!summary.body.contains("2027-03-01"), "{}", summary.body);
    let step = marie.get(&format!("/demandes/{id}/etapes/1")).await;
    step.assert_contains("value=\"2027-03-01\"");
}
