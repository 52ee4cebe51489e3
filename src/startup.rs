//! Builds the server: used by `main` and by the tests (which bind port 0).

use std::net::TcpListener;
use std::sync::Arc;

use actix_session::SessionMiddleware;
use actix_session::config::CookieContentSecurity;
use actix_session::storage::CookieSessionStore;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::http::StatusCode;
use actix_web::middleware::DefaultHeaders;
use actix_web::{App as ActixApp, HttpServer, web};
use anyhow::Context;
use secrecy::ExposeSecret;
use tracing_actix_web::TracingLogger;

use crate::catalog::{self, Catalog};
use crate::config::Settings;
use crate::db::Db;
use crate::services::{App, seed};

/// Strict by default: our own scripts and styles only, no framing. Forms post to ourselves,
/// and to the identity provider's end-session endpoint (the sign-out form redirects there: a
/// browser checks `form-action` along the redirects of a form).
fn content_security_policy(end_session_origin: Option<&str>) -> String {
    let form_action = match end_session_origin {
        Some(origin) => format!("'self' {origin}"),
        None => "'self'".to_string(),
    };
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         form-action {form_action}; frame-ancestors 'none'; base-uri 'none'"
    )
}

/// Outside dev: browsers keep to HTTPS for a year once they have seen the portal over it.
const HSTS: &str = "max-age=31536000";

pub struct Application {
    port: u16,
    server: Server,
    background: Option<Background>,
}

/// The outbox worker running beside the server, and how to stop it.
pub struct Background {
    stop: Arc<crate::outbox::Stop>,
    worker: tokio::task::JoinHandle<()>,
    db: crate::db::Db,
}

/// How long a stopping worker may take to finish the row in hand (the SMTP timeout is 20 s).
const WORKER_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

impl Background {
    /// Stops the worker: it finishes the row in hand and claims no more. One still sending
    /// after the grace period is cut short, and its row released at once for the next worker.
    pub async fn stop(self) {
        self.stop.stop();
        let mut worker = self.worker;
        if tokio::time::timeout(WORKER_GRACE, &mut worker)
            .await
            .is_err()
        {
            worker.abort();
            if let Some(id) = self.stop.in_hand() {
                let released = self
                    .db
                    .run(move |conn| Ok::<_, anyhow::Error>(crate::db::outbox::release(conn, id)?))
                    .await;
                tracing::warn!(
                    outbox = id,
                    ?released,
                    "worker stopped mid-send: row released"
                );
            }
        }
    }
}

/// Loads the providers, opens and migrates the database, seeds the demo when asked.
pub fn prepare(settings: &Settings) -> anyhow::Result<(Catalog, Db)> {
    let catalog = catalog::load_dir(&settings.providers_dir)
        .map_err(|e| anyhow::anyhow!("fournisseurs invalides :\n{e}"))?;
    crate::services::notify::check_provider_mails(&catalog)
        .map_err(|e| anyhow::anyhow!("courriels des fournisseurs invalides :\n{}", e.join("\n")))?;
    let db = Db::connect(settings.database_url(), settings.db_pool_size)?;
    db.migrate()?;
    if settings.env == crate::config::Environment::Prod {
        let mut conn = db.get()?;
        if let Some(warning) = crate::db::too_powerful(&mut conn)? {
            tracing::warn!("SECURITY: {warning}");
            eprintln!("WARNING: {warning}");
        }
    }
    if settings.seed_demo {
        let mut conn = db.get()?;
        seed::seed_demo(&mut conn, &catalog).context("données de démonstration")?;
    }
    Ok((catalog, db))
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let (catalog, db) = prepare(&settings)?;
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("impossible d'écouter sur {}", settings.bind))?;
        let port = listener.local_addr().context("adresse d'écoute")?.port();
        let oidc = crate::services::oidc::Oidc::from_settings(&settings).await?;
        let app = Arc::new(App {
            oidc,
            ..App::new(db, catalog, settings)?
        });
        // The outbox worker lives as long as the server, in the same runtime.
        let background = match app.settings.worker {
            true => Some(start_background(app.clone())?),
            false => None,
        };
        let server = run(listener, app)?;
        Ok(Application {
            port,
            server,
            background,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle that stops the server gracefully (requests in flight finish).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped (SIGTERM, SIGINT, or the handle): requests in flight finish, then
    /// the worker finishes the row in hand and stops.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        if let Some(background) = self.background {
            background.stop().await;
        }
        served
    }
}

/// Starts the outbox worker, the hourly reminders and the weekly digests on the current runtime.
pub fn start_background(app: Arc<App>) -> anyhow::Result<Background> {
    let names = app
        .catalog
        .all()
        .iter()
        .map(|p| (p.slug.clone(), p.name.clone()))
        .collect();
    let worker = crate::outbox::worker(&app.settings, app.db.clone(), names)?;
    if worker.mailer.is_dev_mailbox() {
        tracing::info!("no SMTP server configured: emails stay in the dev mailbox (/dev/emails)");
    }
    let stop = worker.stop.clone();
    let worker = tokio::spawn(worker.run_forever());
    let background = Background {
        stop,
        worker,
        db: app.db.clone(),
    };
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every.tick().await;
            match crate::services::reminders::run(app.clone(), crate::services::now()).await {
                Ok(sent) => tracing::info!(?sent, "reminders"),
                Err(e) => tracing::error!(error = ?e, "reminders failed"),
            }
            // Admins' views of the portal as someone that are over: closed, the person told.
            match crate::services::support::close_over(app.clone(), crate::services::now()).await {
                Ok(closed) => tracing::info!(closed, "support views closed"),
                Err(e) => tracing::error!(error = ?e, "closing support views failed"),
            }
            // Demandes left untouched after their reminder: archived, the applicant told.
            match crate::services::archiving::run(app.clone(), crate::services::now()).await {
                Ok(done) => tracing::info!(?done, "idle demandes archived"),
                Err(e) => tracing::error!(error = ?e, "archiving idle demandes failed"),
            }
            // Access reviews: the yearly start, weekly reminders, the deadline.
            match crate::services::access_review::run(app.clone(), crate::services::now()).await {
                Ok(ran) => tracing::info!(?ran, "access review"),
                Err(e) => tracing::error!(error = ?e, "access review failed"),
            }
            // Accounts unused for too long: warned, disabled, erased.
            match crate::services::lapsing::run(app.clone(), crate::services::now()).await {
                Ok(done) => tracing::info!(?done, "accounts lapsing"),
                Err(e) => tracing::error!(error = ?e, "accounts lapsing failed"),
            }
            match crate::services::digest::run(app.clone(), crate::services::now()).await {
                Ok(sent) => tracing::info!(sent, "weekly digests"),
                Err(e) => tracing::error!(error = ?e, "weekly digests failed"),
            }
            // Files of refused and archived demandes past their retention period.
            match crate::services::attachments::apply_retention(&app, crate::services::now()).await
            {
                Ok(deleted) => tracing::info!(deleted, "attachments past retention"),
                Err(e) => tracing::error!(error = ?e, "attachment retention failed"),
            }
            // Rate-limit counts of minutes past.
            if let Err(e) =
                crate::services::throttle::purge(&app, chrono::Utc::now().timestamp()).await
            {
                tracing::error!(error = ?e, "rate counts purge failed");
            }
            // Records of rights-API reads past their age.
            match crate::services::api::purge_reads(&app, crate::services::now()).await {
                Ok(deleted) => tracing::info!(deleted, "API reads purged"),
                Err(e) => tracing::error!(error = ?e, "API reads purge failed"),
            }
            // Organisations the company directory has not answered for yet.
            match crate::services::companies::refresh_pending(&app).await {
                Ok(done) => tracing::info!(?done, "company lookups"),
                Err(e) => tracing::error!(error = ?e, "company lookups failed"),
            }
        }
    });
    Ok(background)
}

fn run(listener: TcpListener, app: Arc<App>) -> anyhow::Result<Server> {
    let key = Key::derive_from(app.settings.session_key.expose_secret().as_bytes());
    let secure = !app.settings.is_dev();
    let csp = content_security_policy(
        app.oidc
            .as_ref()
            .and_then(|o| o.end_session_origin())
            .as_deref(),
    );
    let app = web::Data::from(app);
    let server = HttpServer::new(move || {
        let sessions = SessionMiddleware::builder(CookieSessionStore::default(), key.clone())
            .cookie_name("habilis_session".to_string())
            .cookie_content_security(CookieContentSecurity::Private)
            .cookie_secure(secure)
            .cookie_http_only(true)
            .cookie_same_site(SameSite::Lax)
            .build();
        // Pages hold personal data, CSRF tokens, a token shown once, exports: no cache keeps
        // them (the stylesheet sets its own caching, which a default header does not replace).
        let mut headers = DefaultHeaders::new()
            .add(("Content-Security-Policy", csp.clone()))
            .add(("X-Content-Type-Options", "nosniff"))
            .add(("Referrer-Policy", "same-origin"))
            .add(("X-Frame-Options", "DENY"))
            .add(("Cache-Control", "no-store"));
        if secure {
            headers = headers.add(("Strict-Transport-Security", HSTS));
        }
        ActixApp::new()
            // Innermost: it sees each route's own answer.
            .wrap_fn(measured(app.clone()))
            .wrap(
                actix_web::middleware::ErrorHandlers::new()
                    .handler(StatusCode::CONFLICT, crate::web::errors::in_layout)
                    .handler(StatusCode::FORBIDDEN, crate::web::errors::in_layout)
                    .handler(StatusCode::NOT_FOUND, crate::web::errors::in_layout),
            )
            .wrap(sessions)
            .wrap(headers)
            // The design system's stylesheet is 700 kB as is, 90 kB gzipped.
            .wrap(actix_web::middleware::Compress::default())
            .wrap(TracingLogger::<PathOnly>::new())
            .app_data(app.clone())
            .configure(crate::web::routes)
    })
    .listen(listener)
    .context("démarrage du serveur HTTP")?
    .run();
    Ok(server)
}

/// A measured request's answer, as `wrap_fn` returns it.
type Measured = std::pin::Pin<
    Box<
        dyn std::future::Future<Output = Result<actix_web::dev::ServiceResponse, actix_web::Error>>,
    >,
>;

/// Counts each request and its latency by route pattern (`/demandes/{id}`, never the path,
/// which holds ids), for `/metrics`.
fn measured<S>(
    app: web::Data<crate::services::App>,
) -> impl Fn(actix_web::dev::ServiceRequest, &S) -> Measured + Clone + 'static
where
    S: actix_web::dev::Service<
            actix_web::dev::ServiceRequest,
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
        >,
    S::Future: 'static,
{
    move |req, service| {
        let started = std::time::Instant::now();
        let route = req
            .match_pattern()
            .unwrap_or_else(|| "(inconnue)".to_string());
        let method = req.method().to_string();
        let app = app.clone();
        let answer = service.call(req);
        Box::pin(async move {
            let response = answer.await?;
            app.metrics.request(
                &method,
                &route,
                response.status().as_u16(),
                started.elapsed(),
            );
            Ok(response)
        })
    }
}

/// Request spans without the query string: it may hold a sign-in code, a state or an
/// unsubscribe token, none of which belongs in logs.
pub struct PathOnly;

impl tracing_actix_web::RootSpanBuilder for PathOnly {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        tracing::info_span!("http", method = %request.method(), path = %request.path(), status = tracing::field::Empty)
    }

    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        if let Ok(response) = outcome {
            span.record("status", response.status().as_u16());
        }
    }
}
