//! Each test's own database, copied from a template that is migrated and seeded once per run:
//! a SQLite file copied from a template file, or a PostgreSQL database made with
//! `CREATE DATABASE .. TEMPLATE ..` beside the run's database. Dropped with the test's app
//! (PostgreSQL's in the background; `.ci/run` sweeps what a run's end cut short).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use diesel::{Connection, PgConnection, RunQueryDsl};
use habilis::config::{Environment, random_key};

use super::settings_with;

/// A database that lives as long as the test that uses it.
pub struct TestDatabase {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFile(PathBuf),
    Postgres { name: String },
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteFile(file) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
                }
            }
            // Dropped beside the next tests, not before them: with FORCE, PostgreSQL waits for
            // the app's connections to go, which took 0.5 to 1 s a test on a busy server and
            // made the run slower than migrating every database. A drop the end of the run
            // cuts short leaves a database that `.ci/run` sweeps with the run's database.
            Cleanup::Postgres { name } => {
                if let Some(run) = PostgresRun::from_env() {
                    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    std::thread::spawn(move || run.admin(&sql));
                }
            }
        }
    }
}

fn unique_suffix() -> String {
    random_key()[..16].to_lowercase()
}

/// A fresh database: a copy of the run's template.
pub fn fresh_database() -> TestDatabase {
    match PostgresRun::from_env() {
        Some(run) => {
            let template = run.template();
            // Named after the run's database, so the run can drop exactly its own.
            let name = format!("{}_t{}", run.database, unique_suffix());
            // A test's database outlives no crash: its commits need not wait for the disk
            // (each request writes its session), which is most of a test's time on a busy server.
            for sql in [
                format!("CREATE DATABASE {name} TEMPLATE {template}"),
                format!("ALTER DATABASE {name} SET synchronous_commit = off"),
            ] {
                run.admin(&sql)
                    .expect("create the test database from the template");
            }
            TestDatabase {
                url: run.url_of(&name),
                cleanup: Cleanup::Postgres { name },
            }
        }
        None => {
            let file = std::env::temp_dir().join(format!("habilis_test_{}.db", unique_suffix()));
            std::fs::copy(sqlite_template(), &file).expect("copy the SQLite template");
            TestDatabase {
                url: file.display().to_string(),
                cleanup: Cleanup::SqliteFile(file),
            }
        }
    }
}

/// What a template holds: the migrations and the demo accounts, as the app makes them at
/// start-up (the app's own start-up then finds nothing to do, and checks so).
fn migrate_and_seed(url: &str) {
    let (_, db) = habilis::startup::prepare(&settings_with(Environment::Dev, url, &[]))
        .expect("the template migrates and seeds");
    // Everything in the main file before it is copied or cloned.
    if url.starts_with("postgres") {
        return;
    }
    diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut db.get().unwrap())
        .unwrap();
}

/// Differs whenever the test binary does, hence whenever migrations or seeding may: a template
/// is never reused across builds.
fn build_stamp() -> String {
    use std::hash::{Hash, Hasher};
    let exe = std::env::current_exe().expect("the test binary");
    let meta = std::fs::metadata(&exe).expect("the test binary's metadata");
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (exe, meta.len(), meta.modified().ok()).hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// The SQLite template of this build, made once; a rename publishes it whole, so test binaries
/// running at once never copy a half-made one.
fn sqlite_template() -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let template = dir.join(format!("habilis_template_{}.db", build_stamp()));
        if !template.exists() {
            let building = dir.join(format!("habilis_template_{}.db", unique_suffix()));
            migrate_and_seed(&building.display().to_string());
            std::fs::rename(&building, &template).expect("publish the SQLite template");
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", building.display()));
            }
        }
        template
    })
}

/// The run's PostgreSQL server and database, from HABILIS_TEST_DATABASE_URL.
struct PostgresRun {
    base: String,
    server: String,
    database: String,
    params: String,
}

impl PostgresRun {
    fn from_env() -> Option<PostgresRun> {
        let base = std::env::var("HABILIS_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        let (path, params) = base.split_once('?').unwrap_or((&base, ""));
        let (server, database) = path
            .rsplit_once('/')
            .expect("database URL ends with /dbname");
        Some(PostgresRun {
            server: server.to_string(),
            database: database.to_string(),
            params: if params.is_empty() {
                String::new()
            } else {
                format!("?{params}")
            },
            base,
        })
    }

    fn url_of(&self, name: &str) -> String {
        format!("{}/{name}{}", self.server, self.params)
    }

    /// Runs a statement on the run's database. A connection each: tests create and drop
    /// their databases side by side (a shared one made them take turns, at ~0.5 s a turn).
    fn admin(&self, sql: &str) -> diesel::QueryResult<usize> {
        let mut conn = PgConnection::establish(&self.base).expect("PostgreSQL for tests");
        diesel::sql_query(sql).execute(&mut conn)
    }

    /// The template of this build, made once per run: the first test makes it while the
    /// others wait, in this binary (`OnceLock`) and in any other started at once (an advisory
    /// lock); a rename publishes it whole.
    fn template(&self) -> &'static str {
        static TEMPLATE: OnceLock<String> = OnceLock::new();
        TEMPLATE.get_or_init(|| {
            let name = format!("{}_tpl{}", self.database, build_stamp());
            let mut conn = PgConnection::establish(&self.base).expect("PostgreSQL for tests");
            diesel::sql_query("SELECT pg_advisory_lock(7270010)")
                .execute(&mut conn)
                .unwrap();
            let exists: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(
                &format!("EXISTS (SELECT 1 FROM pg_database WHERE datname = '{name}')"),
            ))
            .get_result(&mut conn)
            .unwrap();
            if !exists {
                let building = format!("{name}_b");
                for sql in [
                    format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"),
                    format!("CREATE DATABASE {building}"),
                ] {
                    diesel::sql_query(sql).execute(&mut conn).unwrap();
                }
                migrate_and_seed(&self.url_of(&building));
                // The pool is gone; its server processes may still be on their way out, and a
                // database is renamed only once nobody is connected (this waits for them).
                diesel::sql_query(format!(
                    "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = '{building}'"
                ))
                .execute(&mut conn)
                .unwrap();
                diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {name}"))
                    .execute(&mut conn)
                    .unwrap();
            }
            diesel::sql_query("SELECT pg_advisory_unlock(7270010)")
                .execute(&mut conn)
                .unwrap();
            name
        })
    }
}
