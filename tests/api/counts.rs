//! The dashboard's tab counts: kept by the database in the same transaction as each change,
//! right under parallel changes, and honest when a search matches too many rows to count.

use futures_util::future::join_all;
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app};

/// The count each state's tab shows ("" when the tab shows none).
fn tab_counts(body: &str) -> Vec<(String, String)> {
    let re = regex::Regex::new(
        r#"href="/instruction\?(?:[^"]*&(?:amp;|#38;))?etat=([a-z_]+)"[^>]*>[^<]+(?:<span class="count">\(([^)]+)\)</span>)?</a>"#,
    )
    .unwrap();
    re.captures_iter(body)
        .map(|c| {
            let n = c.get(2).map(|m| m.as_str().to_string()).unwrap_or_default();
            (c[1].to_string(), n)
        })
        .collect()
}

/// Every tab of the admin's dashboard shows the database's own count.
pub(crate) async fn assert_tabs_match_the_database(app: &TestApp, path: &str) {
    let truth = counted_by_the_database(app);
    let admin = app.login_as("admin@habilis.example").await;
    let page = admin.get(path).await;
    assert_eq!(page.status, StatusCode::OK);
    let shown = tab_counts(&page.body);
    assert_eq!(shown.len(), 7, "one tab per state: {shown:?}");
    for (state, n) in &shown {
        let expected = truth
            .iter()
            .find(|(s, _)| s == state)
            .map_or(0, |(_, n)| *n);
        assert_eq!(n, &expected.to_string(), "the {state} tab");
    }
}

/// The truth, counted by the database: (state, count) of every demande once submitted.
fn counted_by_the_database(app: &TestApp) -> Vec<(String, i64)> {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::Text)]
        state: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    use diesel::RunQueryDsl;
    diesel::sql_query(
        "SELECT state, COUNT(*) AS n FROM demandes WHERE last_submitted_at IS NOT NULL GROUP BY state",
    )
    .load::<Count>(&mut app.conn())
    .unwrap()
    .into_iter()
    .map(|c| (c.state, c.n))
    .collect()
}

#[tokio::test]
async fn the_tabs_count_every_row_of_every_provider_past_ten_thousand() {
    let app = spawn_app().await;
    // More rows than counting used to read, spread over the three providers.
    habilis::services::seed::seed_demandes(&mut app.conn(), &app.catalog, 11_000).unwrap();
    let truth = counted_by_the_database(&app);
    assert!(truth.iter().map(|(_, n)| n).sum::<i64>() > 10_000);
    assert_tabs_match_the_database(&app, "/instruction").await;

    // A word in a quarter of the organisations' names: too many matches to count, and the
    // list walks the dates instead (on SQLite, with `+id`): still newest first, every row a match.
    let admin = app.login_as("admin@habilis.example").await;
    let page = admin.get("/instruction?q=mairie").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Plus de 1\u{a0}000 demandes correspondent à ces critères");
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let expected: Vec<String> = diesel::sql_query(
        "SELECT d.id FROM demandes d JOIN organisations o ON o.id = d.organisation_id \
          WHERE o.name LIKE 'Mairie de %' AND d.last_submitted_at IS NOT NULL \
            AND d.state IN ('submitted', 'changes_requested', 'validated', 'refused', 'revoked') \
          ORDER BY d.last_submitted_at DESC, d.id DESC LIMIT 50",
    )
    .load::<Id>(&mut app.conn())
    .unwrap()
    .into_iter()
    .map(|r| r.id.to_string())
    .collect();
    let listed: Vec<String> = regex::Regex::new(r#"<a href="/instruction/demandes/(\d+)"#)
        .unwrap()
        .captures_iter(&page.body)
        .map(|c| c[1].to_string())
        .collect();
    assert_eq!(listed, expected);
}

#[tokio::test]
async fn the_tabs_stay_right_when_demandes_change_state_in_parallel() {
    let app = spawn_app().await;
    let provider = "api-entreprise";
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let mut ids = vec![];
    for _ in 0..9 {
        ids.push(app.submitted_demande(&marie, provider).await);
    }
    let instructor = app.login_as(&crate::helpers::instructor_of(provider)).await;
    // Three sent back first, so that opposite transitions (submitted <-> changes requested)
    // then run at the same time as approvals.
    for id in &ids[..3] {
        let sent = instructor
            .decide(*id, "demander-modifications", "Précisez.")
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER);
    }
    let resubmitted = ids[..3].iter().map(|id| marie.submit(*id, true));
    let sent_back = ids[3..6]
        .iter()
        .map(|id| instructor.decide(*id, "demander-modifications", "Précisez."));
    let approved = ids[6..]
        .iter()
        .map(|id| instructor.decide(*id, "valider", ""));
    let (a, b, c) = tokio::join!(
        join_all(resubmitted),
        join_all(sent_back),
        join_all(approved)
    );
    for page in a.iter().chain(&b).chain(&c) {
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }
    let truth = counted_by_the_database(&app);
    let of = |state: &str| {
        truth
            .iter()
            .find(|(s, _)| s == state)
            .map_or(0, |(_, n)| *n)
    };
    assert_eq!(
        (of("submitted"), of("changes_requested"), of("validated")),
        (3, 3, 3)
    );
    assert_tabs_match_the_database(&app, "/instruction").await;
}

#[tokio::test]
async fn a_period_matching_more_than_a_thousand_demandes_says_its_tabs_are_not_counted() {
    let app = spawn_app().await;
    habilis::services::seed::seed_demandes(&mut app.conn(), &app.catalog, 1_300).unwrap();
    let admin = app.login_as("admin@habilis.example").await;
    let page = admin.get("/instruction?du=2000-01-01").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Plus de 1\u{a0}000 demandes correspondent à ces critères");
    let shown = tab_counts(&page.body);
    assert_eq!(shown.len(), 7, "{}", page.body);
    assert!(shown.iter().all(|(_, n)| n.is_empty()), "{shown:?}");
    // The list itself is still there, and without the period every tab is counted.
    assert!(page.body.contains("/instruction/demandes/"));
    let plain = admin.get("/instruction").await;
    assert!(
        !plain
            .text()
            .contains("demandes correspondent à ces critères")
    );
    assert!(tab_counts(&plain.body).iter().all(|(_, n)| !n.is_empty()));
}

#[tokio::test]
async fn a_rare_word_among_many_rows_is_listed_and_counted() {
    let app = spawn_app().await;
    habilis::services::seed::seed_demandes(&mut app.conn(), &app.catalog, 1_300).unwrap();
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.filled_draft(&marie, "api-entreprise").await;
    let named = marie
        .fill(
            id,
            1,
            &[
                ("intitule".into(), "Observatoire xylophonique".into()),
                ("description".into(), "Description".into()),
            ],
        )
        .await;
    assert_eq!(named.status, StatusCode::SEE_OTHER);
    assert_eq!(marie.submit(id, true).await.status, StatusCode::SEE_OTHER);

    let admin = app.login_as("admin@habilis.example").await;
    let page = admin.get("/instruction?q=xylophonique").await;
    assert_eq!(page.status, StatusCode::OK);
    let listed: Vec<String> = regex::Regex::new(r#"<a href="/instruction/demandes/(\d+)"#)
        .unwrap()
        .captures_iter(&page.body)
        .map(|c| c[1].to_string())
        .collect();
    assert_eq!(listed, vec![id.to_string()]);
    for (state, n) in tab_counts(&page.body) {
        let expected = if state == "submitted" { "1" } else { "0" };
        assert_eq!(n, expected, "the {state} tab");
    }
    let nothing = admin.get("/instruction?q=xylophoniques+introuvable").await;
    nothing.assert_contains("Aucune demande ne correspond.");
    assert!(tab_counts(&nothing.body).iter().all(|(_, n)| n == "0"));
}
