//! What a signed-in person may do is kept between requests, and never used once it changed:
//! a role, a membership or an organisation changed straight in the database (as another
//! instance, the command line or an admin would) applies from the next request.

use diesel::RunQueryDsl;
use reqwest::StatusCode;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_role_removed_behind_the_portal_s_back_applies_from_the_next_request() {
    let app = spawn_app().await;
    let email = "cache.instructrice@api-entreprise.example";
    app.grant_role(email, "api-entreprise", "instructor");
    let instructor = app.login_as(email).await;
    // Read twice: the second request is served from the kept copy.
    for _ in 0..2 {
        assert_eq!(instructor.get("/instruction").await.status, StatusCode::OK);
    }
    diesel::sql_query(
        "DELETE FROM roles WHERE user_id = (SELECT id FROM users WHERE email = 'cache.instructrice@api-entreprise.example')",
    )
    .execute(&mut app.conn())
    .unwrap();
    assert_eq!(
        instructor.get("/instruction").await.status,
        StatusCode::FORBIDDEN
    );
    app.grant_role(email, "api-entreprise", "instructor");
    assert_eq!(instructor.get("/instruction").await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_organisation_renamed_shows_its_new_name_to_its_signed_in_agents() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    marie
        .get("/demandes")
        .await
        .assert_contains("Mairie de Lyon");
    diesel::sql_query(
        "UPDATE organisations SET name = 'Ville de Lyon (nouveau nom)' WHERE name = 'Mairie de Lyon'",
    )
    .execute(&mut app.conn())
    .unwrap();
    marie
        .get("/demandes")
        .await
        .assert_contains("Ville de Lyon (nouveau nom)");
}
