//! The admin's report of risky rights: roles on many providers, roles never used since they
//! were granted, managers applying to their own provider, tokens left unused; a sign-in uses
//! the roles held.

use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use habilis::db::schema::api_tokens;
use reqwest::StatusCode;

use crate::helpers::spawn_app;

const ADMIN: &str = "admin@habilis.example";

#[tokio::test]
async fn an_admin_sees_the_rights_an_access_review_must_look_at() {
    let app = spawn_app().await;
    // Roles on three providers, granted to someone who never signed in.
    for provider in ["api-particulier", "api-entreprise", "biodiversite"] {
        app.grant_role("cumul@exemple.fr", provider, "reporter");
    }
    // Marie manages API Particulier and applies to it.
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    app.submitted_demande(&marie, "api-particulier").await;
    app.grant_role("marie.dupont@mairie-lyon.fr", "api-particulier", "manager");
    // A token made long ago and never used; another used just now.
    let (idle, _) = app.api_token("api-entreprise", "SI oublié").await;
    let long_ago = habilis::services::now() - chrono::Duration::days(120);
    diesel::update(api_tokens::table.find(idle))
        .set(api_tokens::created_at.eq(long_ago))
        .execute(&mut app.conn())
        .unwrap();
    app.api_token("api-entreprise", "SI récent").await;

    let admin = app.login_as(ADMIN).await;
    let page = admin.get("/admin/risques").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Comptes ayant des rôles chez 3 fournisseurs ou plus");
    let text = page.text();
    let section = |title: &str, next: &str| -> String {
        let start = text.find(title).unwrap();
        let end = text[start..].find(next).map_or(text.len(), |e| start + e);
        text[start..end].to_string()
    };
    let many = section("Comptes ayant des rôles", "Rôles jamais utilisés");
    assert!(many.contains("cumul@exemple.fr"), "{many}");
    assert!(!many.contains("marie.dupont"), "{many}");
    let unused = section("Rôles jamais utilisés", "Gestionnaires qui sont aussi");
    assert!(unused.contains("cumul@exemple.fr"), "{unused}");
    let conflicts = section("Gestionnaires qui sont aussi", "Jetons de l'API");
    assert!(
        conflicts.contains("marie.dupont@mairie-lyon.fr"),
        "{conflicts}"
    );
    assert!(conflicts.contains("API Particulier"), "{conflicts}");
    let tokens = section("Jetons de l'API inutilisés", "République");
    assert!(tokens.contains("SI oublié"), "{tokens}");
    assert!(!tokens.contains("SI récent"), "{tokens}");

    // Signing in uses the roles held: they leave the "never used" list.
    app.login_as("cumul@exemple.fr").await;
    let after = admin.get("/admin/risques").await.text();
    let start = after.find("Rôles jamais utilisés").unwrap();
    let end = after.find("Gestionnaires qui sont aussi").unwrap();
    assert!(!after[start..end].contains("cumul@exemple.fr"));

    // Nobody else reads it.
    let refused = marie.get("/admin/risques").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}
