//! Several forms per provider (DataPass's "formulaires"): a use case may carry its own
//! introduction, and lock or hide scopes for the demandes started from it.

use reqwest::StatusCode;

use crate::helpers::{instructor_of, spawn_app};

const PROVIDER: &str = "api-particulier";
const FORM: &str = "tarification_cantine_lycees";
const MARIE: &str = "marie.dupont@mairie-lyon.fr";

/// The step of API Particulier's form where data are chosen, from 1.
const SCOPES_STEP: usize = 4;

#[tokio::test]
async fn a_form_introduces_itself_locks_its_scope_and_hides_the_others() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = marie.start_demande(PROVIDER, FORM).await;

    let first = marie.get(&format!("/demandes/{id}/etapes/1")).await;
    first.assert_contains("Formulaire : Tarification cantine lycées");
    first.assert_contains("cette donnée est demandée d'office");

    let scopes = marie
        .get(&format!("/demandes/{id}/etapes/{SCOPES_STEP}"))
        .await;
    scopes.assert_contains(r#"value="cnaf_quotient_familial" checked disabled"#);
    scopes.assert_contains("Quotient familial CAF & MSA");
    assert!(
        !scopes.body.contains("pole_emploi_identite"),
        "{}",
        scopes.body
    );
    assert!(!scopes.body.contains("Identifiant France Travail"));

    // A hidden scope posted anyway is flagged, not kept silently.
    let posted = marie
        .fill(
            id,
            SCOPES_STEP,
            &[("scopes".to_string(), "pole_emploi_identite".to_string())],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER);
    let flagged = marie.get(posted.location.as_deref().unwrap()).await;
    flagged.assert_contains("« pole_emploi_identite » ne fait pas partie des choix proposés.");

    // The locked scope is asked without being ticked, and granted.
    for (step, pairs) in app.complete_answers(PROVIDER).iter().enumerate() {
        if step + 1 == SCOPES_STEP {
            marie.fill(id, step + 1, &[]).await;
        } else {
            marie.fill(id, step + 1, pairs).await;
        }
    }
    let submitted = marie.submit(id, true).await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.text()
    );
    let instructor = app.login_as(&instructor_of(PROVIDER)).await;
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    page.assert_contains("Quotient familial CAF & MSA");
    assert_eq!(
        instructor.decide(id, "valider", "").await.status,
        StatusCode::SEE_OTHER
    );
    let mut conn = app.conn();
    let granted = habilis::db::habilitations::for_demande(&mut conn, id).unwrap();
    assert_eq!(granted[0].scopes, r#"["cnaf_quotient_familial"]"#);

    // A demande started without the form sees every scope, none locked.
    let free = marie.start_demande(PROVIDER, "").await;
    let scopes = marie
        .get(&format!("/demandes/{free}/etapes/{SCOPES_STEP}"))
        .await;
    scopes.assert_contains("Identifiant France Travail");
    assert!(
        !scopes
            .body
            .contains(r#"value="cnaf_quotient_familial" checked disabled"#)
    );
    let first = marie.get(&format!("/demandes/{free}/etapes/1")).await;
    assert!(!first.body.contains("Formulaire :"));
}
