//! A procedure in stages (API R2P: the sandbox, then production): a validated sandbox starts
//! its production demande, prefilled and linked; the instructor sees the chain; cancelling
//! the production demande leaves the sandbox's habilitation as it was.

use reqwest::StatusCode;

use crate::attachments::pdf;
use crate::helpers::{Browser, TestApp, instructor_of, spawn_app};

const PROVIDER: &str = "api-r2p";
const MARIE: &str = "marie.dupont@mairie-lyon.fr";
/// The production form's step with the security approval.
const HOMOLOGATION: usize = 7;

async fn advance(marie: &Browser, id: i64) -> crate::helpers::Page {
    let csrf = marie.get(&format!("/demandes/{id}")).await.csrf();
    marie
        .post(
            &format!("/demandes/{id}/etape-suivante"),
            &[("_csrf", &csrf)],
        )
        .await
}

/// A validated sandbox and the production demande started from it.
async fn sandbox_then_production(app: &TestApp, marie: &Browser) -> (i64, i64) {
    let sandbox = app.validated_demande(marie, PROVIDER).await;
    let started = advance(marie, sandbox).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let location = started.location.unwrap();
    let production: i64 = location
        .trim_start_matches("/demandes/")
        .trim_end_matches("/etapes/1")
        .parse()
        .unwrap_or_else(|_| panic!("unexpected redirect {location}"));
    (sandbox, production)
}

/// Months between a demande's habilitation's grant and end.
fn habilitation_months(app: &TestApp, demande: i64) -> Vec<(i64, String)> {
    let mut conn = app.conn();
    habilis::db::habilitations::for_demande(&mut conn, demande)
        .unwrap()
        .iter()
        .map(|h| {
            let days = (h.expires_at - h.granted_at).num_days();
            (days / 30, h.state.clone())
        })
        .collect()
}

#[tokio::test]
async fn a_validated_sandbox_starts_its_production_demande_prefilled_and_linked() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let sandbox = app.validated_demande(&marie, PROVIDER).await;
    // The sandbox asks five steps and is granted for its own six months.
    assert_eq!(
        habilitation_months(&app, sandbox),
        [(6, "active".to_string())]
    );
    let page = marie.get(&format!("/demandes/{sandbox}")).await;
    page.assert_contains("Étape de la procédure : Bac à sable (étape 1 sur 2 de la procédure)");
    page.assert_contains("Passer à l'étape suivante : Production");

    let started = advance(&marie, sandbox).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let location = started.location.unwrap();
    let production: i64 = location
        .trim_start_matches("/demandes/")
        .trim_end_matches("/etapes/1")
        .parse()
        .unwrap();
    assert_ne!(production, sandbox);

    // Prefilled from the sandbox, with the production's eight steps.
    let first = marie.get(&location).await;
    first.assert_contains("Étape 1 sur 8");
    first.assert_contains("Tarification sociale de la cantine");
    let show = marie.get(&format!("/demandes/{production}")).await;
    show.assert_contains("Production (étape 2 sur 2 de la procédure)");
    show.assert_contains(&format!(
        r#"Suite de : <a href="/demandes/{sandbox}">D{sandbox} – Bac à sable – Validée</a>"#
    ));
    show.assert_contains(&format!(
        "Étape « Production », suite de la demande D{sandbox}"
    ));

    // The sandbox names what follows it, and offers it no more.
    let page = marie.get(&format!("/demandes/{sandbox}")).await;
    page.assert_contains(&format!(
        r#"Étape suivante : <a href="/demandes/{production}">D{production} – Production – Brouillon</a>"#
    ));
    assert!(!page.body.contains("Passer à l'étape suivante"));
    page.assert_contains(&format!(
        "Étape « Production » commencée : demande D{production}"
    ));
    let again = advance(&marie, sandbox).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    again.assert_contains(&format!(
        "L'étape « Production » est déjà commencée : demande D{production}."
    ));
    // The sandbox and its habilitation are as they were.
    assert_eq!(
        habilitation_months(&app, sandbox),
        [(6, "active".to_string())]
    );

    // A colleague may read the chain but not start a stage; a production has no next stage.
    let paul = app.login_as("paul.martin@mairie-lyon.fr").await;
    let csrf = paul.get(&format!("/demandes/{sandbox}")).await.csrf();
    let refused = paul
        .post(
            &format!("/demandes/{sandbox}/etape-suivante"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_production_asks_the_security_approval_and_its_instructor_sees_the_chain() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let (sandbox, production) = sandbox_then_production(&app, &marie).await;
    for (step, pairs) in app
        .complete_answers_at(PROVIDER, Some("production"))
        .iter()
        .enumerate()
    {
        let saved = marie.fill(production, step + 1, pairs).await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "step {}: {}",
            step + 1,
            saved.body
        );
    }
    let summary = marie.get(&format!("/demandes/{production}/resume")).await;
    summary.assert_contains("La décision d'homologation, en PDF : Joignez un fichier.");
    assert_eq!(
        marie.submit(production, true).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let approval = app
        .complete_answers_at(PROVIDER, Some("production"))
        .remove(HOMOLOGATION - 1);
    let pairs: Vec<(&str, &str)> = approval
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let sent = marie
        .send_files(
            production,
            HOMOLOGATION,
            &pairs,
            &[(
                "homologation_decision",
                "Décision d'homologation.pdf",
                pdf("rgs"),
            )],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(
        marie.submit(production, true).await.status,
        StatusCode::SEE_OTHER
    );

    let instructor = app.login_as(&instructor_of(PROVIDER)).await;
    let page = instructor
        .get(&format!("/instruction/demandes/{production}"))
        .await;
    page.assert_contains("Production (étape 2 sur 2 de la procédure)");
    page.assert_contains(&format!(
        r#"<a href="/instruction/demandes/{sandbox}">D{sandbox} – Bac à sable – Validée</a>"#
    ));
    page.assert_contains("Décision d'homologation.pdf");
    // Instructors never start a stage.
    assert!(!page.body.contains("etape-suivante"));
    let sandbox_page = instructor
        .get(&format!("/instruction/demandes/{sandbox}"))
        .await;
    sandbox_page.assert_contains(&format!(
        "D{production} – Production – En cours d'instruction"
    ));

    // The CSV export names each demande's stage.
    let csv = instructor.get("/instruction/export.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert!(lines[0].ends_with(",etape_procedure"), "{}", csv.body);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("D{production},")) && l.ends_with(",Production")),
        "{}",
        csv.body
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("D{sandbox},")) && l.ends_with(",Bac à sable")),
        "{}",
        csv.body
    );
    let approved = instructor.decide(production, "valider", "").await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    // Production is granted for the provider's 36 months; the sandbox's stays.
    assert_eq!(
        habilitation_months(&app, production),
        [(36, "active".to_string())]
    );
    assert_eq!(
        habilitation_months(&app, sandbox),
        [(6, "active".to_string())]
    );
}

#[tokio::test]
async fn cancelling_the_production_leaves_the_sandbox_habilitation_intact() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let (sandbox, production) = sandbox_then_production(&app, &marie).await;
    let csrf = marie.get(&format!("/demandes/{production}")).await.csrf();
    let archived = marie
        .post(
            &format!("/demandes/{production}/archiver"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(archived.status, StatusCode::SEE_OTHER);

    let page = marie.get(&format!("/demandes/{sandbox}")).await;
    page.assert_contains("Validée");
    page.assert_contains(&format!("D{production} – Production – Archivée"));
    assert_eq!(
        habilitation_months(&app, sandbox),
        [(6, "active".to_string())]
    );
    // The production may be started again.
    page.assert_contains("Passer à l'étape suivante : Production");
    let again = advance(&marie, sandbox).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
}

#[tokio::test]
async fn a_provider_without_stages_offers_no_next_stage() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.validated_demande(&marie, "api-particulier").await;
    let page = marie.get(&format!("/demandes/{id}")).await;
    assert!(!page.body.contains("Étape de la procédure"));
    let refused = advance(&marie, id).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    refused.assert_contains("Cette demande n'a pas d'étape suivante");
}

#[tokio::test]
async fn the_demo_shows_a_validated_sandbox_with_its_production_in_progress() {
    use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
    use habilis::db::schema::demandes;
    let app = spawn_app().await;
    // Twice: the demo is written once.
    for _ in 0..2 {
        let out = app.cli().args(["seed", "--demo"]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let rows: Vec<(i64, String, Option<String>, Option<i64>)> = demandes::table
        .filter(demandes::provider.eq(PROVIDER))
        .order(demandes::id.asc())
        .select((
            demandes::id,
            demandes::state,
            demandes::stage,
            demandes::previous_id,
        ))
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    let (sandbox, production) = (rows[0].0, rows[1].0);
    assert_eq!(rows[0].1, "validated");
    assert_eq!(rows[0].2.as_deref(), Some("bac_a_sable"));
    assert_eq!((rows[1].1.as_str(), rows[1].3), ("draft", Some(sandbox)));
    assert_eq!(
        habilitation_months(&app, sandbox),
        [(6, "active".to_string())]
    );

    let marie = app.login_as(MARIE).await;
    // Her list names each demande's stage.
    let list = marie.get("/demandes").await;
    list.assert_contains("API R2P – Bac à sable");
    list.assert_contains("API R2P – Production");
    let page = marie.get(&format!("/demandes/{sandbox}")).await;
    page.assert_contains(&format!(
        r#"Étape suivante : <a href="/demandes/{production}">D{production} – Production – Brouillon</a>"#
    ));
    // A provider without scopes lists none under the habilitation.
    assert!(!page.body.contains("Données autorisées"));
    let next = marie.get(&format!("/demandes/{production}/etapes/1")).await;
    next.assert_contains("Étape 1 sur 8");
    next.assert_contains("Recouvrement des recettes");
}
