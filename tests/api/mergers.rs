//! Organisations merge: an admin moves a demande, its habilitations with it, to another
//! organisation and one of its agents, with a reason. The rights API then answers for the new
//! organisation; both applicants are emailed (read from the SMTP server); the timeline and the
//! audit log say who and why. Refusals: an instructor, an unknown SIRET, the same organisation,
//! an address that is not an agent of the new one, no reason.

use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use habilis::db::schema::audit_log;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app, spawn_app_with_smtp};
use crate::smtp_sink::SmtpSink;

const PROVIDER: &str = "api-particulier";
const MARIE: &str = "marie.dupont@mairie-lyon.fr";
const JEANNE: &str = "jeanne.roux@grenoble.fr";
const ADMIN: &str = "admin@habilis.example";
const LYON: &str = "21690123100011";
const GRENOBLE: &str = "21380055400007";
const REASON: &str = "Fusion des services au 1er janvier.";

async fn rights(app: &TestApp, token: &str, siret: &str) -> Value {
    let response = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/organisations/{siret}/rights",
            app.address
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn an_admin_moves_a_validated_demande_and_its_habilitation_to_the_merged_organisation() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with_smtp(sink.port).await;
    let (_, token) = app.api_token(PROVIDER, "SI API Particulier").await;
    let marie = app.login_as(MARIE).await;
    let id = app.validated_demande(&marie, PROVIDER).await;
    assert!(
        !rights(&app, &token, LYON).await["habilitations"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    app.deliver().await;
    let before = sink.mails().len();

    let admin = app.login_as(ADMIN).await;
    let page = admin.get(&format!("/instruction/demandes/{id}")).await;
    page.assert_contains("Rattacher à une autre organisation (fusion)");
    let moved = admin
        .post(
            &format!("/instruction/demandes/{id}/rattacher"),
            &[
                ("_csrf", &page.csrf()),
                ("siret", "213 800 554 00007"),
                ("email", JEANNE),
                ("motif", REASON),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let page = admin.get(moved.location.as_deref().unwrap()).await;
    page.assert_contains("La demande est rattachée à sa nouvelle organisation");
    page.assert_contains(&format!(
        "(SIRET {GRENOBLE}), demandeur {JEANNE} : {REASON}"
    ));
    page.assert_contains("Validée");

    // The rights follow the demande: Grenoble has them, Lyon no more.
    let grenoble = rights(&app, &token, GRENOBLE).await;
    assert_eq!(
        grenoble["habilitations"].as_array().unwrap().len(),
        1,
        "{grenoble}"
    );
    assert!(
        rights(&app, &token, LYON).await["habilitations"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Jeanne is its applicant now; Marie no longer reads it.
    let jeanne = app.login_as(JEANNE).await;
    assert_eq!(
        jeanne.get(&format!("/demandes/{id}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        marie.get(&format!("/demandes/{id}")).await.status,
        StatusCode::NOT_FOUND
    );

    app.deliver().await;
    let mails = sink.wait_for(before + 2).await;
    let new = mails[before..]
        .iter()
        .find(|m| m.to == vec![JEANNE.to_string()])
        .expect("the new applicant is told");
    assert_eq!(
        new.subject(),
        format!("[habilis] La demande D{id} vous a été transférée")
    );
    assert!(new.text().contains(REASON));
    let old = mails[before..]
        .iter()
        .find(|m| m.to == vec![MARIE.to_string()])
        .expect("the former applicant is told");
    assert!(
        old.subject().contains("est rattachée à"),
        "{}",
        old.subject()
    );
    assert!(old.text().contains(JEANNE) && old.text().contains(REASON));
    let audited: Vec<String> = audit_log::table
        .filter(audit_log::actor.eq(ADMIN))
        .select(audit_log::action)
        .load(&mut app.conn())
        .unwrap();
    assert!(
        audited.iter().any(|a| a.contains("move_organisation")),
        "{audited:?}"
    );
}

#[tokio::test]
async fn mergers_are_refused_to_instructors_and_for_wrong_organisations_or_agents() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    let path = format!("/instruction/demandes/{id}/rattacher");

    let instructor = app.login_as("instruction@api-particulier.example").await;
    let page = instructor.get(&format!("/instruction/demandes/{id}")).await;
    assert!(!page.text().contains("Rattacher à une autre organisation"));
    let tried = instructor
        .post(
            &path,
            &[
                ("_csrf", &page.csrf()),
                ("siret", GRENOBLE),
                ("email", JEANNE),
                ("motif", REASON),
            ],
        )
        .await;
    assert_eq!(tried.status, StatusCode::FORBIDDEN);
    tried.assert_contains("Seuls les administrateurs de habilis");

    let admin = app.login_as(ADMIN).await;
    let csrf = admin
        .get(&format!("/instruction/demandes/{id}"))
        .await
        .csrf();
    for (siret, email, reason, told) in [
        (
            "44306184100047",
            JEANNE,
            REASON,
            "Aucune organisation de SIRET 44306184100047 n'est connue de habilis",
        ),
        (LYON, JEANNE, REASON, "La demande est déjà celle de"),
        (
            GRENOBLE,
            "paul.martin@mairie-lyon.fr",
            REASON,
            "n'est pas membre de",
        ),
        (GRENOBLE, JEANNE, " ", "Un motif est obligatoire."),
    ] {
        let page = admin
            .post(
                &path,
                &[
                    ("_csrf", &csrf),
                    ("siret", siret),
                    ("email", email),
                    ("motif", reason),
                ],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{siret} {email}"
        );
        page.assert_contains(told);
        page.assert_contains(&format!("value=\"{siret}\""));
    }
    let still = marie.get(&format!("/demandes/{id}")).await;
    assert_eq!(still.status, StatusCode::OK);
}
