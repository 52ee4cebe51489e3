//! Use cases. Each runs in one database transaction and re-checks the policy itself,
//! so a forged request cannot do what the page would not offer.

pub mod access_review;
pub mod accounts;
pub mod agents;
pub mod api;
pub mod archiving;
pub mod assignment;
pub mod attachments;
pub mod audit;
pub mod bans;
pub mod boards;
pub mod companies;
pub mod dashboard;
pub mod decision_preview;
pub mod delays;
pub mod demandes;
pub mod digest;
pub mod export;
pub mod habilitation_file;
pub mod handover;
pub mod holder_notices;
mod hooks;
pub mod instruction;
pub mod kept;
pub mod lapsing;
pub mod mailbox;
pub mod memberships;
pub mod message_templates;
pub mod messages;
pub mod metrics;
pub mod notify;
pub mod oidc;
pub mod opinions;
mod persist;
pub mod prepared;
pub mod reminders;
pub mod rights;
pub mod risks;
pub mod roles;
pub mod seed;
pub mod sessions;
pub mod stages;
pub mod stats;
pub mod steps;
pub mod submission;
pub mod subscription;
pub mod support;
pub mod teams;
pub mod throttle;
pub mod tokens;
pub mod transparency;
pub mod webhooks;

use crate::catalog::{Catalog, Provider};
use crate::config::Settings;
use crate::db::Db;
use crate::db::models::Demande;
use crate::domain::demande::State;
use crate::domain::form::Answers;
use crate::domain::policy::DemandeFacts;
use crate::error::AppError;

/// Everything a request needs: the database, the providers, the settings.
pub struct App {
    pub db: Db,
    pub catalog: Catalog,
    pub settings: Settings,
    /// Links in emails and the key of unsubscribe tokens.
    pub links: notify::Links,
    pub login_limiter: accounts::LoginLimiter,
    /// Rights-API requests per token.
    pub api_limiter: accounts::RateLimiter<String>,
    /// Invalid rights-API tokens per client address: turned away before the database.
    pub api_failures: throttle::FailureLimiter<std::net::IpAddr>,
    /// The identity provider, when one is configured.
    pub oidc: Option<oidc::Oidc>,
    /// Signed-in people's roles and organisations, kept between requests.
    pub access: std::sync::Arc<accounts::AccessCache>,
    /// Dashboards read, kept while their data is unchanged.
    pub boards: boards::BoardCache<dashboard::Dashboard>,
    /// Each provider's observed time to decide, kept an hour.
    pub delays: delays::DelayCache,
    /// Attached files' bytes.
    pub files: crate::files::Files,
    /// Requests by route, and the outbox's figures at each scrape.
    pub metrics: self::metrics::Metrics,
    /// The accessibility statement, legal notice, personal data and FAQ pages.
    pub legal: crate::legal::Legal,
    /// The statistics, kept ten minutes per view.
    pub stats: stats::StatsCache,
    /// The public lists of habilitations, kept five minutes per provider.
    pub published: kept::Kept<Vec<transparency::PublicHabilitation>>,
}

impl App {
    /// The services over a database and a catalog; fails when the file store cannot be opened.
    pub fn new(db: Db, catalog: Catalog, settings: Settings) -> anyhow::Result<App> {
        let files = crate::files::Files::open(&settings.files)?;
        let legal = crate::legal::Legal::load(settings.legal_dir.as_deref())
            .map_err(|e| anyhow::anyhow!("pages légales invalides :\n{e}"))?;
        let links = notify::Links::from_settings(&settings);
        let login_limiter = accounts::LoginLimiter::new(settings.login_rate_per_minute);
        let api_limiter = accounts::RateLimiter::new(settings.api_rate_per_minute);
        let api_failures = throttle::FailureLimiter::new(settings.api_invalid_tokens_per_minute);
        Ok(App {
            files,
            legal,
            stats: kept::Kept::new(stats::KEPT),
            published: kept::Kept::new(transparency::KEPT),
            metrics: self::metrics::Metrics::new()?,
            access: Default::default(),
            boards: boards::BoardCache::new(settings.dashboard_cache),
            delays: delays::DelayCache::default(),
            db,
            catalog,
            settings,
            links,
            login_limiter,
            api_limiter,
            api_failures,
            oidc: None,
        })
    }

    pub fn provider(&self, slug: &str) -> Result<&Provider, AppError> {
        self.catalog.get(slug).ok_or(AppError::NotFound)
    }

    /// The provider as this demande sees it: its stage's form and validity, if staged, and
    /// the scopes its form (template) locks or hides.
    pub fn provider_of(&self, demande: &crate::db::models::Demande) -> Result<&Provider, AppError> {
        self.catalog
            .view(
                &demande.provider,
                demande.stage.as_deref(),
                demande.template.as_deref(),
            )
            .ok_or(AppError::NotFound)
    }
}

pub use crate::clock::now;

/// The answers of a demande. They are written by habilis only; a row that cannot be read
/// is logged and shown empty rather than breaking the page.
/// Hex SHA-256 of a secret token: what the database keeps instead of the token.
pub fn sha256_hex(token: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn answers_of(demande: &Demande) -> Answers {
    serde_json::from_str(&demande.answers).unwrap_or_else(|e| {
        tracing::error!(demande = demande.id, error = %e, "unreadable answers");
        Answers::new()
    })
}

pub fn scopes_of(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

pub fn state_of(demande: &Demande) -> Result<State, AppError> {
    State::parse(&demande.state)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("état inconnu « {} »", demande.state)))
}

pub fn facts(demande: &Demande) -> DemandeFacts<'_> {
    DemandeFacts {
        provider: &demande.provider,
        organisation_id: demande.organisation_id,
        applicant_id: demande.applicant_id,
        ever_submitted: demande.last_submitted_at.is_some(),
    }
}
