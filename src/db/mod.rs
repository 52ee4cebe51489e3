//! Storage: one code path for SQLite and PostgreSQL through diesel's multi-connection.

pub mod access_reviews;
pub mod api;
pub mod assignments;
pub mod attachments;
pub mod audit;
pub mod backup;
pub mod bans;
pub mod bulk;
pub mod dashboard;
pub mod demandes;
pub mod events;
pub mod habilitations;
pub mod holder_notices;
pub mod lapse;
mod locks;
pub mod message_templates;
pub mod messages;
pub mod models;
pub mod opinions;
pub mod organisations;
pub mod outbox;
pub mod prepared_drafts;
pub mod risks;
pub mod schema;
pub mod sessions;
pub mod stats;
pub mod support;
pub mod teams;
pub mod throttle;
pub mod users;
pub mod webhooks;
pub mod weekly_digests;

pub use locks::{lock_admins, lock_demande, lock_named};

use std::time::Duration;

use anyhow::Context;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// A connection to either backend; queries written once work on both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// `postgres://...` is PostgreSQL; anything else is a SQLite file path.
    pub fn of(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// Opens connections of the configured backend (and sets SQLite's pragmas on each).
#[derive(Debug, Clone)]
pub struct Manager {
    backend: Backend,
    url: String,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.url)
                .map(DbConnection::Postgresql)
                .map_err(r2d2::Error::ConnectionError),
            Backend::Sqlite => {
                let mut conn =
                    SqliteConnection::establish(&self.url).map_err(r2d2::Error::ConnectionError)?;
                diesel::sql_query("PRAGMA busy_timeout = 10000")
                    .execute(&mut conn)
                    .and_then(|_| diesel::sql_query("PRAGMA foreign_keys = ON").execute(&mut conn))
                    .and_then(|_| {
                        diesel::sql_query("PRAGMA synchronous = NORMAL").execute(&mut conn)
                    })
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    /// Not called: the pool does not test connections on checkout (a `SELECT 1` round trip
    /// per checkout, several per page); a dead one is found by [`Self::has_broken`] or by
    /// [`Db::run`] after it failed instead.
    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        ping(conn).map_err(r2d2::Error::QueryError)
    }

    /// Not reused: a connection left inside a failed transaction, or one whose server is gone
    /// (diesel then finds its transaction status unknown and marks it broken): the pool opens
    /// a new one in its place, so a restart of the database fails one request per connection.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        conn.is_broken()
    }
}

pub type Pool = r2d2::Pool<Manager>;

/// Refreshes the planner's statistics after a bulk load; on PostgreSQL also vacuums, which
/// merges the full-text index's pending entries (until then every search reads them all: 8 ms
/// instead of 1 for a rare word at a million demandes).
pub fn analyze(conn: &mut DbConnection) -> QueryResult<()> {
    let sql = match conn {
        DbConnection::Postgresql(_) => "VACUUM ANALYZE",
        DbConnection::Sqlite(_) => "ANALYZE",
    };
    diesel::sql_query(sql).execute(conn).map(|_| ())
}

/// Runs applicant-side work behind PostgreSQL's second wall: for this transaction, rows of
/// demandes, messages and files of other organisations than `organisations` are invisible to
/// every query (migration `organisation_wall`), whatever the application's own filter says.
/// No organisation: nothing is visible. On SQLite, the work alone.
pub fn within_organisations<T, E, F>(
    conn: &mut DbConnection,
    organisations: &[i64],
    work: F,
) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    if !matches!(conn, DbConnection::Postgresql(_)) {
        return work(conn);
    }
    // No organisation: an id no row has (an empty setting would mean "no wall").
    let list = match organisations {
        [] => "0".to_string(),
        ids => ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
    };
    conn.transaction(|conn| {
        diesel::sql_query("SELECT set_config('habilis.organisations', $1, true)")
            .bind::<diesel::sql_types::Text, _>(list)
            .execute(conn)?;
        work(conn)
    })
}

/// Why the portal's PostgreSQL role is more powerful than it should be: a superuser, or the
/// owner of the tables (both could rewrite the audit log). None on SQLite.
pub fn too_powerful(conn: &mut DbConnection) -> anyhow::Result<Option<String>> {
    #[derive(QueryableByName)]
    struct Powers {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        superuser: bool,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        owner: bool,
    }
    let DbConnection::Postgresql(pg) = conn else {
        return Ok(None);
    };
    let powers: Powers = diesel::sql_query(
        "SELECT current_user::text AS name, \
                (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser, \
                EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'audit_log' \
                        AND tableowner = current_user) AS owner",
    )
    .get_result(pg)?;
    Ok(match (powers.superuser, powers.owner) {
        (true, _) => Some(format!(
            "the portal connects to PostgreSQL as « {} », a superuser: it could rewrite the audit log. Connect it as a member of habilis_portal (README, \"PostgreSQL: two roles\").",
            powers.name
        )),
        (false, true) => Some(format!(
            "the portal connects to PostgreSQL as « {} », the owner of the tables: it could rewrite the audit log. Run migrations as the owner, the portal as a member of habilis_portal (README, \"PostgreSQL: two roles\").",
            powers.name
        )),
        _ => None,
    })
}

/// How many migrations this build knows that the database has not applied. Read from the
/// migrations' table alone: the portal's PostgreSQL role may read it but not create it, which
/// diesel's own check would try.
pub fn pending_migrations(conn: &mut DbConnection) -> anyhow::Result<usize> {
    use diesel::migration::MigrationSource;
    #[derive(QueryableByName)]
    struct Applied {
        #[diesel(sql_type = diesel::sql_types::Text)]
        version: String,
    }
    let known: Vec<String> = match conn {
        DbConnection::Postgresql(_) => {
            MigrationSource::<diesel::pg::Pg>::migrations(&PG_MIGRATIONS)
                .map(|m| m.iter().map(|m| m.name().version().to_string()).collect())
        }
        DbConnection::Sqlite(_) => {
            MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE_MIGRATIONS)
                .map(|m| m.iter().map(|m| m.name().version().to_string()).collect())
        }
    }
    .map_err(|e| anyhow::anyhow!("migrations illisibles : {e}"))?;
    // No table yet: a new database, every migration pending. Any other error is told.
    let applied: Vec<String> =
        match diesel::sql_query("SELECT version FROM __diesel_schema_migrations")
            .load::<Applied>(conn)
        {
            Ok(rows) => rows.into_iter().map(|r| r.version).collect(),
            Err(e)
                if ["does not exist", "no such table"]
                    .iter()
                    .any(|m| e.to_string().contains(m)) =>
            {
                Vec::new()
            }
            Err(e) => anyhow::bail!("migrations illisibles : {e}"),
        };
    Ok(known.iter().filter(|v| !applied.contains(v)).count())
}

/// Whether the database answers.
pub fn ping(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT 1").execute(conn).map(|_| ())
}

/// A transaction that writes. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`):
/// a deferred transaction that reads then writes fails at once with SQLITE_BUSY when another
/// writer committed meanwhile, instead of waiting its turn.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    if !matches!(conn, DbConnection::Sqlite(_)) {
        return conn.transaction(work);
    }
    if let DbConnection::Sqlite(inner) = conn {
        AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
    }
    let result = work(conn);
    if let DbConnection::Sqlite(inner) = conn {
        match &result {
            Ok(_) => AnsiTransactionManager::commit_transaction(inner)?,
            Err(_) => AnsiTransactionManager::rollback_transaction(inner)?,
        }
    }
    result
}

/// The database: a pool of connections and what backend they speak.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: Backend,
    /// As many permits as connections: work waits here, on the runtime, rather than on a
    /// blocking thread of its own each, contending for the pool's lock (each such thread
    /// also keeps memory of its own: SQLite's allocations go to a malloc arena per thread).
    permits: std::sync::Arc<tokio::sync::Semaphore>,
    /// Opens a connection in place of one found dead.
    manager: Manager,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password: never printed.
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Db {
    /// Opens a pool on `url` (a `postgres://` URL or a SQLite file path, created if missing).
    pub fn connect(url: &str, max_size: u32) -> anyhow::Result<Db> {
        let backend = Backend::of(url);
        let url = url.strip_prefix("sqlite://").unwrap_or(url).to_string();
        if backend == Backend::Sqlite {
            // WAL once, before the pool opens several connections: readers never wait for the writer.
            let mut conn = SqliteConnection::establish(&url)
                .with_context(|| format!("impossible d'ouvrir la base SQLite « {url} »"))?;
            diesel::sql_query("PRAGMA journal_mode = WAL")
                .execute(&mut conn)
                .context("passage de SQLite en mode WAL")?;
        }
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .test_on_check_out(false)
            .connection_timeout(Duration::from_secs(10))
            .build(Manager {
                backend,
                url: url.clone(),
            })
            .context("impossible de se connecter à la base de données")?;
        Ok(Db {
            pool,
            backend,
            manager: Manager { backend, url },
            permits: std::sync::Arc::new(tokio::sync::Semaphore::new(max_size as usize)),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies the pending migrations of the backend.
    pub fn migrate(&self) -> anyhow::Result<()> {
        let mut conn = self.pool.get().context("connexion pour les migrations")?;
        // Nothing to do: the portal's role, which may not create tables, starts as well.
        if pending_migrations(&mut conn)? == 0 {
            return Ok(());
        }
        let result = match &mut *conn {
            DbConnection::Postgresql(c) => c.run_pending_migrations(PG_MIGRATIONS).map(|_| ()),
            DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        };
        result.map_err(|e| anyhow::anyhow!("échec des migrations : {e}"))
    }

    /// Runs blocking database work on the blocking thread pool. When the work fails and the
    /// connection no longer answers, a new one takes its place in the pool: diesel marks a
    /// dropped connection broken only when libpq has noticed (seen in CI: all four of a pool
    /// failing request after request), a `SELECT 1` after a failure always tells.
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<anyhow::Error> + Send + 'static,
    {
        let pool = self.pool.clone();
        let manager = self.manager.clone();
        let permit = self.permits.clone().acquire_owned().await.map_err(|e| {
            E::from(anyhow::anyhow!(
                "file d'attente de la base de données fermée : {e}"
            ))
        })?;
        let joined = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut conn = pool
                .get()
                .context("aucune connexion à la base de données disponible")?;
            let result = work(&mut conn);
            if result.is_err()
                && ping(&mut conn).is_err()
                && let Ok(fresh) = manager.connect()
            {
                *conn = fresh;
            }
            result
        })
        .await;
        match joined {
            Ok(result) => result,
            Err(e) => Err(E::from(anyhow::anyhow!(
                "tâche de base de données interrompue : {e}"
            ))),
        }
    }

    /// A connection for start-up and command-line work.
    pub fn get(&self) -> anyhow::Result<r2d2::PooledConnection<Manager>> {
        self.pool
            .get()
            .context("aucune connexion à la base de données disponible")
    }
}
