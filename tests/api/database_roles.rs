//! The database trusts nobody: the audit log and the events are insert-only for the portal
//! (PostgreSQL: the portal's role, a member of `habilis_portal`, has no UPDATE or DELETE on
//! them; SQLite: triggers refuse both), the portal serves as that role, and on the applicant
//! side row-level security hides other organisations' demandes, messages and files from any
//! query, whatever its filter.

use diesel::{Connection, PgConnection, RunQueryDsl};
use habilis::config::Environment;
use habilis::db::DbConnection;
use reqwest::StatusCode;

use crate::helpers::{Browser, spawn_app, spawn_instance};

const PROVIDER: &str = "api-particulier";

/// What the database answers to an UPDATE and a DELETE of both tables.
fn tamper(conn: &mut DbConnection) -> Vec<String> {
    [
        "UPDATE audit_log SET actor = 'personne'",
        "DELETE FROM audit_log",
        "UPDATE events SET reason = 'rien'",
        "DELETE FROM events",
    ]
    .iter()
    .map(|sql| match diesel::sql_query(*sql).execute(conn) {
        Ok(n) => format!("{sql}: {n} row(s) changed"),
        Err(e) => e.to_string(),
    })
    .collect()
}

#[tokio::test]
async fn the_portal_may_append_to_the_audit_log_and_the_events_but_never_change_them() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    app.submitted_demande(&marie, PROVIDER).await;
    let mut conn = app.conn();
    let answers = tamper(&mut conn);
    match &mut *conn {
        DbConnection::Sqlite(_) => {
            assert!(
                answers[0].contains("audit_log is insert-only"),
                "{answers:?}"
            );
            assert!(
                answers[1].contains("audit_log is insert-only"),
                "{answers:?}"
            );
            assert!(answers[2].contains("events is insert-only"), "{answers:?}");
            assert!(answers[3].contains("events is insert-only"), "{answers:?}");
        }
        DbConnection::Postgresql(_) => {
            // The tests' own connection is a superuser: the grants are the other test's.
            assert!(habilis::db::too_powerful(&mut conn).unwrap().is_some());
        }
    }
}

/// A login role of the server, member of `habilis_portal`, dropped with the test.
struct PortalRole {
    name: String,
    admin_url: String,
}

impl Drop for PortalRole {
    fn drop(&mut self) {
        if let Ok(mut c) = PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!("DROP ROLE IF EXISTS {}", self.name)).execute(&mut c);
        }
    }
}

/// Makes a login role of the server, member of `habilis_portal`; returns it (dropped with the
/// test) and the URL of the test's database as that role.
fn portal_role(app: &crate::helpers::TestApp) -> (PortalRole, String) {
    let name = format!(
        "habilis_app_{}",
        habilis::config::random_key()[..12].to_lowercase()
    );
    let mut admin = PgConnection::establish(&app.database_url).unwrap();
    diesel::sql_query(format!("CREATE ROLE {name} LOGIN IN ROLE habilis_portal"))
        .execute(&mut admin)
        .unwrap();
    let (scheme, rest) = app.database_url.split_once("://").unwrap();
    let (_, place) = rest.split_once('@').unwrap();
    let url = format!("{scheme}://{name}@{place}");
    (
        PortalRole {
            name,
            admin_url: app.database_url.clone(),
        },
        url,
    )
}

#[tokio::test]
#[cfg_attr(
    habilis_no_postgres,
    ignore = "needs PostgreSQL (roles and grants; SQLite's triggers are checked above): set HABILIS_TEST_DATABASE_URL, as CI does"
)]
async fn on_postgresql_the_portal_serves_as_a_role_that_cannot_rewrite_history() {
    let app = spawn_app().await;
    let (role, portal_url) = portal_role(&app);

    // The portal starts as that role (nothing to migrate) and serves the whole journey.
    let key = habilis::config::random_key();
    let address = spawn_instance(
        &app,
        Environment::Dev,
        &[("DATABASE_URL", &portal_url), ("HABILIS_SESSION_KEY", &key)],
    )
    .await;
    let marie = Browser::new(&address);
    marie.sign_in_as("marie.dupont@mairie-lyon.fr").await;
    let id = app.submitted_demande(&marie, PROVIDER).await;
    assert_eq!(
        marie.get(&format!("/demandes/{id}")).await.status,
        StatusCode::OK
    );

    // As that role, the audit log and the events are read and appended to, never changed.
    let mut portal = habilis::db::Db::connect(&portal_url, 1)
        .unwrap()
        .get()
        .unwrap();
    assert_eq!(habilis::db::too_powerful(&mut portal).unwrap(), None);
    let answers = tamper(&mut portal);
    for (answer, table) in answers
        .iter()
        .zip(["audit_log", "audit_log", "events", "events"])
    {
        assert!(
            answer.contains(&format!("permission denied for table {table}")),
            "{answers:?}"
        );
    }
    // Its own tables, it writes.
    diesel::sql_query("UPDATE demandes SET intitule = intitule")
        .execute(&mut *portal)
        .unwrap();
    // The superuser the tests connect as is told to be too powerful.
    assert!(
        habilis::db::too_powerful(&mut app.conn())
            .unwrap()
            .is_some()
    );
    drop(portal);
    drop(role);
}

#[derive(diesel::QueryableByName)]
struct Id {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

/// The ids a query returns.
fn ids(conn: &mut DbConnection, sql: &str) -> Vec<i64> {
    diesel::sql_query(sql)
        .load::<Id>(conn)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
}

/// Whether a page names the demande `D{id}`, as a whole number.
fn names(text: &str, id: i64) -> bool {
    let name = format!("D{id}");
    text.match_indices(&name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric()) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

async fn with_a_message(app: &crate::helpers::TestApp, email: &str) -> i64 {
    let applicant = app.login_as(email).await;
    let id = app.submitted_demande(&applicant, PROVIDER).await;
    let csrf = applicant.get(&format!("/demandes/{id}")).await.csrf();
    let sent = applicant
        .post(
            &format!("/demandes/{id}/messages"),
            &[("_csrf", &csrf), ("body", "Où en est notre demande ?")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    id
}

#[tokio::test]
#[cfg_attr(
    habilis_no_postgres,
    ignore = "needs PostgreSQL (row-level security): set HABILIS_TEST_DATABASE_URL, as CI does"
)]
async fn on_postgresql_a_query_behind_the_wall_sees_nothing_of_another_organisation() {
    let app = spawn_app().await;
    let (role, portal_url) = portal_role(&app);
    let lyon = with_a_message(&app, "marie.dupont@mairie-lyon.fr").await;
    let grenoble = with_a_message(&app, "jeanne.roux@grenoble.fr").await;
    let lyon_org = app.organisation_id("21690123100011");

    let db = habilis::db::Db::connect(&portal_url, 1).unwrap();
    let mut portal = db.get().unwrap();
    // Behind the wall for Lyon, queries without any filter of their own see Lyon's rows only.
    let (demandes, messages) =
        habilis::db::within_organisations(&mut portal, &[lyon_org], |conn| {
            Ok::<_, diesel::result::Error>((
                ids(conn, "SELECT id FROM demandes"),
                ids(conn, "SELECT demande_id AS id FROM messages"),
            ))
        })
        .unwrap();
    assert!(
        demandes.contains(&lyon) && !demandes.contains(&grenoble),
        "{demandes:?}"
    );
    assert_eq!(messages, vec![lyon]);
    // For no organisation, nothing at all.
    let none = habilis::db::within_organisations(&mut portal, &[], |conn| {
        Ok::<_, diesel::result::Error>(ids(conn, "SELECT id FROM demandes"))
    })
    .unwrap();
    assert!(none.is_empty(), "{none:?}");
    // Outside it (the instruction side, the worker), every organisation's.
    let all = ids(&mut portal, "SELECT id FROM demandes");
    assert!(all.contains(&lyon) && all.contains(&grenoble));

    // The portal, as that role, serves the applicant's pages behind the wall.
    let key = habilis::config::random_key();
    let address = spawn_instance(
        &app,
        Environment::Dev,
        &[("DATABASE_URL", &portal_url), ("HABILIS_SESSION_KEY", &key)],
    )
    .await;
    let marie = Browser::new(&address);
    marie.sign_in_as("marie.dupont@mairie-lyon.fr").await;
    let list = marie.get("/demandes").await;
    assert!(names(&list.text(), lyon));
    // Whole numbers: D12 is not D123 (the seeded demandes have ids of every length).
    assert!(!names(&list.text(), grenoble));
    let page = marie.get(&format!("/demandes/{lyon}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Où en est notre demande ?");
    assert_eq!(
        marie.get(&format!("/demandes/{grenoble}")).await.status,
        StatusCode::NOT_FOUND
    );
    drop(portal);
    drop(db);
    drop(role);
}
