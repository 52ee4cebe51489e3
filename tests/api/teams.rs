//! Teams and shares: an organisation's agents form teams, a habilitation is shared with a team
//! or an agent, and the per-agent rights API answers through which habilitation and team; an
//! agent outside the team, or who left the organisation, gets nothing. Every change audited.

use diesel::{QueryDsl, RunQueryDsl};
use habilis::db::schema::audit_log;
use habilis::domain::api_scope::ApiScope;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Browser, TestApp, spawn_app};

const PROVIDER: &str = "biodiversite";
const LYON: &str = "21690123100011";
const MARIE: &str = "marie.dupont@mairie-lyon.fr";
const PAUL: &str = "paul.martin@mairie-lyon.fr";
const LUC: &str = "luc.bernard@mairie-lyon.fr";

async fn post(who: &Browser, path: &str, pairs: &[(&str, &str)]) -> crate::helpers::Page {
    let csrf = who.get("/equipes").await.csrf();
    let mut body = vec![("_csrf", csrf.as_str())];
    body.extend_from_slice(pairs);
    who.post(path, &body).await
}

async fn agent_rights(app: &TestApp, token: &str, agent: &str, siret: &str) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/agents/{agent}/rights?siret={siret}",
            app.address
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or_default())
}

fn audited(app: &TestApp) -> Vec<String> {
    audit_log::table
        .select(audit_log::action)
        .load(&mut app.conn())
        .unwrap()
}

#[tokio::test]
async fn a_habilitation_shared_with_a_team_reaches_its_members_only() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;

    // Marie makes a team and adds her colleague; a stranger cannot be added.
    let made = post(&marie, "/equipes", &[("name", "  Service   cantine ")]).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let team_path = made.location.clone().unwrap();
    let team_id = team_path.trim_start_matches("/equipes/").to_string();
    let added = post(&marie, &format!("{team_path}/membres"), &[("email", PAUL)]).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let stranger = post(
        &marie,
        &format!("{team_path}/membres"),
        &[("email", "jeanne.roux@grenoble.fr")],
    )
    .await;
    assert_eq!(stranger.status, StatusCode::UNPROCESSABLE_ENTITY);
    stranger.assert_contains("n'est pas un agent de cette organisation");
    let page = marie.get(&team_path).await;
    page.assert_contains("Équipe Service cantine");
    page.assert_contains("Paul Martin");
    let list = marie.get("/equipes").await;
    list.assert_contains("Service cantine");

    // Paul is a member, not an admin: he reads, he does not manage.
    let paul = app.login_as(PAUL).await;
    paul.get(&team_path)
        .await
        .assert_contains("Seuls les administrateurs de l'équipe gèrent ses membres.");
    let refused = post(&paul, &format!("{team_path}/membres"), &[("email", LUC)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // The last admin cannot step down, nor be removed.
    let demoted = post(&marie, &format!("{team_path}/membres"), &[("email", MARIE)]).await;
    assert_eq!(demoted.status, StatusCode::UNPROCESSABLE_ENTITY);
    demoted.assert_contains("L'équipe doit garder au moins un administrateur");
    // Another organisation's agent does not even see the team.
    let jeanne = app.login_as("jeanne.roux@grenoble.fr").await;
    assert_eq!(jeanne.get(&team_path).await.status, StatusCode::NOT_FOUND);

    // A validated habilitation, shared with the team from the demande's page.
    let id = app.validated_demande(&marie, PROVIDER).await;
    let demande = marie.get(&format!("/demandes/{id}")).await;
    demande.assert_contains("Qui utilise cette habilitation");
    demande.assert_contains("Elle n'est partagée avec personne.");
    let shared = post(
        &marie,
        &format!("/demandes/{id}/partages"),
        &[("equipe", &team_id)],
    )
    .await;
    assert_eq!(shared.status, StatusCode::SEE_OTHER);
    marie
        .get(&format!("/demandes/{id}"))
        .await
        .assert_contains("Équipe « Service cantine »");
    // Jeanne cannot share Lyon's habilitation.
    let foreign = post(
        &jeanne,
        &format!("/demandes/{id}/partages"),
        &[("email", "jeanne.roux@grenoble.fr")],
    )
    .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);

    // The per-agent API: Paul, through the team; Luc (same organisation, not in the team),
    // nothing; Marie, as the applicant and as a member of the team.
    let (_, token) = app
        .api_token_with(PROVIDER, "SI biodiversité", &[ApiScope::AgentsRead])
        .await;
    let (status, answer) = agent_rights(&app, &token, PAUL, LYON).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["scopes"], json!(["synthese"]));
    let habilitation = &answer["habilitations"][0];
    assert_eq!(
        habilitation["through"],
        json!([{"kind": "team", "team": "Service cantine"}])
    );
    assert_eq!(
        habilitation["rights"]["scopes"]["synthese"]["filters"]["territoire"],
        json!(["69"])
    );
    // Outside every share: nothing, not even whether Luc has an account.
    let (outside, error) = agent_rights(&app, &token, LUC, LYON).await;
    assert_eq!(outside, StatusCode::NOT_FOUND);
    assert_eq!(error["error"], "not_found");
    assert!(!error.to_string().contains("luc.bernard"), "{error}");
    let (_, applicant) = agent_rights(&app, &token, MARIE, LYON).await;
    assert_eq!(
        applicant["habilitations"][0]["through"],
        json!([{"kind": "applicant"}, {"kind": "team", "team": "Service cantine"}])
    );
    let (unknown, _) = agent_rights(&app, &token, "personne@mairie-lyon.fr", LYON).await;
    assert_eq!(unknown, StatusCode::NOT_FOUND);
    let (bad, error) = agent_rights(&app, &token, PAUL, "0").await;
    assert_eq!(bad, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], "bad_request");

    // A token without agents:read is refused.
    let (_, reader) = app
        .api_token_with(PROVIDER, "Lecteur", &[ApiScope::HabilitationsRead])
        .await;
    let (forbidden, error) = agent_rights(&app, &reader, PAUL, LYON).await;
    assert_eq!(forbidden, StatusCode::FORBIDDEN);
    assert_eq!(error["error"], "insufficient_scope");

    // Paul leaves the organisation: he leaves the share with it.
    app.lapse_member(PAUL, LYON);
    let (gone, _) = agent_rights(&app, &token, PAUL, LYON).await;
    assert_eq!(gone, StatusCode::NOT_FOUND);

    let actions = audited(&app);
    for action in ["team.create", "team.member.set", "habilitation.share"] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn a_share_with_a_named_agent_and_its_removal_are_audited() {
    let app = spawn_app().await;
    let marie = app.login_as(MARIE).await;
    let id = app.validated_demande(&marie, PROVIDER).await;
    let shared = post(
        &marie,
        &format!("/demandes/{id}/partages"),
        &[("email", LUC)],
    )
    .await;
    assert_eq!(shared.status, StatusCode::SEE_OTHER);
    let page = marie.get(&format!("/demandes/{id}")).await;
    page.assert_contains("Luc Bernard (luc.bernard@mairie-lyon.fr)");

    let (_, token) = app
        .api_token_with(PROVIDER, "SI biodiversité", &[ApiScope::AgentsRead])
        .await;
    let (_, named) = agent_rights(&app, &token, LUC, LYON).await;
    assert_eq!(
        named["habilitations"][0]["through"],
        json!([{"kind": "agent"}])
    );

    let share = page
        .body
        .split(r#"name="partage" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    let removed = post(
        &marie,
        &format!("/demandes/{id}/partages/retirer"),
        &[("partage", &share)],
    )
    .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let (after, _) = agent_rights(&app, &token, LUC, LYON).await;
    assert_eq!(after, StatusCode::NOT_FOUND);
    assert!(audited(&app).iter().any(|a| a == "habilitation.unshare"));
}
