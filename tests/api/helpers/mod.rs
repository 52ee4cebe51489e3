//! The test harness: the real app on port 0 with its own database (a copy of a template
//! migrated and seeded once per run: a SQLite file, or a PostgreSQL database when
//! HABILIS_TEST_DATABASE_URL is set), one pool for the helpers that reach the database
//! directly, and clients that act like people.

mod browser;
pub mod companions;
mod database;
mod fixtures;
mod outbox;

use std::path::PathBuf;
use std::sync::LazyLock;

use habilis::catalog::{self, Catalog};
use habilis::config::{Environment, Settings, random_key};
use habilis::db::Db;
use habilis::startup::Application;

pub use browser::{Browser, Page, demo_login_path, demo_user_id};
pub use fixtures::instructor_of;
pub use outbox::{email_to, recipients_of};

pub struct TestApp {
    pub address: String,
    pub database_url: String,
    pub catalog: Catalog,
    /// The pool every helper reaching the database directly shares.
    pub db: Db,
    env: Environment,
    /// The settings given beyond the defaults (the command line gets them too).
    extra: Vec<(String, String)>,
    /// Last: dropped after the pool, when nobody in the test holds the database any more.
    _database: database::TestDatabase,
}

pub fn providers_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("providers")
}

/// The shipped providers, read once.
fn shipped_catalog() -> Catalog {
    static CATALOG: LazyLock<Catalog> =
        LazyLock::new(|| catalog::load_dir(&providers_dir()).expect("providers load"));
    CATALOG.clone()
}

/// Settings as an operator would give them, through the environment.
pub fn settings_with(env: Environment, database_url: &str, extra: &[(&str, &str)]) -> Settings {
    let providers = providers_dir().display().to_string();
    let key = random_key();
    let mut vars: std::collections::HashMap<String, String> = [
        ("HABILIS_ENV", env.as_str()),
        ("DATABASE_URL", database_url),
        ("HABILIS_BIND", "127.0.0.1:0"),
        ("HABILIS_PROVIDERS_DIR", &providers),
        ("HABILIS_SESSION_KEY", &key),
        ("HABILIS_BASE_URL", "http://127.0.0.1"),
        ("HABILIS_DB_POOL_SIZE", "4"),
        ("HABILIS_SEED_DEMO", "true"),
        // No background worker: a test delivers the outbox when it wants to, with
        // `TestApp::deliver` (the worker's own pass), so nothing is waited for.
        ("HABILIS_WORKER", "false"),
        ("HABILIS_OUTBOX_BACKOFF_MS", "50"),
        // Never the real company directory from a test.
        ("HABILIS_COMPANY_API_URL", "off"),
        ("HABILIS_LOGIN_RATE_PER_MINUTE", "100000"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    // Files beside the SQLite file by default; a PostgreSQL test's in a folder named after its
    // database, never in the working tree.
    if database_url.starts_with("postgres") {
        let name = database_url.rsplit('/').next().unwrap_or("pg");
        let name = name.split('?').next().unwrap_or(name);
        let dir = std::env::temp_dir().join(format!("habilis-fichiers-{name}"));
        vars.insert("HABILIS_FILES_DIR".to_string(), dir.display().to_string());
    }
    for (k, v) in extra {
        vars.insert(k.to_string(), v.to_string());
    }
    Settings::from_sources(std::path::Path::new("/nonexistent"), &vars).expect("test settings")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_in(Environment::Dev).await
}

pub async fn spawn_app_in(env: Environment) -> TestApp {
    if env == Environment::Dev {
        return spawn_app_with(env, &[]).await;
    }
    // Production requires an SMTP server (a closed port, where emails simply wait), an
    // identity provider (one that publishes its discovery document and nothing else) and an
    // audit key.
    let issuer = discovery_only_issuer().await;
    let audit_key = random_key();
    spawn_app_with(
        env,
        &[
            ("HABILIS_SMTP_HOST", "127.0.0.1"),
            ("HABILIS_SMTP_PORT", "1"),
            ("HABILIS_SMTP_TLS", "none"),
            ("HABILIS_OIDC_ISSUER", &issuer),
            ("HABILIS_OIDC_CLIENT_ID", "habilis"),
            ("HABILIS_OIDC_CLIENT_SECRET", "secret-de-test"),
            ("HABILIS_AUDIT_KEY", &audit_key),
        ],
    )
    .await
}

/// An OpenID provider on loopback that answers discovery (and an empty key set), enough for
/// habilis to start; nobody signs in through it.
pub async fn discovery_only_issuer() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let discovery = serde_json::json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/auth"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    })
    .to_string();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let n = socket.read(&mut buf).await.unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]).to_string();
            let body = if request.starts_with("GET /.well-known/openid-configuration") {
                discovery.clone()
            } else {
                r#"{"keys":[]}"#.to_string()
            };
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(answer.as_bytes()).await;
        }
    });
    issuer
}

/// Another instance of the app on the same database (as behind a load balancer); returns its
/// address. `extra` must repeat the first instance's session key for cookies to be shared.
pub async fn spawn_instance(app: &TestApp, env: Environment, extra: &[(&str, &str)]) -> String {
    let instance = Application::build(settings_with(env, &app.database_url, extra))
        .await
        .expect("the second instance starts");
    let address = format!("http://127.0.0.1:{}", instance.port());
    tokio::spawn(instance.run_until_stopped());
    address
}

/// The app and a second instance on its database sharing its session key (a cookie from one
/// works on the other, as behind a load balancer); returns the app and the second's address.
pub async fn spawn_two_instances() -> (TestApp, String) {
    let key = habilis::config::random_key();
    let shared = [("HABILIS_SESSION_KEY", key.as_str())];
    let app = spawn_app_with(Environment::Dev, &shared).await;
    let other = spawn_instance(&app, Environment::Dev, &shared).await;
    (app, other)
}

/// The app sending its emails to the SMTP server on `port` (the tests' sink), without TLS.
pub async fn spawn_app_with_smtp(port: u16) -> TestApp {
    let port = port.to_string();
    spawn_app_with(
        Environment::Dev,
        &[
            ("HABILIS_SMTP_HOST", "127.0.0.1"),
            ("HABILIS_SMTP_PORT", &port),
            ("HABILIS_SMTP_TLS", "none"),
            (
                "HABILIS_MAIL_FROM",
                "habilis <ne-pas-repondre@habilis.example>",
            ),
        ],
    )
    .await
}

/// The app with more settings, e.g. an SMTP server.
pub async fn spawn_app_with(env: Environment, extra: &[(&str, &str)]) -> TestApp {
    spawn_stoppable(env, extra).await.0
}

/// The app, the handle that stops it gracefully, and its task, which ends once the server and
/// its worker have stopped.
pub async fn spawn_stoppable(
    env: Environment,
    extra: &[(&str, &str)],
) -> (
    TestApp,
    actix_web::dev::ServerHandle,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let database = database::fresh_database();
    let app = Application::build(settings_with(env, &database.url, extra))
        .await
        .expect("the app starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    let running = tokio::spawn(app.run_until_stopped());
    let app = TestApp {
        address,
        database_url: database.url.clone(),
        catalog: shipped_catalog(),
        db: Db::connect(&database.url, 2).expect("the tests' pool"),
        env,
        extra: extra
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        _database: database,
    };
    (app, handle, running)
}

impl TestApp {
    /// The settings this app was started with (but another session key).
    pub fn settings(&self) -> Settings {
        let extra: Vec<(&str, &str)> = self
            .extra
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        settings_with(self.env, &self.database_url, &extra)
    }

    /// A connection of the tests' pool.
    pub fn conn(&self) -> diesel::r2d2::PooledConnection<habilis::db::Manager> {
        self.db.get().expect("a connection of the tests' pool")
    }

    /// Plays the attacker who holds the database itself, to show the audit chain still
    /// catches them: on SQLite, drops the triggers that keep the audit log and the events
    /// insert-only (on PostgreSQL the tests connect as a superuser, whom no grant stops).
    pub fn drop_insert_only_guards(&self) {
        use diesel::RunQueryDsl;
        let mut conn = self.conn();
        if let habilis::db::DbConnection::Sqlite(c) = &mut *conn {
            for trigger in [
                "audit_log_no_update",
                "audit_log_no_delete",
                "events_no_update",
                "events_no_delete",
            ] {
                diesel::sql_query(format!("DROP TRIGGER {trigger}"))
                    .execute(c)
                    .unwrap();
            }
        }
    }

    /// The app's services on the tests' pool, to run scheduled jobs (reminders, digests) with
    /// a clock of the test's choosing.
    pub fn services(&self) -> std::sync::Arc<habilis::services::App> {
        std::sync::Arc::new(
            habilis::services::App::new(self.db.clone(), self.catalog.clone(), self.settings())
                .unwrap(),
        )
    }

    /// The real `habilis` binary, with this app's database and settings.
    pub fn cli(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_habilis"));
        cmd.env("DATABASE_URL", &self.database_url)
            .env("HABILIS_PROVIDERS_DIR", providers_dir())
            .env("HABILIS_ENV", "dev")
            .envs(self.extra.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        cmd
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.address)
    }

    /// Another browser holding a copy of these cookies (a stolen or shared cookie).
    pub fn browser_with_cookies(&self, address: &str, cookies: &str) -> Browser {
        let browser = Browser::new(address);
        let url: reqwest::Url = address.parse().unwrap();
        for pair in cookies.split("; ") {
            browser.jar.add_cookie_str(pair, &url);
        }
        browser
    }

    /// Signs in with the dev login as the demo account with this email.
    pub async fn login_as(&self, email: &str) -> Browser {
        let browser = self.browser();
        browser.sign_in_as(email).await;
        browser
    }
}
