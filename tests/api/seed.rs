//! `habilis seed --demandes N`: on PostgreSQL it sets the tables' indexes, foreign keys and
//! counting triggers aside for the load and puts them back in the same transaction. What it
//! leaves must be the schema it found, with its triggers at work.

use diesel::RunQueryDsl;

use crate::counts::assert_tabs_match_the_database;
use crate::helpers::{TestApp, spawn_app};

/// Every index, constraint and trigger of the database, as the database writes them.
fn schema(app: &TestApp) -> Vec<String> {
    #[derive(diesel::QueryableByName)]
    struct Definition {
        #[diesel(sql_type = diesel::sql_types::Text)]
        definition: String,
    }
    let sql = if app.database_url.starts_with("postgres") {
        "SELECT indexdef AS definition FROM pg_indexes WHERE schemaname = current_schema() \
         UNION ALL SELECT conrelid::regclass || ' ' || pg_get_constraintdef(oid) FROM pg_constraint \
         UNION ALL SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal \
         ORDER BY 1"
    } else {
        // The statistics tables appear with the seed's ANALYZE.
        "SELECT sql AS definition FROM sqlite_master \
          WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_stat%' ORDER BY 1"
    };
    diesel::sql_query(sql)
        .load::<Definition>(&mut app.conn())
        .unwrap()
        .into_iter()
        .map(|d| d.definition)
        .collect()
}

#[tokio::test]
async fn a_seed_leaves_the_schema_as_it_found_it_with_its_triggers_at_work() {
    let app = spawn_app().await;
    let before = schema(&app);
    assert!(before.len() > 20, "{before:?}");
    let seeded = habilis::services::seed::seed_demandes(&mut app.conn(), &app.catalog, 300);
    assert_eq!(seeded.unwrap(), 300);
    assert_eq!(schema(&app), before);

    // The seeded demandes are counted in the tabs...
    assert_tabs_match_the_database(&app, "/instruction").await;
    // ... and a demande submitted after the seed moves them, as the triggers do.
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    app.submitted_demande(&marie, "api-entreprise").await;
    assert_tabs_match_the_database(&app, "/instruction").await;
}
