//! Dashboards kept in memory between requests: whatever changes what a dashboard shows, on
//! this instance, on another one or by SQL alone, shows at the next load.

use diesel::prelude::*;
use habilis::db::schema::demandes;

use crate::helpers::spawn_two_instances;

const PROVIDER: &str = "api-particulier";

/// The count the tab of `state` shows on a dashboard page.
fn tab(body: &str, state: &str) -> String {
    let at = body
        .find(&format!("etat={state}\""))
        .unwrap_or_else(|| panic!("no {state} tab"));
    let rest = &body[at..body[at..].find("</a>").map_or(body.len(), |end| at + end)];
    rest.split("<span class=\"count\">(")
        .nth(1)
        .and_then(|c| c.split(')').next())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_kept_dashboard_shows_every_change_at_the_next_load_whoever_made_it() {
    let (app, other) = spawn_two_instances().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let first = app.submitted_demande(&marie, PROVIDER).await;
    let instructor = app.login_as("instruction@api-particulier.example").await;

    // Loaded twice: the second load may come from memory, and says the same.
    let board = instructor.get("/instruction").await;
    assert!(
        board
            .body
            .contains(&format!("/instruction/demandes/{first}"))
    );
    assert_eq!(tab(&board.body, "submitted"), "1");
    assert_eq!(instructor.get("/instruction").await.body, board.body);

    // A submission on this instance.
    let second = app.submitted_demande(&marie, PROVIDER).await;
    let board = instructor.get("/instruction").await;
    assert!(
        board
            .body
            .contains(&format!("/instruction/demandes/{second}"))
    );
    assert_eq!(tab(&board.body, "submitted"), "2");

    // A decision taken on another instance (its own memory, the same database).
    let elsewhere = app.browser_with_cookies(&other, &instructor.cookies());
    let refused = elsewhere
        .decide(first, "refuser", "Cadre juridique absent.")
        .await;
    assert_eq!(
        refused.status,
        reqwest::StatusCode::SEE_OTHER,
        "{}",
        refused.body
    );
    let board = instructor.get("/instruction").await;
    assert_eq!(tab(&board.body, "submitted"), "1");
    assert_eq!(tab(&board.body, "refused"), "1");

    // A change written by SQL alone, as a migration or an operator would.
    diesel::update(demandes::table.filter(demandes::id.eq(second)))
        .set(demandes::intitule.eq("Intitulé corrigé en base"))
        .execute(&mut app.conn())
        .unwrap();
    instructor
        .get("/instruction")
        .await
        .assert_contains("Intitulé corrigé en base");

    // A message from the applicant: the badge and the banner at the next load.
    let page = format!("/demandes/{second}");
    let csrf = marie.get(&page).await.csrf();
    marie
        .post(
            &format!("{page}/messages"),
            &[("_csrf", &csrf), ("body", "Une question ?")],
        )
        .await;
    instructor
        .get("/instruction")
        .await
        .assert_contains("1 demande a des messages non lus.");
    let admin = app.login_as("admin@habilis.example").await;
    admin
        .get("/instruction")
        .await
        .assert_contains("1 demande a des messages non lus.");
    // Read on the other instance: gone here too, and only for the one who read it.
    elsewhere
        .get(&format!("/instruction/demandes/{second}"))
        .await
        .assert_contains("Une question ?");
    let board = instructor.get("/instruction").await;
    assert!(!board.body.contains("messages non lus"), "{}", board.text());
    admin
        .get("/instruction")
        .await
        .assert_contains("1 demande a des messages non lus.");
}
