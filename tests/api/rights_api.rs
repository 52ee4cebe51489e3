//! The rights API: bearer tokens per provider, every answer limited to the provider asking.

use habilis::config::Environment;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app};

async fn get(app: &TestApp, token: Option<&str>, path: &str) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new().get(format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn a_provider_s_system_reads_only_its_own_rights() {
    let app = spawn_app().await;
    let (_, particulier) = app.api_token("api-particulier", "SI API Particulier").await;
    let (entreprise_id, entreprise) = app.api_token("api-entreprise", "SI API Entreprise").await;

    // A validated demande of API Particulier, granted one scope.
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.validated_demande(&marie, "api-particulier").await;
    let instructor = app.login_as("instruction@api-particulier.example").await;

    // Its rights, seen by its provider.
    let (status, body) = get(
        &app,
        Some(&particulier),
        "/api/v1/organisations/216%20901%20231%2000011/rights",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["siret"], "21690123100011");
    assert!(!body["scopes"].as_array().unwrap().is_empty());
    let hab = body["habilitations"][0]["id"].as_i64().unwrap();
    let (status, list) = get(
        &app,
        Some(&particulier),
        "/api/v1/habilitations?siret=21690123100011&state=active",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let scope = list["items"][0]["scopes"][0].as_str().unwrap().to_string();
    let (_, by_scope) = get(
        &app,
        Some(&particulier),
        &format!("/api/v1/habilitations?scope={scope}"),
    )
    .await;
    assert_eq!(by_scope["items"].as_array().unwrap().len(), 1);
    let (_, other_scope) = get(
        &app,
        Some(&particulier),
        "/api/v1/habilitations?scope=dgfip_rfr",
    )
    .await;
    assert!(other_scope["items"].as_array().unwrap().is_empty());
    let (_, none_expired) = get(
        &app,
        Some(&particulier),
        "/api/v1/habilitations?state=expired",
    )
    .await;
    assert!(none_expired["items"].as_array().unwrap().is_empty());
    let (status, one) = get(
        &app,
        Some(&particulier),
        &format!("/api/v1/habilitations/H{hab}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["demande_public_id"], format!("D{id}"));
    let (status, demande) = get(&app, Some(&particulier), &format!("/api/v1/demandes/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        demande["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "approve")
    );

    // Another provider's token sees none of it.
    assert_eq!(
        get(
            &app,
            Some(&entreprise),
            &format!("/api/v1/habilitations/{hab}")
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, Some(&entreprise), &format!("/api/v1/demandes/{id}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (_, theirs) = get(
        &app,
        Some(&entreprise),
        "/api/v1/organisations/21690123100011/rights",
    )
    .await;
    assert!(theirs["scopes"].as_array().unwrap().is_empty());

    // Revoked: 401 with a JSON error in French; no token: the same.
    assert!(
        habilis::services::api::revoke_token(&app.services(), entreprise_id)
            .await
            .unwrap()
    );
    let (status, error) = get(&app, Some(&entreprise), "/api/v1/habilitations").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error["error"], "unauthorized");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("Jeton d'accès absent, invalide ou révoqué")
    );
    assert_eq!(
        get(&app, None, "/api/v1/habilitations").await.0,
        StatusCode::UNAUTHORIZED
    );

    // Revoking the habilitation takes its scopes out of the rights at once.
    assert_eq!(
        instructor.decide(id, "revoquer", "Fin").await.status,
        StatusCode::SEE_OTHER
    );
    let (_, after) = get(
        &app,
        Some(&particulier),
        "/api/v1/organisations/21690123100011/rights",
    )
    .await;
    assert!(after["scopes"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn bad_filters_get_a_400_that_says_which() {
    let app = spawn_app().await;
    let (_, token) = app.api_token("api-particulier", "SI").await;
    for (query, message) in [
        ("siret=123", "siret :"),
        ("state=approuvee", "state : « approuvee » inconnu"),
        ("scope=a%20b", "scope : identifiant de donnée invalide."),
        (
            "updated_since=2026-02-30",
            "updated_since : date au format AAAA-MM-JJ attendue.",
        ),
        ("page=-1", "page : nombre entier entre 1 et 10000 attendu."),
    ] {
        let (status, body) = get(
            &app,
            Some(&token),
            &format!("/api/v1/habilitations?{query}"),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(body["error"], "bad_request");
        assert!(
            body["message"].as_str().unwrap().contains(message),
            "{query}: {body}"
        );
    }
    assert_eq!(
        get(&app, Some(&token), "/api/v1/organisations/abc/rights")
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get(&app, Some(&token), "/api/v1/habilitations/xyz").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn each_token_is_rate_limited() {
    let app =
        crate::helpers::spawn_app_with(Environment::Dev, &[("HABILIS_API_RATE_PER_MINUTE", "3")])
            .await;
    let (_, token) = app.api_token("api-particulier", "SI").await;
    let (_, other) = app.api_token("api-particulier", "SI bis").await;
    for _ in 0..3 {
        assert_eq!(
            get(&app, Some(&token), "/api/v1/habilitations").await.0,
            StatusCode::OK
        );
    }
    let (status, body) = get(&app, Some(&token), "/api/v1/habilitations").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"], "too_many_requests");
    assert_eq!(
        get(&app, Some(&other), "/api/v1/habilitations").await.0,
        StatusCode::OK,
        "another token has its own count"
    );
}

#[tokio::test]
async fn the_openapi_document_parses_and_lists_every_api_route() {
    let app = spawn_app().await;
    let (status, doc) = get(&app, None, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    let api_routes: Vec<&str> = habilis::web::ROUTES
        .iter()
        .filter(|(_, p)| p.starts_with("/api/v1/"))
        .map(|(_, p)| *p)
        .collect();
    assert_eq!(api_routes.len(), 5);
    for route in api_routes {
        // A real schema for every answer, not free JSON.
        let responses = &paths[route]["get"]["responses"];
        for status in ["200", "401", "403"] {
            assert!(
                responses[status]["content"]["application/json"]["schema"]["$ref"].is_string(),
                "{route}: no schema for {status}"
            );
        }
        assert!(
            paths.contains_key(route),
            "{route} missing from the OpenAPI document"
        );
        assert!(
            paths[route]["get"]["security"].is_array(),
            "{route}: bearer token"
        );
    }
    // A known address asked with another method says which it answers.
    let wrong = reqwest::Client::new()
        .post(format!("{}/api/v1/habilitations", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong.headers()["allow"], "GET");
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body["error"], "method_not_allowed");
    let page = app.browser().get("/developpeurs").await;
    page.assert_contains("X-Hub-Signature-256");
    page.assert_contains("/api/openapi.json");
}

#[tokio::test]
async fn a_manager_creates_a_token_shown_once_and_revokes_it() {
    let app = spawn_app().await;
    let manager = app.login_as("gestion@api-particulier.example").await;
    let page = manager.get("/instruction/api").await;
    assert_eq!(page.status, StatusCode::OK);
    let created = manager
        .post(
            "/instruction/api",
            &[
                ("_csrf", &page.csrf()),
                ("provider", "api-particulier"),
                ("name", "SI production"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK);
    let token = regex::Regex::new(r"<code>(hab_[A-Za-z0-9]+)</code>")
        .unwrap()
        .captures(&created.body)
        .unwrap()[1]
        .to_string();
    assert_eq!(
        get(&app, Some(&token), "/api/v1/habilitations").await.0,
        StatusCode::OK
    );
    // Never shown again; listed by name with its last use.
    let list = manager.get("/instruction/api").await;
    assert!(!list.body.contains(&token));
    list.assert_contains("SI production");
    // Not for another provider's manager; then revoked by its own.
    let other = app.login_as("gestion@api-entreprise.example").await;
    let csrf = other.get("/instruction/api").await.csrf();
    let id = regex::Regex::new(r#"/instruction/api/(\d+)/revoquer"#)
        .unwrap()
        .captures(&list.body)
        .unwrap()[1]
        .to_string();
    assert_eq!(
        other
            .post(
                &format!("/instruction/api/{id}/revoquer"),
                &[("_csrf", &csrf)]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let revoked = manager
        .post(
            &format!("/instruction/api/{id}/revoquer"),
            &[("_csrf", &list.csrf())],
        )
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(
        get(&app, Some(&token), "/api/v1/habilitations").await.0,
        StatusCode::UNAUTHORIZED
    );
    manager
        .get("/instruction/api")
        .await
        .assert_contains("révoqué le");
    let refused = manager
        .post(
            "/instruction/api",
            &[
                ("_csrf", &list.csrf()),
                ("provider", "api-particulier"),
                ("name", " "),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_expired_habilitation_leaves_the_rights_and_filters_narrow_the_list() {
    use diesel::RunQueryDsl;
    let app = spawn_app().await;
    let (_, token) = app.api_token("api-particulier", "SI API Particulier").await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.validated_demande(&marie, "api-particulier").await;

    // Granted today: found since yesterday's date, not since a future one; one page only.
    let (_, since_past) = get(
        &app,
        Some(&token),
        "/api/v1/habilitations?updated_since=2020-01-01",
    )
    .await;
    assert_eq!(since_past["items"].as_array().unwrap().len(), 1);
    let (_, since_future) = get(
        &app,
        Some(&token),
        "/api/v1/habilitations?updated_since=2999-01-01",
    )
    .await;
    assert!(since_future["items"].as_array().unwrap().is_empty());
    let (_, first) = get(&app, Some(&token), "/api/v1/habilitations?page=1").await;
    assert_eq!(first["has_more"], false);
    assert_eq!(first["items"].as_array().unwrap().len(), 1);
    let (_, second) = get(&app, Some(&token), "/api/v1/habilitations?page=2").await;
    assert_eq!(second["page"], 2);
    assert!(second["items"].as_array().unwrap().is_empty());

    // Its end date passes: it no longer grants anything, and it is listed as expired.
    diesel::sql_query("UPDATE habilitations SET expires_at = '2020-01-01 00:00:00'")
        .execute(&mut app.conn())
        .unwrap();
    let (status, rights) = get(
        &app,
        Some(&token),
        "/api/v1/organisations/21690123100011/rights",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(rights["scopes"].as_array().unwrap().is_empty(), "{rights}");
    let (_, active) = get(&app, Some(&token), "/api/v1/habilitations?state=active").await;
    assert!(active["items"].as_array().unwrap().is_empty());
    let (_, expired) = get(&app, Some(&token), "/api/v1/habilitations?state=expired").await;
    assert_eq!(expired["items"].as_array().unwrap().len(), 1, "{expired}");
    assert_eq!(expired["items"][0]["state"], "expired");

    // The reporters' CSV says so too.
    let reporter = app.login_as("rapport@api-particulier.example").await;
    let csv = reporter
        .client
        .get(format!("{}/instruction/export.csv", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let line = csv
        .lines()
        .find(|l| l.starts_with(&format!("D{id},")))
        .unwrap_or_else(|| panic!("{csv}"));
    // Then the stage, empty for a provider without stages.
    assert!(line.ends_with(",Expirée,2020-01-01,"), "{line}");
}

#[tokio::test]
async fn a_token_of_a_provider_no_longer_served_is_forbidden() {
    use diesel::RunQueryDsl;
    let app = spawn_app().await;
    let (_, token) = app.api_token("api-entreprise", "SI API Entreprise").await;
    diesel::sql_query("UPDATE api_tokens SET provider = 'fournisseur-retire'")
        .execute(&mut app.conn())
        .unwrap();
    let (status, error) = get(&app, Some(&token), "/api/v1/habilitations").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(error["error"], "forbidden");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("n'est plus servi par habilis")
    );
}

#[tokio::test]
async fn a_draft_never_submitted_is_not_found_through_the_api() {
    let app = spawn_app().await;
    let (_, token) = app.api_token("api-particulier", "SI").await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let draft = marie.start_demande("api-particulier", "").await;
    let (status, body) = get(&app, Some(&token), &format!("/api/v1/demandes/D{draft}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"], "not_found");

    // Once submitted, the provider reads it, as its instruction pages show it.
    let submitted = app.submitted_demande(&marie, "api-particulier").await;
    let (status, body) = get(&app, Some(&token), &format!("/api/v1/demandes/{submitted}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "submitted");
}

#[tokio::test]
async fn an_address_sending_invalid_tokens_is_turned_away_before_the_database() {
    let app = crate::helpers::spawn_app_with(
        Environment::Dev,
        &[("HABILIS_API_INVALID_TOKENS_PER_MINUTE", "3")],
    )
    .await;
    let (_, token) = app.api_token("api-particulier", "SI").await;
    for guess in ["hab_un", "hab_deux", "hab_trois"] {
        assert_eq!(
            get(&app, Some(guess), "/api/v1/habilitations").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let (status, body) = get(&app, Some("hab_quatre"), "/api/v1/habilitations").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"], "too_many_requests");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("Trop de jetons invalides depuis cette adresse"),
        "{body}"
    );
    // Until the window ends, even a valid token from that address is not looked up: its
    // last use stays "never".
    let (status, _) = get(&app, Some(&token), "/api/v1/habilitations").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let manager = app.login_as("gestion@api-particulier.example").await;
    let page = manager.get("/instruction/api").await;
    page.assert_contains("data-label=\"Dernier usage\">jamais</td>");
}

#[tokio::test]
async fn a_token_reads_only_within_its_scopes_and_a_token_made_before_keeps_its_reads() {
    use habilis::domain::api_scope::ApiScope;
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.validated_demande(&marie, "api-particulier").await;
    let (_, narrow) = app
        .api_token_with(
            "api-particulier",
            "SI des droits",
            &[ApiScope::HabilitationsRead],
        )
        .await;
    let (status, _) = get(&app, Some(&narrow), "/api/v1/habilitations").await;
    assert_eq!(status, StatusCode::OK);
    let (status, rights) = get(
        &app,
        Some(&narrow),
        "/api/v1/organisations/21690123100011/rights",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{rights}");
    // Outside its scopes: 403, with a JSON error naming the scope.
    let (status, refused) = get(&app, Some(&narrow), &format!("/api/v1/demandes/{id}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(refused["error"], "insufficient_scope");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("« demandes:read »"),
        "{refused}"
    );

    // A token made before tokens had scopes (a row written without them takes the column's
    // default, as the migration gave existing rows) reads what it read.
    use diesel::RunQueryDsl;
    let old = format!("hab_{}", habilis::config::random_key());
    let digest = habilis::services::sha256_hex(&old);
    diesel::sql_query(format!(
        "INSERT INTO api_tokens (provider, name, token_hash, created_at) \
         VALUES ('api-particulier', 'SI d''avant', '{digest}', '2026-01-01 00:00:00')"
    ))
    .execute(&mut app.conn())
    .unwrap();
    assert_eq!(
        get(&app, Some(&old), &format!("/api/v1/demandes/{id}"))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        get(&app, Some(&old), "/api/v1/habilitations").await.0,
        StatusCode::OK
    );

    // Made on the page: the scopes ticked, and at least one.
    let manager = app.login_as("gestion@api-particulier.example").await;
    let csrf = manager.get("/instruction/api").await.csrf();
    let none = manager
        .post(
            "/instruction/api",
            &[
                ("_csrf", &csrf),
                ("provider", "api-particulier"),
                ("name", "Sans portée"),
                ("_scopes_listed", "1"),
            ],
        )
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    none.assert_contains("Cochez au moins une chose que ce jeton pourra lire.");
    let made = manager
        .post(
            "/instruction/api",
            &[
                ("_csrf", &csrf),
                ("provider", "api-particulier"),
                ("name", "SI des demandes"),
                ("_scopes_listed", "1"),
                ("scopes", "demandes:read"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK);
    made.assert_contains("<code>demandes:read</code>");
    let token = made
        .body
        .split("<code>hab_")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .map(|t| format!("hab_{t}"))
        .expect("the token shown once");
    assert_eq!(
        get(&app, Some(&token), &format!("/api/v1/demandes/{id}"))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        get(&app, Some(&token), "/api/v1/habilitations").await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn every_read_is_recorded_shown_to_managers_and_purged_when_old() {
    use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
    use habilis::db::schema::api_reads;
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.validated_demande(&marie, "api-particulier").await;
    let (_, token) = app.api_token("api-particulier", "SI tarification").await;
    let (_, list) = get(&app, Some(&token), "/api/v1/habilitations").await;
    let habilitation = list["items"][0]["public_id"].as_str().unwrap().to_string();
    get(&app, Some(&token), &format!("/api/v1/demandes/{id}")).await;
    get(
        &app,
        Some(&token),
        "/api/v1/organisations/21690123100011/rights",
    )
    .await;
    // Refused requests read nothing: nothing recorded.
    get(&app, None, "/api/v1/habilitations").await;
    get(&app, Some(&token), "/api/v1/demandes/999999").await;

    let rows: Vec<(String, String)> = api_reads::table
        .order(api_reads::id.asc())
        .select((api_reads::route, api_reads::returned))
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(
        rows,
        [
            (
                "GET /api/v1/habilitations".to_string(),
                habilitation.clone()
            ),
            ("GET /api/v1/demandes/{id}".to_string(), format!("D{id}")),
            (
                "GET /api/v1/organisations/{siret}/rights".to_string(),
                habilitation.clone()
            ),
        ]
    );

    let manager = app.login_as("gestion@api-particulier.example").await;
    let page = manager.get("/instruction/api").await;
    page.assert_contains("Lectures de l'API");
    page.assert_contains("<code>GET /api/v1/demandes/{id}</code>");
    page.assert_contains(&format!("D{id}"));
    page.assert_contains("SI tarification");

    // Past the configured age (365 days by default), the worker's purge deletes them.
    let services = app.services();
    let now = habilis::services::now();
    assert_eq!(
        habilis::services::api::purge_reads(&services, now)
            .await
            .unwrap(),
        0
    );
    let later = now + chrono::Duration::days(366);
    assert_eq!(
        habilis::services::api::purge_reads(&services, later)
            .await
            .unwrap(),
        3
    );
    manager
        .get("/instruction/api")
        .await
        .assert_contains("Aucune lecture pour le moment.");
}
