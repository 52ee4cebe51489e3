//! The pool hands out connections without testing each one first (a `SELECT 1` per checkout,
//! several per page): one the database dropped is replaced after the request it failed, so a
//! restart of the database costs each pooled connection one failed request at most.

use diesel::RunQueryDsl;
use reqwest::StatusCode;

use crate::helpers::spawn_app;

/// The tests' pool size (`HABILIS_DB_POOL_SIZE` in the helpers' settings).
const POOL_SIZE: usize = 4;

#[tokio::test]
#[cfg_attr(
    habilis_no_postgres,
    ignore = "needs PostgreSQL (a SQLite file cannot drop a connection): set HABILIS_TEST_DATABASE_URL, as CI does"
)]
async fn connections_the_database_dropped_are_replaced_after_one_failure_each() {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    // Every connection of the pool in use once, so that each is open.
    let pages = futures_util::future::join_all((0..8).map(|_| marie.get("/demandes"))).await;
    assert!(pages.iter().all(|p| p.status == StatusCode::OK));

    // The database ends every other session, the app's among them, as a restart does.
    diesel::sql_query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .execute(&mut app.conn())
    .unwrap();

    let mut failed = 0;
    for _ in 0..(POOL_SIZE * 3) {
        if marie.get("/demandes").await.status != StatusCode::OK {
            failed += 1;
        }
    }
    assert!(
        failed <= POOL_SIZE,
        "{failed} requests failed: a dropped connection is replaced after its first failure"
    );
    for _ in 0..10 {
        assert_eq!(marie.get("/demandes").await.status, StatusCode::OK);
    }
}
