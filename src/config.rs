//! Settings: `config/base.toml` < `config/$HABILIS_ENV.toml` < environment variables.
//!
//! The keys are [`raw::Raw`]'s, in sections (`[smtp]`, `[oidc]`, `[outbox]`); each is also an
//! environment variable (`smtp.host` ↔ `HABILIS_SMTP_HOST`, `database_url` ↔ `DATABASE_URL`).
//! `config/example.toml` shows them all. A mistake stops start-up with one French message.

mod files;
mod parts;
mod raw;
mod sources;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::bail;
use secrecy::{ExposeSecret, SecretString};

pub use parts::{FileStore, OidcSettings, OutboxSettings, S3Settings, SmtpSettings};
use raw::Raw;
pub use raw::{SmtpTls, Theme};
pub use sources::{env_name, key_paths};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Dev,
    Prod,
}

impl Environment {
    pub fn parse(raw: &str) -> anyhow::Result<Self> {
        match raw {
            "dev" | "development" => Ok(Environment::Dev),
            "prod" | "production" => Ok(Environment::Prod),
            other => bail!("HABILIS_ENV « {other} » inconnu : attendu « dev » ou « prod »"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Dev => "dev",
            Environment::Prod => "prod",
        }
    }
}

/// The settings the application runs with: every default applied, every check passed.
#[derive(Debug, Clone)]
pub struct Settings {
    pub env: Environment,
    pub database_url: SecretString,
    pub bind: String,
    pub providers_dir: PathBuf,
    /// The operator's legal pages, replacing the shipped ones file by file.
    pub legal_dir: Option<PathBuf>,
    /// Signs and encrypts the session cookie, and signs unsubscribe links; at least 64 characters.
    pub session_key: SecretString,
    /// Keys the audit log's hash chain (HMAC-SHA256): kept out of the database, so someone who
    /// can write to it cannot recompute a chain that verifies.
    pub audit_key: SecretString,
    /// Public address of the portal, for links in emails.
    pub base_url: String,
    pub db_pool_size: u32,
    /// Fill an empty database with the demo accounts at start-up (dev only by default).
    pub seed_demo: bool,
    pub smtp: Option<SmtpSettings>,
    /// The sender of every email.
    pub mail_from: String,
    pub outbox: OutboxSettings,
    /// Run the outbox worker inside `serve`.
    pub worker: bool,
    /// Keep dashboards read between requests, while the data they show is unchanged.
    pub dashboard_cache: bool,
    /// The company directory ("recherche d'entreprises" API); None: no lookups (dev default).
    pub company_api_url: Option<String>,
    pub company_api_timeout_ms: u64,
    /// A session unused this long ends (seconds).
    pub session_idle_seconds: i64,
    /// A session ends this long after sign-in, used or not (seconds).
    pub session_max_seconds: i64,
    /// Sign-in attempts allowed per IP address and minute.
    pub login_rate_per_minute: u32,
    /// Rights-API requests allowed per token and minute.
    pub api_rate_per_minute: u32,
    /// Invalid rights-API tokens allowed per client address and minute, before 429.
    pub api_invalid_tokens_per_minute: u32,
    /// Days the record of each rights-API read is kept before the worker deletes it.
    pub api_reads_retention_days: i64,
    /// Reached through a reverse proxy: a client is the last address of `X-Forwarded-For`.
    pub behind_proxy: bool,
    /// `/stats` open to anyone (true), or to those who see the instruction workspace.
    pub stats_public: bool,
    /// The bearer token that reads `/metrics`; none: `/metrics` is not served.
    pub metrics_token: Option<SecretString>,
    /// The state's look, or a neutral one.
    pub theme: Theme,
    /// Who runs the portal, shown in the header and footer.
    pub operator_name: String,
    pub oidc: Option<OidcSettings>,
    /// `HABILIS_WEBHOOK_*` variables: the URLs and secrets providers' files name.
    pub webhook_env: HashMap<String, String>,
    pub files: FileStore,
    /// Days a refused or archived demande keeps its files before they are deleted.
    pub files_retention_days: i64,
    /// The antivirus daemon attached files are streamed to.
    pub clamd: Option<String>,
    /// How long unused accounts are kept.
    pub lapse: crate::domain::lapse::Policy,
    /// When access reviews run, and what befalls roles nobody confirmed.
    pub access_review: crate::domain::access_review::Schedule,
    /// When the portal archives demandes left untouched.
    pub archiving: crate::domain::demande::Archiving,
}

impl Settings {
    /// Reads the settings from the process environment and `config/`.
    pub fn load() -> anyhow::Result<Settings> {
        let vars: HashMap<String, String> = std::env::vars().collect();
        Settings::from_sources(Path::new("config"), &vars)
    }

    /// Layered settings from a config directory and a set of environment variables.
    pub fn from_sources(
        config_dir: &Path,
        vars: &HashMap<String, String>,
    ) -> anyhow::Result<Settings> {
        let env = vars
            .get("HABILIS_ENV")
            .filter(|v| !v.is_empty())
            .map_or(Ok(Environment::Dev), |raw| Environment::parse(raw))?;
        let raw = sources::layered(config_dir, env.as_str(), vars)?;
        let webhook_env = vars
            .iter()
            .filter(|(k, v)| k.starts_with("HABILIS_WEBHOOK_") && !v.is_empty())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        resolve(raw, env, webhook_env)
    }

    pub fn is_dev(&self) -> bool {
        self.env == Environment::Dev
    }

    pub fn database_url(&self) -> &str {
        self.database_url.expose_secret()
    }
}

/// Defaults and checks: what each key means once the others are known.
fn resolve(
    raw: Raw,
    env: Environment,
    webhook_env: HashMap<String, String>,
) -> anyhow::Result<Settings> {
    let bind = raw.bind.unwrap_or_else(|| "127.0.0.1:8080".to_string());
    // The dev login signs anyone in as anyone: never offer it beyond this machine.
    let loopback =
        bind.starts_with("127.") || bind.starts_with("localhost:") || bind.starts_with("[::1]:");
    if env == Environment::Dev && !loopback {
        bail!(
            "HABILIS_ENV=dev (connexion de démonstration sans mot de passe) n'écoute que sur 127.0.0.1 : \
             « {bind} » demande HABILIS_ENV=prod"
        );
    }
    let session_key = match (raw.session_key, env) {
        (Some(key), _) if key.expose_secret().len() >= 64 => key,
        (Some(_), _) => {
            bail!("HABILIS_SESSION_KEY (clé session_key) doit compter au moins 64 caractères")
        }
        // In dev a fresh key per start is fine: sessions simply end on restart.
        (None, Environment::Dev) => SecretString::from(random_key()),
        (None, Environment::Prod) => {
            bail!(
                "HABILIS_SESSION_KEY est obligatoire en production (64 caractères aléatoires au moins)"
            )
        }
    };
    let audit_key = match (raw.audit_key, env) {
        (Some(key), _) if key.expose_secret().len() >= 32 => key,
        (Some(_), _) => {
            bail!("HABILIS_AUDIT_KEY (clé audit_key) doit compter au moins 32 caractères")
        }
        // Fixed in dev, so a demo database verifies across restarts; never a secret.
        (None, Environment::Dev) => SecretString::from(DEV_AUDIT_KEY),
        (None, Environment::Prod) => bail!(
            "HABILIS_AUDIT_KEY est obligatoire en production (32 caractères aléatoires au moins, \
             conservés hors de la base de données : ils scellent le journal d'audit)"
        ),
    };
    let base_url = raw
        .base_url
        .unwrap_or_else(|| format!("http://{bind}"))
        .trim_end_matches('/')
        .to_string();
    let o = raw.oidc;
    let oidc = match (o.issuer, o.client_id, o.client_secret) {
        (Some(issuer), Some(client_id), Some(client_secret)) => Some(OidcSettings {
            issuer,
            client_id,
            client_secret,
            redirect_url: o
                .redirect_url
                .unwrap_or_else(|| format!("{base_url}/connexion/retour")),
            post_logout_url: o.post_logout_url.unwrap_or_else(|| format!("{base_url}/")),
            scopes: o
                .scopes
                .unwrap_or_else(|| "openid email given_name usual_name siret".to_string())
                .split_whitespace()
                .map(str::to_string)
                .collect(),
        }),
        (None, None, None) => None,
        _ => bail!(
            "HABILIS_OIDC_ISSUER, HABILIS_OIDC_CLIENT_ID et HABILIS_OIDC_CLIENT_SECRET vont ensemble \
             (clés oidc.issuer, oidc.client_id, oidc.client_secret) : il en manque"
        ),
    };
    if env == Environment::Prod && oidc.is_none() {
        bail!(
            "HABILIS_OIDC_ISSUER, HABILIS_OIDC_CLIENT_ID et HABILIS_OIDC_CLIENT_SECRET sont obligatoires en production : \
             sans fournisseur d'identité, personne ne pourrait se connecter"
        );
    }
    if env == Environment::Prod && raw.smtp.host.is_none() {
        bail!(
            "HABILIS_SMTP_HOST est obligatoire en production : sans serveur SMTP, les courriels ne partiraient pas"
        );
    }
    let yearly_on = match raw.access_review.yearly_on.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(crate::domain::access_review::parse_yearly_on(text).ok_or_else(|| {
            anyhow::anyhow!(
                "HABILIS_ACCESS_REVIEW_YEARLY_ON (clé access_review.yearly_on) : « {text} » n'est pas un jour de l'année au format MM-JJ (par exemple « 03-15 »)"
            )
        })?),
    };
    let access_review = crate::domain::access_review::Schedule {
        yearly_on,
        days: raw.access_review.days.unwrap_or(30).max(1),
        suspend: raw.access_review.suspend.unwrap_or(true),
    };
    let s = raw.smtp;
    let smtp = s.host.map(|host| {
        let tls = s.tls.unwrap_or(SmtpTls::Starttls);
        SmtpSettings {
            host,
            port: s.port.unwrap_or(match tls {
                SmtpTls::None => 25,
                SmtpTls::Starttls => 587,
                SmtpTls::Tls => 465,
            }),
            tls,
            username: s.username,
            password: s.password,
        }
    });
    let database_url = raw
        .database_url
        .unwrap_or_else(|| SecretString::from("habilis.db"));
    let files = files::resolve(&raw.files, &database_url)?;
    Ok(Settings {
        env,
        database_url,
        base_url,
        bind,
        providers_dir: raw
            .providers_dir
            .unwrap_or_else(|| PathBuf::from("providers")),
        legal_dir: raw.legal_dir.filter(|d| !d.as_os_str().is_empty()),
        session_key,
        audit_key,
        db_pool_size: raw.db_pool_size.unwrap_or(10).max(1),
        seed_demo: raw.seed_demo.unwrap_or(env == Environment::Dev),
        smtp,
        mail_from: raw
            .mail_from
            .unwrap_or_else(|| "habilis <ne-pas-repondre@habilis.localhost>".to_string()),
        outbox: OutboxSettings {
            max_attempts: raw.outbox.max_attempts.unwrap_or(8).max(1),
            poll_ms: raw.outbox.poll_ms.unwrap_or(1_000).max(10),
            backoff_ms: raw.outbox.backoff_ms.unwrap_or(30_000).max(10),
            lease_seconds: raw.outbox.lease_seconds.unwrap_or(120).max(1),
        },
        worker: raw.worker.unwrap_or(true),
        dashboard_cache: raw.dashboard_cache.unwrap_or(true),
        // Production asks the public directory by default; dev only when told to, so a demo
        // or a test never reaches out to the Internet.
        company_api_url: raw
            .company_api_url
            .or_else(|| {
                (env == Environment::Prod)
                    .then(|| "https://recherche-entreprises.api.gouv.fr".to_string())
            })
            .filter(|u| !u.is_empty() && u != "off")
            .map(|u| u.trim_end_matches('/').to_string()),
        company_api_timeout_ms: raw.company_api_timeout_ms.unwrap_or(5_000).max(50),
        session_idle_seconds: raw.session_idle_seconds.unwrap_or(2 * 3600).max(0),
        session_max_seconds: raw.session_max_seconds.unwrap_or(12 * 3600).max(0),
        login_rate_per_minute: raw.login_rate_per_minute.unwrap_or(30).max(1),
        api_rate_per_minute: raw.api_rate_per_minute.unwrap_or(600).max(1),
        api_invalid_tokens_per_minute: raw.api_invalid_tokens_per_minute.unwrap_or(20).max(1),
        api_reads_retention_days: raw.api_reads_retention_days.unwrap_or(365).max(1),
        behind_proxy: raw.behind_proxy.unwrap_or(false),
        stats_public: raw.stats_public.unwrap_or(true),
        metrics_token: raw
            .metrics_token
            .filter(|t| !t.expose_secret().trim().is_empty()),
        theme: raw.theme.unwrap_or_default(),
        operator_name: raw
            .operator_name
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "République française".to_string()),
        oidc,
        webhook_env,
        files,
        files_retention_days: raw.files.retention_days.unwrap_or(365).max(0),
        clamd: raw.clamd.filter(|c| !c.trim().is_empty()),
        access_review,
        archiving: crate::domain::demande::Archiving::new(
            raw.archiving.drafts_after_days.unwrap_or(90),
            raw.archiving.changes_after_days.unwrap_or(120),
        ),
        lapse: crate::domain::lapse::Policy {
            // Never less than the warning's notice (plus a day) unless switched off.
            idle_days: match raw.accounts.idle_days.unwrap_or(183) {
                days if days <= 0 => 0,
                days => days.max(crate::domain::lapse::WARNING_DAYS + 1),
            },
            erase_after_days: raw.accounts.erase_after_days.unwrap_or(365).max(1),
        },
    })
}

/// The audit key outside production: public, so a dev chain proves nothing beyond this machine.
pub const DEV_AUDIT_KEY: &str = "habilis-dev-audit-key-not-a-secret-0123456789";

/// 64 random alphanumeric characters.
pub fn random_key() -> String {
    use rand::Rng;
    use rand::distr::Alphanumeric;
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(64)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests;
