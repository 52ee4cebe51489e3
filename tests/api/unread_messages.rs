//! Unread messages: the "Nouveau message" badge on the rows shown, and the instruction
//! dashboard's banner, exact up to 100 demandes and "Plus de 100" beyond.

use diesel::prelude::*;
use habilis::db::schema::demandes;
use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp, spawn_app};

const PROVIDER: &str = "api-particulier";

async fn write(who: &Browser, page: &str, body: &str) {
    let csrf = who.get(page).await.csrf();
    let sent = who
        .post(
            &format!("{page}/messages"),
            &[("_csrf", &csrf), ("body", body)],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
}

/// Whether the dashboard row of this demande carries the badge.
fn badged(body: &str, id: i64) -> bool {
    let start = format!("<a href=\"/instruction/demandes/{id}");
    let Some(at) = body.find(&start) else {
        panic!("demande {id} is not listed");
    };
    let cell_end = body[at..].find("</td>").unwrap();
    body[at..at + cell_end].contains("Nouveau message")
}

/// Whether the applicant's row of this demande carries the badge.
fn badged_mine(body: &str, id: i64) -> bool {
    let start = format!("<a href=\"/demandes/{id}\">");
    let at = body.find(&start).unwrap();
    let cell_end = body[at..].find("</td>").unwrap();
    body[at..at + cell_end].contains("Nouveau message")
}

#[tokio::test]
async fn badges_follow_each_side_and_come_back_with_a_newer_message() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let asked = app.submitted_demande(&marie, PROVIDER).await;
    let answered = app.submitted_demande(&marie, PROVIDER).await;
    let quiet = app.submitted_demande(&marie, PROVIDER).await;
    let instructor = app.login_as("instruction@api-particulier.example").await;

    write(&marie, &format!("/demandes/{asked}"), "Une question ?").await;
    write(
        &instructor,
        &format!("/instruction/demandes/{answered}"),
        "Une précision, s'il vous plaît.",
    )
    .await;

    // Each side sees a badge for the other side's message only.
    let board = instructor.get("/instruction").await;
    board.assert_contains("1 demande a des messages non lus.");
    assert!(badged(&board.body, asked));
    assert!(!badged(&board.body, answered), "one's own message is read");
    assert!(!badged(&board.body, quiet));
    let mine = marie.get("/demandes").await;
    assert!(!badged_mine(&mine.body, asked), "one's own message is read");
    assert!(badged_mine(&mine.body, answered));
    assert!(!badged_mine(&mine.body, quiet));

    // Read, the badge goes; a newer message brings it back.
    instructor
        .get(&format!("/instruction/demandes/{asked}"))
        .await
        .assert_contains("Une question ?");
    let board = instructor.get("/instruction").await;
    assert!(!badged(&board.body, asked));
    assert!(!board.body.contains("messages non lus"));
    // Opening it again, nothing new, changes nothing.
    instructor
        .get(&format!("/instruction/demandes/{asked}"))
        .await
        .assert_contains("Une question ?");
    assert!(!badged(&instructor.get("/instruction").await.body, asked));
    write(&marie, &format!("/demandes/{asked}"), "Et une autre.").await;
    let board = instructor.get("/instruction").await;
    board.assert_contains("1 demande a des messages non lus.");
    assert!(badged(&board.body, asked));

    // Another instructor has read nothing yet: the same message is unread for them.
    let second = "second.instructeur@api-particulier.example";
    app.grant_role(second, PROVIDER, "instructor");
    let theirs = app.login_as(second).await.get("/instruction").await;
    theirs.assert_contains("1 demande a des messages non lus.");

    // An instructor of another provider sees none of it.
    let other = app.login_as("instruction@api-entreprise.example").await;
    let board = other.get("/instruction").await;
    assert!(!board.body.contains("messages non lus"));
    assert!(!board.body.contains("Nouveau message"));
}

/// `count` demandes of the provider not in draft, with a message from their applicant each.
fn applicants_write_on(app: &TestApp, count: usize) -> Vec<i64> {
    let mut conn = app.conn();
    let rows: Vec<(i64, i64)> = demandes::table
        .filter(demandes::provider.eq(PROVIDER))
        .filter(demandes::state.ne("draft"))
        .order(demandes::id)
        .limit(count as i64)
        .select((demandes::id, demandes::applicant_id))
        .load(&mut conn)
        .unwrap();
    assert_eq!(rows.len(), count, "seed more demandes");
    let at = habilis::services::now();
    for (id, author) in &rows {
        habilis::db::messages::insert(&mut conn, *id, *author, false, "Une question ?", at)
            .unwrap();
    }
    rows.into_iter().map(|(id, _)| id).collect()
}

#[tokio::test]
async fn the_banner_counts_exactly_up_to_a_hundred_then_says_more() {
    let app = spawn_app().await;
    habilis::services::seed::seed_demandes(&mut app.conn(), &app.catalog, 600).unwrap();
    // The seed writes threads of its own: only this test's messages are counted here.
    for table in ["message_reads", "messages"] {
        diesel::sql_query(format!("DELETE FROM {table}"))
            .execute(&mut app.conn())
            .unwrap();
    }
    let ids = applicants_write_on(&app, 101);
    let instructor = app.login_as("instruction@api-particulier.example").await;

    let board = instructor.get("/instruction").await;
    board.assert_contains("Plus de 100 demandes ont des messages non lus.");

    // One read: exactly 100 are left, said as such.
    let read = instructor
        .get(&format!("/instruction/demandes/{}", ids[0]))
        .await;
    read.assert_contains("Une question ?");
    let board = instructor.get("/instruction").await;
    board.assert_contains("100 demandes ont des messages non lus.");
    assert!(!board.body.contains("Plus de 100"));

    // Two more read: an exact count again.
    for id in &ids[1..3] {
        instructor.get(&format!("/instruction/demandes/{id}")).await;
    }
    let board = instructor.get("/instruction").await;
    board.assert_contains("98 demandes ont des messages non lus.");

    // The banner counts the instructor's providers only.
    let other = app.login_as("instruction@api-entreprise.example").await;
    assert!(
        !other
            .get("/instruction")
            .await
            .body
            .contains("messages non lus")
    );
}
