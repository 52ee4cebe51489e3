//! The test harness: the real app on port 0 with its own database (a SQLite file, or a fresh
//! PostgreSQL database when HABILIS_TEST_DATABASE_URL is set), and clients that act like people.

use std::path::PathBuf;

use diesel::{Connection, PgConnection, RunQueryDsl};
use habilis::catalog::{self, Catalog};
use habilis::config::{Environment, Settings, random_key};
use habilis::domain::form::{CONTACT_PARTS, FieldKind, SCOPES_KEY};
use habilis::startup::Application;
use regex::Regex;
use reqwest::StatusCode;

pub struct TestApp {
    pub address: String,
    pub database_url: String,
    pub catalog: Catalog,
    /// The settings given beyond the defaults (the command line gets them too).
    extra: Vec<(String, String)>,
    sqlite_file: Option<PathBuf>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(file) = &self.sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
    }
}

fn unique_suffix() -> String {
    random_key()[..16].to_lowercase()
}

/// A fresh database: a new SQLite file, or a new PostgreSQL database next to the given one.
fn fresh_database() -> (String, Option<PathBuf>) {
    match std::env::var("HABILIS_TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
            // Named after the run's database, so the run can drop exactly its own.
            let (path, params) = base.split_once('?').unwrap_or((&base, ""));
            let (server, run_db) = path
                .rsplit_once('/')
                .expect("database URL ends with /dbname");
            let name = format!("{run_db}_t{}", unique_suffix());
            let mut conn = PgConnection::establish(&base).expect("PostgreSQL for tests");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .expect("create test database");
            let params = if params.is_empty() {
                String::new()
            } else {
                format!("?{params}")
            };
            (format!("{server}/{name}{params}"), None)
        }
        _ => {
            let file = std::env::temp_dir().join(format!("habilis_test_{}.db", unique_suffix()));
            (file.display().to_string(), Some(file))
        }
    }
}

pub fn providers_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("providers")
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
        ("HABILIS_OUTBOX_POLL_MS", "20"),
        ("HABILIS_OUTBOX_BACKOFF_MS", "50"),
        // Never the real company directory from a test.
        ("HABILIS_COMPANY_API_URL", "off"),
        ("HABILIS_LOGIN_RATE_PER_MINUTE", "100000"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
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

/// The app with more settings, e.g. an SMTP server.
pub async fn spawn_app_with(env: Environment, extra: &[(&str, &str)]) -> TestApp {
    let (database_url, sqlite_file) = fresh_database();
    let app = Application::build(settings_with(env, &database_url, extra))
        .await
        .expect("the app starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let catalog = catalog::load_dir(&providers_dir()).expect("providers load");
    TestApp {
        address,
        database_url,
        catalog,
        extra: extra
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        sqlite_file,
    }
}

/// Someone with a browser: keeps cookies, does not follow redirects.
pub struct Browser {
    pub client: reqwest::Client,
    pub address: String,
    jar: std::sync::Arc<reqwest::cookie::Jar>,
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    /// The page's CSRF token.
    pub fn csrf(&self) -> String {
        let re = Regex::new(r#"name="_csrf" value="([^"]+)""#).unwrap();
        re.captures(&self.body)
            .map(|c| c[1].to_string())
            .expect("a form with a CSRF token")
    }

    /// The body with HTML entities decoded, as a person reads it.
    pub fn text(&self) -> String {
        self.body
            .replace("&#x27;", "'")
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&#34;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#38;", "&")
            .replace("&amp;", "&")
    }

    pub fn assert_contains(&self, text: &str) {
        assert!(
            self.text().contains(text),
            "expected « {text} » in the page ({}):\n{}",
            self.status,
            self.body
        );
    }
}

/// The id of a demo account, read from the dev login page.
pub fn demo_user_id(login_page: &Page, email: &str) -> String {
    let re = Regex::new(
        r#"name="user_id" value="(\d+)">\s*<h2>[^<]*</h2>\s*<p class="muted">([^<]+)</p>"#,
    )
    .unwrap();
    re.captures_iter(&login_page.body)
        .find(|c| &c[2] == email)
        .map(|c| c[1].to_string())
        .unwrap_or_else(|| panic!("no demo account {email}"))
}

impl TestApp {
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
        self.browser_at(&self.address)
    }

    /// A browser for another address (another instance of the app).
    pub fn browser_at(&self, address: &str) -> Browser {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser {
            client,
            address: address.to_string(),
            jar,
        }
    }

    /// Another browser holding a copy of these cookies (a stolen or shared cookie).
    pub fn browser_with_cookies(&self, address: &str, cookies: &str) -> Browser {
        let browser = self.browser_at(address);
        let url: reqwest::Url = address.parse().unwrap();
        for pair in cookies.split("; ") {
            browser.jar.add_cookie_str(pair, &url);
        }
        browser
    }

    /// Signs in with the dev login as the demo account with this email.
    pub async fn login_as(&self, email: &str) -> Browser {
        let browser = self.browser();
        let page = browser.get("/connexion").await;
        let re = Regex::new(
            r#"name="user_id" value="(\d+)">\s*<h2>[^<]*</h2>\s*<p class="muted">([^<]+)</p>"#,
        )
        .unwrap();
        let id = re
            .captures_iter(&page.body)
            .find(|c| &c[2] == email)
            .map(|c| c[1].to_string())
            .unwrap_or_else(|| panic!("no demo account {email}"));
        let done = browser
            .post(
                "/connexion/demo",
                &[("_csrf", &page.csrf()), ("user_id", &id)],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        browser
    }

    /// Gives a role to a (new) person, straight in the database.
    pub fn grant_role(&self, email: &str, provider: &str, role: &str) {
        let db = habilis::db::Db::connect(&self.database_url, 1).unwrap();
        let mut conn = db.get().unwrap();
        let user = person(&mut conn, email, "Second", "Instructeur");
        habilis::db::users::grant_role(
            &mut conn,
            user.id,
            provider,
            role,
            habilis::services::now(),
        )
        .unwrap();
    }

    /// Valid answers for every field of a provider, step by step.
    pub fn complete_answers(&self, provider: &str) -> Vec<Vec<(String, String)>> {
        let provider = self.catalog.get(provider).unwrap();
        let form = &provider.form;
        provider
            .form
            .steps
            .iter()
            .map(|step| {
                let mut pairs = Vec::new();
                for field in &step.fields {
                    let value = |kind: FieldKind| -> String {
                        match kind {
                            FieldKind::Text | FieldKind::Textarea => "Tarification sociale de la cantine".to_string(),
                            FieldKind::Email => "marie.dupont@mairie-lyon.fr".to_string(),
                            FieldKind::Phone => "04 72 10 30 30".to_string(),
                            FieldKind::Url => "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000031366350".to_string(),
                            FieldKind::Number => field.min.map_or(12.0, |m| m.max(12.0)).to_string(),
                            FieldKind::Date => "2027-01-31".to_string(),
                            FieldKind::Checkbox => "oui".to_string(),
                            FieldKind::Siret => "21690123100011".to_string(),
                            _ => field.options.first().map(|o| o.value.clone()).unwrap_or_default(),
                        }
                    };
                    match field.kind {
                        FieldKind::Contact => {
                            for (part, _, kind) in CONTACT_PARTS {
                                pairs.push((format!("{}_{part}", field.id), value(kind)));
                            }
                        }
                        FieldKind::Scopes => {
                            // The first scope of each group with a minimum, or the first scope.
                            let mut chosen: Vec<String> = form
                                .scope_rules
                                .group_min
                                .iter()
                                .filter_map(|(g, _)| form.scopes.iter().find(|s| &s.group == g && !s.deprecated))
                                .map(|s| s.id.clone())
                                .collect();
                            if chosen.is_empty() {
                                chosen.push(form.scopes.iter().find(|s| !s.deprecated).unwrap().id.clone());
                            }
                            for id in chosen {
                                pairs.push((SCOPES_KEY.to_string(), id));
                            }
                        }
                        kind => pairs.push((field.id.clone(), value(kind))),
                    }
                }
                pairs
            })
            .collect()
    }
}

impl Browser {
    /// The cookies this browser sends (as a `Cookie` header).
    pub fn cookies(&self) -> String {
        use reqwest::cookie::CookieStore;
        let url: reqwest::Url = self.address.parse().unwrap();
        self.jar
            .cookies(&url)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }

    pub async fn get(&self, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("GET");
        Page::read(response).await
    }

    pub async fn post(&self, path: &str, pairs: &[(&str, &str)]) -> Page {
        let response = self
            .client
            .post(format!("{}{path}", self.address))
            .form(pairs)
            .send()
            .await
            .expect("POST");
        Page::read(response).await
    }

    /// Posts a raw body (for malformed input).
    pub async fn post_raw(&self, path: &str, body: Vec<u8>) -> Page {
        let response = self
            .client
            .post(format!("{}{path}", self.address))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("POST");
        Page::read(response).await
    }

    /// Starts a demande and returns its id.
    pub async fn start_demande(&self, provider: &str, template: &str) -> i64 {
        let page = self.get(&format!("/demandes/nouvelle/{provider}")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let done = self
            .post(
                "/demandes",
                &[
                    ("_csrf", &page.csrf()),
                    ("provider", provider),
                    ("template", template),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let location = done.location.unwrap();
        let id = location
            .trim_start_matches("/demandes/")
            .trim_end_matches("/etapes/1");
        id.parse()
            .unwrap_or_else(|_| panic!("unexpected redirect {location}"))
    }

    /// Posts a step of the form with the page's token.
    pub async fn fill(&self, id: i64, step: usize, pairs: &[(String, String)]) -> Page {
        let path = format!("/demandes/{id}/etapes/{step}");
        let csrf = self.get(&path).await.csrf();
        let mut body: Vec<(&str, &str)> = vec![("_csrf", &csrf), ("_action", "enregistrer")];
        body.extend(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        self.post(&path, &body).await
    }

    pub async fn submit(&self, id: i64, accept_cgu: bool) -> Page {
        let csrf = self.get("/demandes").await.csrf();
        let mut body = vec![("_csrf", csrf.as_str())];
        if accept_cgu {
            body.push(("cgu", "oui"));
        }
        self.post(&format!("/demandes/{id}/soumettre"), &body).await
    }

    /// An instructor's decision: "valider", "refuser", "demander-modifications", "archiver".
    pub async fn decide(&self, id: i64, action: &str, reason: &str) -> Page {
        let csrf = self.get("/instruction").await.csrf();
        self.post(
            &format!("/instruction/demandes/{id}/{action}"),
            &[("_csrf", &csrf), ("reason", reason)],
        )
        .await
    }
}

impl Page {
    async fn read(response: reqwest::Response) -> Page {
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        Page {
            status,
            location,
            headers,
            body,
        }
    }
}

impl TestApp {
    /// A demande of `provider` started, completed on every step and submitted by `applicant`.
    pub async fn submitted_demande(&self, applicant: &Browser, provider: &str) -> i64 {
        let id = applicant.start_demande(provider, "").await;
        for (step, pairs) in self.complete_answers(provider).iter().enumerate() {
            assert_eq!(
                applicant.fill(id, step + 1, pairs).await.status,
                StatusCode::SEE_OTHER
            );
        }
        assert_eq!(
            applicant.submit(id, true).await.status,
            StatusCode::SEE_OTHER
        );
        id
    }

    /// A demande started from a provider's template, completed on every step but the scopes
    /// (the template's are kept) and submitted by `applicant`.
    pub async fn submitted_from_template(
        &self,
        applicant: &Browser,
        provider: &str,
        template: &str,
    ) -> i64 {
        let id = applicant.start_demande(provider, template).await;
        for (step, pairs) in self.complete_answers(provider).iter().enumerate() {
            if !pairs.iter().any(|(key, _)| key == SCOPES_KEY) {
                assert_eq!(
                    applicant.fill(id, step + 1, pairs).await.status,
                    StatusCode::SEE_OTHER
                );
            }
        }
        assert_eq!(
            applicant.submit(id, true).await.status,
            StatusCode::SEE_OTHER
        );
        id
    }

    /// Every email of the outbox, oldest first.
    pub fn outbox(&self) -> Vec<habilis::db::outbox::OutboxRow> {
        let db = habilis::db::Db::connect(&self.database_url, 1).unwrap();
        let mut rows = habilis::db::outbox::recent_emails(&mut db.get().unwrap(), 10_000).unwrap();
        rows.reverse();
        rows
    }

    /// Waits (at most 15 s) until the outbox satisfies `done`, and returns it.
    pub async fn outbox_until(
        &self,
        what: &str,
        done: impl Fn(&[habilis::db::outbox::OutboxRow]) -> bool,
    ) -> Vec<habilis::db::outbox::OutboxRow> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        loop {
            let rows = self.outbox();
            if done(&rows) {
                return rows;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "outbox never reached: {what}: {rows:#?}"
            );
            tokio::task::yield_now().await;
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

impl TestApp {
    /// An email that gave up, as the worker leaves it; returns its outbox id.
    pub fn dead_letter(&self) -> i64 {
        let db = habilis::db::Db::connect(&self.database_url, 1).unwrap();
        let mut conn = db.get().unwrap();
        let now = habilis::services::now();
        habilis::db::outbox::insert(
            &mut conn,
            &habilis::db::outbox::NewOutboxRow {
                kind: habilis::db::outbox::Kind::Email.into(),
                topic: "submitted",
                demande_id: None,
                recipient: "perdu@exemple.fr",
                subject: "Un courriel perdu",
                body_text: "texte",
                body_html: "<p>texte</p>",
                unsubscribe_url: None,
                attempts: 8,
                next_attempt_at: now + chrono::Duration::days(365),
                created_at: now,
                secret_env: None,
            },
        )
        .unwrap();
        let id = habilis::db::outbox::recent_emails(&mut conn, 1).unwrap()[0].id;
        habilis::db::outbox::mark_failed(&mut conn, id, "550 5.1.1 Adresse inconnue", None, now)
            .unwrap();
        id
    }
}

impl TestApp {
    /// Makes a (new) person a member of an organisation, straight in the database.
    pub fn add_member(&self, email: &str, siret: &str) {
        let db = habilis::db::Db::connect(&self.database_url, 1).unwrap();
        let mut conn = db.get().unwrap();
        let user = person(&mut conn, email, "Agent", "Municipal");
        let org = self.organisation_id(siret);
        habilis::db::users::add_membership(&mut conn, user.id, org, true, habilis::services::now())
            .unwrap();
    }

    /// Ends a person's membership of an organisation, as a sign-in elsewhere does.
    pub fn lapse_member(&self, email: &str, siret: &str) {
        let db = habilis::db::Db::connect(&self.database_url, 1).unwrap();
        let mut conn = db.get().unwrap();
        let user = habilis::db::users::find_by_email(&mut conn, email)
            .unwrap()
            .unwrap();
        let org = self.organisation_id(siret);
        assert!(
            habilis::db::users::lapse_membership(&mut conn, user.id, org, habilis::services::now())
                .unwrap()
        );
    }

    /// The id of an organisation, by SIRET.
    pub fn organisation_id(&self, siret: &str) -> i64 {
        let db = habilis::db::Db::connect(&self.database_url, 1).unwrap();
        habilis::db::organisations::find_by_siret(&mut db.get().unwrap(), siret)
            .unwrap()
            .unwrap()
            .id
    }
}

impl TestApp {
    /// A rights-API token of a provider; returns its id.
    pub async fn api_token(&self, provider: &str) -> i64 {
        let settings = settings_with(Environment::Dev, &self.database_url, &[]);
        let db = habilis::db::Db::connect(&self.database_url, 1).unwrap();
        let app = habilis::services::App::new(db, self.catalog.clone(), settings);
        habilis::services::api::create_token(&app, provider, "SI de test")
            .await
            .unwrap()
            .0
    }
}

impl TestApp {
    /// A webhook delivery of a demande, as the outbox holds one; returns its id.
    pub fn webhook_delivery(&self, demande_id: i64) -> i64 {
        let db = habilis::db::Db::connect(&self.database_url, 1).unwrap();
        let mut conn = db.get().unwrap();
        let now = habilis::services::now();
        habilis::db::outbox::insert(
            &mut conn,
            &habilis::db::outbox::NewOutboxRow {
                kind: habilis::db::outbox::Kind::Webhook.into(),
                topic: "submit",
                demande_id: Some(demande_id),
                recipient: "http://127.0.0.1:9/nulle-part",
                subject: "",
                body_text: "{}",
                body_html: "",
                unsubscribe_url: None,
                attempts: 0,
                next_attempt_at: now + chrono::Duration::days(365),
                created_at: now,
                secret_env: Some("HABILIS_WEBHOOK_SECRET_ABSENT"),
            },
        )
        .unwrap();
        habilis::db::webhooks::deliveries(&mut conn, &["api-particulier".to_string()], 1).unwrap()
            [0]
        .0
        .id
    }
}

/// The person with this address, made with these names when there is none.
fn person(
    conn: &mut habilis::db::DbConnection,
    email: &str,
    given_name: &str,
    family_name: &str,
) -> habilis::db::models::User {
    match habilis::db::users::find_by_email(conn, email).unwrap() {
        Some(u) => u,
        None => habilis::db::users::insert(
            conn,
            &habilis::db::models::NewUser {
                email,
                given_name,
                family_name,
                is_admin: false,
                created_at: habilis::services::now(),
            },
        )
        .unwrap(),
    }
}

impl TestApp {
    /// The app's services, to run scheduled jobs (reminders, digests) with a clock of the
    /// test's choosing.
    pub fn services(&self) -> std::sync::Arc<habilis::services::App> {
        let settings = settings_with(Environment::Dev, &self.database_url, &[]);
        let db = habilis::db::Db::connect(&self.database_url, 2).unwrap();
        std::sync::Arc::new(habilis::services::App::new(
            db,
            self.catalog.clone(),
            settings,
        ))
    }

    /// A complete draft of `provider` whose DPO is dpo@mairie-lyon.fr; returns its id.
    pub async fn complete_draft(&self, applicant: &Browser, provider: &str) -> i64 {
        let id = applicant.start_demande(provider, "").await;
        for (step, pairs) in self.complete_answers(provider).iter().enumerate() {
            let pairs: Vec<(String, String)> = pairs
                .iter()
                .map(|(k, v)| {
                    if k == "delegue_protection_donnees_email" {
                        (k.clone(), "dpo@mairie-lyon.fr".to_string())
                    } else {
                        (k.clone(), v.clone())
                    }
                })
                .collect();
            assert_eq!(
                applicant.fill(id, step + 1, &pairs).await.status,
                StatusCode::SEE_OTHER
            );
        }
        id
    }
}

/// The sorted recipients of the outbox rows of a topic.
pub fn recipients_of(rows: &[habilis::db::outbox::OutboxRow], topic: &str) -> Vec<String> {
    let mut list: Vec<String> = rows
        .iter()
        .filter(|r| r.topic == topic)
        .map(|r| r.recipient.clone())
        .collect();
    list.sort();
    list
}

/// The one outbox row of a topic to a recipient.
pub fn email_to<'a>(
    rows: &'a [habilis::db::outbox::OutboxRow],
    topic: &str,
    recipient: &str,
) -> &'a habilis::db::outbox::OutboxRow {
    let found: Vec<_> = rows
        .iter()
        .filter(|r| r.topic == topic && r.recipient == recipient)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one {topic} email to {recipient}: {rows:#?}"
    );
    found[0]
}

impl Browser {
    /// Saves the notification choices: exactly the "provider:kind" pairs given are on.
    pub async fn choose_notifications(&self, on: &[&str]) -> Page {
        let csrf = self.get("/compte/notifications").await.csrf();
        let mut body = vec![("_csrf", csrf.as_str())];
        body.extend(on.iter().map(|pair| ("on", *pair)));
        self.post("/compte/notifications", &body).await
    }
}
