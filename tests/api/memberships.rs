//! For whom a person acts: memberships that an admin removes, and instructors who may not
//! instruct their own organisation's demandes.

use reqwest::StatusCode;

use crate::helpers::spawn_app;

const LYON: &str = "21690123100011";

#[tokio::test]
async fn an_admin_removes_a_membership_and_the_agent_stops_seeing_its_demandes() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = marie.start_demande("api-particulier", "").await;
    let paul = app.login_as("paul.martin@mairie-lyon.fr").await;
    assert_eq!(
        paul.get(&format!("/demandes/{id}")).await.status,
        StatusCode::OK
    );

    let admin = app.login_as("admin@habilis.example").await;
    let page = admin
        .get("/admin/membres?email=paul.martin%40mairie-lyon.fr")
        .await;
    page.assert_contains("Mairie de Lyon");
    let remove = [
        ("_csrf", page.csrf()),
        ("email", "paul.martin@mairie-lyon.fr".to_string()),
        ("organisation_id", app.organisation_id(LYON).to_string()),
    ];
    let remove: Vec<(&str, &str)> = remove.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let removed = admin.post("/admin/membres/retirer", &remove).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    admin
        .get(removed.location.as_deref().unwrap())
        .await
        .assert_contains("Le rattachement a été retiré.");

    assert_eq!(
        paul.get(&format!("/demandes/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let roles = admin.get("/admin/roles").await;
    roles.assert_contains("membership.remove");
    roles.assert_contains("memberships:paul.martin@mairie-lyon.fr:21690123100011");

    // Removing it again says so, in French, without a 500.
    let again = admin.post("/admin/membres/retirer", &remove).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    again.assert_contains("n'est pas membre de cette organisation");
}

#[tokio::test]
async fn an_instructor_cannot_instruct_their_own_organisation_s_demande() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.submitted_demande(&marie, "api-particulier").await;
    // A manager of the provider who is also an agent of the Mairie de Lyon.
    app.grant_role(
        "agent.instructeur@mairie-lyon.fr",
        "api-particulier",
        "manager",
    );
    app.add_member("agent.instructeur@mairie-lyon.fr", LYON);
    let agent = app.login_as("agent.instructeur@mairie-lyon.fr").await;

    let page = agent.get(&format!("/instruction/demandes/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Vous êtes membre de l'organisation qui a fait cette demande");
    assert!(
        !page.body.contains("/valider\""),
        "no decision form is offered"
    );

    let refused = agent.decide(id, "valider", "").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    refused.assert_contains("vous ne pouvez pas l'instruire");
    let shown = marie.get(&format!("/demandes/{id}")).await;
    shown.assert_contains("En cours d'instruction");

    // Another instructor of the provider decides.
    let other = app.login_as("instruction@api-particulier.example").await;
    assert_eq!(
        other.decide(id, "valider", "").await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn an_applicant_who_left_the_organisation_is_no_longer_emailed_its_decisions() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.submitted_demande(&marie, "api-particulier").await;
    app.lapse_member("marie.dupont@mairie-lyon.fr", LYON);
    let instructor = app.login_as("instruction@api-particulier.example").await;
    let refused = instructor.decide(id, "refuser", "Hors périmètre").await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    let to = crate::helpers::recipients_of(&app.outbox(), "refused");
    assert!(
        !to.contains(&"marie.dupont@mairie-lyon.fr".to_string()),
        "{to:?}"
    );
}

#[tokio::test]
async fn an_applicant_who_moved_and_instructs_the_provider_cannot_decide_their_own_demande() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.submitted_demande(&marie, "api-particulier").await;
    // Marie moved to Grenoble, and instructs API Particulier there.
    app.add_member("marie.dupont@mairie-lyon.fr", "21380055400007");
    app.lapse_member("marie.dupont@mairie-lyon.fr", LYON);
    app.grant_role(
        "marie.dupont@mairie-lyon.fr",
        "api-particulier",
        "instructor",
    );
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let refused = marie.decide(id, "valider", "").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    refused.assert_contains("vous ne pouvez pas l'instruire");
}
