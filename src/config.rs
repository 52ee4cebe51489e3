//! Settings: `config/base.toml` < `config/$HABILIS_ENV.toml` < environment variables.
//!
//! Environment names operators rely on: `DATABASE_URL`, `HABILIS_BIND`, `HABILIS_PROVIDERS_DIR`,
//! `HABILIS_ENV`, `HABILIS_SESSION_KEY`, `HABILIS_AUDIT_KEY`, `HABILIS_BASE_URL`, `HABILIS_DB_POOL_SIZE`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

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

/// How to talk to the SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain SMTP (a local relay or a test sink).
    None,
    /// STARTTLS on a plain connection (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// The SMTP server emails leave through. Without one, emails stay in the database (dev mailbox).
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<SecretString>,
}

/// The OpenID provider people sign in with (ProConnect or any other).
#[derive(Debug, Clone)]
pub struct OidcSettings {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: SecretString,
    pub redirect_url: String,
    pub post_logout_url: String,
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub env: Environment,
    pub database_url: SecretString,
    pub bind: String,
    pub providers_dir: PathBuf,
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
    /// Attempts before an email becomes a dead letter.
    pub outbox_max_attempts: i32,
    /// How often the worker looks for due rows, in milliseconds.
    pub outbox_poll_ms: u64,
    /// First retry delay, doubled at each attempt (with jitter), in milliseconds.
    pub outbox_backoff_ms: u64,
    /// Run the outbox worker inside `serve`.
    pub worker: bool,
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
    pub oidc: Option<OidcSettings>,
    /// `HABILIS_WEBHOOK_*` variables: the URLs and secrets providers' files name.
    pub webhook_env: HashMap<String, String>,
}

/// Every key a settings file may hold, each optional; environment variables use the same
/// names in capitals behind `HABILIS_` (and `DATABASE_URL`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    database_url: Option<String>,
    bind: Option<String>,
    providers_dir: Option<PathBuf>,
    session_key: Option<String>,
    audit_key: Option<String>,
    base_url: Option<String>,
    db_pool_size: Option<u32>,
    seed_demo: Option<bool>,
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    smtp_tls: Option<SmtpTls>,
    smtp_username: Option<String>,
    smtp_password: Option<String>,
    mail_from: Option<String>,
    outbox_max_attempts: Option<i32>,
    outbox_poll_ms: Option<u64>,
    outbox_backoff_ms: Option<u64>,
    worker: Option<bool>,
    company_api_url: Option<String>,
    company_api_timeout_ms: Option<u64>,
    session_idle_seconds: Option<i64>,
    session_max_seconds: Option<i64>,
    login_rate_per_minute: Option<u32>,
    api_rate_per_minute: Option<u32>,
    api_invalid_tokens_per_minute: Option<u32>,
    oidc_issuer: Option<String>,
    oidc_client_id: Option<String>,
    oidc_client_secret: Option<String>,
    oidc_redirect_url: Option<String>,
    oidc_post_logout_url: Option<String>,
    oidc_scopes: Option<String>,
}

const KEYS: [&str; 31] = [
    "api_rate_per_minute",
    "api_invalid_tokens_per_minute",
    "audit_key",
    "oidc_issuer",
    "oidc_client_id",
    "oidc_client_secret",
    "oidc_redirect_url",
    "oidc_post_logout_url",
    "oidc_scopes",
    "session_idle_seconds",
    "session_max_seconds",
    "login_rate_per_minute",
    "company_api_url",
    "company_api_timeout_ms",
    "database_url",
    "bind",
    "providers_dir",
    "session_key",
    "base_url",
    "db_pool_size",
    "seed_demo",
    "smtp_host",
    "smtp_port",
    "smtp_tls",
    "smtp_username",
    "smtp_password",
    "mail_from",
    "outbox_max_attempts",
    "outbox_poll_ms",
    "outbox_backoff_ms",
    "worker",
];

fn read_table(path: &Path) -> anyhow::Result<toml::Table> {
    if !path.exists() {
        return Ok(toml::Table::new());
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("lecture de {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("{} invalide", path.display()))
}

/// An environment value as TOML would read it: numbers and booleans typed, the rest text.
fn typed(raw: &str) -> toml::Value {
    if let Ok(n) = raw.parse::<i64>() {
        return toml::Value::Integer(n);
    }
    match raw {
        "true" => toml::Value::Boolean(true),
        "false" => toml::Value::Boolean(false),
        _ => toml::Value::String(raw.to_string()),
    }
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
        let var = |name: &str| vars.get(name).filter(|v| !v.is_empty()).cloned();
        let env = Environment::parse(&var("HABILIS_ENV").unwrap_or_else(|| "dev".to_string()))?;
        let mut table = read_table(&config_dir.join("base.toml"))?;
        table.extend(read_table(
            &config_dir.join(format!("{}.toml", env.as_str())),
        )?);
        for key in KEYS {
            let name = if key == "database_url" {
                "DATABASE_URL".to_string()
            } else {
                format!("HABILIS_{}", key.to_uppercase())
            };
            if let Some(value) = var(&name) {
                // Secrets and addresses stay text, whatever they look like.
                let value = match key {
                    "session_key" | "audit_key" | "smtp_password" | "smtp_username"
                    | "database_url" | "bind" | "mail_from" | "smtp_host" | "company_api_url" => {
                        toml::Value::String(value)
                    }
                    k if k.starts_with("oidc_") => toml::Value::String(value),
                    _ => typed(&value),
                };
                table.insert(key.to_string(), value);
            }
        }
        let raw: Raw = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| {
                anyhow::anyhow!("configuration invalide : {}", e.message())
            })?;

        let bind = raw.bind.unwrap_or_else(|| "127.0.0.1:8080".to_string());
        // The dev login signs anyone in as anyone: never offer it beyond this machine.
        let loopback = bind.starts_with("127.")
            || bind.starts_with("localhost:")
            || bind.starts_with("[::1]:");
        if env == Environment::Dev && !loopback {
            bail!(
                "HABILIS_ENV=dev (connexion de démonstration sans mot de passe) n'écoute que sur 127.0.0.1 : \
                 « {bind} » demande HABILIS_ENV=prod"
            );
        }
        let session_key = match (raw.session_key, env) {
            (Some(key), _) if key.len() >= 64 => key,
            (Some(_), _) => bail!("HABILIS_SESSION_KEY doit compter au moins 64 caractères"),
            // In dev a fresh key per start is fine: sessions simply end on restart.
            (None, Environment::Dev) => random_key(),
            (None, Environment::Prod) => {
                bail!(
                    "HABILIS_SESSION_KEY est obligatoire en production (64 caractères aléatoires au moins)"
                )
            }
        };
        let audit_key = match (raw.audit_key, env) {
            (Some(key), _) if key.len() >= 32 => key,
            (Some(_), _) => bail!("HABILIS_AUDIT_KEY doit compter au moins 32 caractères"),
            // Fixed in dev, so a demo database verifies across restarts; never a secret.
            (None, Environment::Dev) => DEV_AUDIT_KEY.to_string(),
            (None, Environment::Prod) => bail!(
                "HABILIS_AUDIT_KEY est obligatoire en production (32 caractères aléatoires au moins, \
                 conservés hors de la base de données : ils scellent le journal d'audit)"
            ),
        };
        let base_url = raw
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{bind}"))
            .trim_end_matches('/')
            .to_string();
        let oidc = match (raw.oidc_issuer, raw.oidc_client_id, raw.oidc_client_secret) {
            (Some(issuer), Some(client_id), Some(secret)) => Some(OidcSettings {
                issuer,
                client_id,
                client_secret: SecretString::from(secret),
                redirect_url: raw
                    .oidc_redirect_url
                    .unwrap_or_else(|| format!("{base_url}/connexion/retour")),
                post_logout_url: raw
                    .oidc_post_logout_url
                    .unwrap_or_else(|| format!("{base_url}/")),
                scopes: raw
                    .oidc_scopes
                    .unwrap_or_else(|| "openid email given_name usual_name siret".to_string())
                    .split_whitespace()
                    .map(str::to_string)
                    .collect(),
            }),
            (None, None, None) => None,
            _ => bail!(
                "HABILIS_OIDC_ISSUER, HABILIS_OIDC_CLIENT_ID et HABILIS_OIDC_CLIENT_SECRET vont ensemble : il en manque"
            ),
        };
        if env == Environment::Prod && oidc.is_none() {
            bail!(
                "HABILIS_OIDC_ISSUER, HABILIS_OIDC_CLIENT_ID et HABILIS_OIDC_CLIENT_SECRET sont obligatoires en production : \
                 sans fournisseur d'identité, personne ne pourrait se connecter"
            );
        }
        if env == Environment::Prod && raw.smtp_host.is_none() {
            bail!(
                "HABILIS_SMTP_HOST est obligatoire en production : sans serveur SMTP, les courriels ne partiraient pas"
            );
        }
        let smtp = raw.smtp_host.map(|host| {
            let tls = raw.smtp_tls.unwrap_or(SmtpTls::Starttls);
            SmtpSettings {
                host,
                port: raw.smtp_port.unwrap_or(match tls {
                    SmtpTls::None => 25,
                    SmtpTls::Starttls => 587,
                    SmtpTls::Tls => 465,
                }),
                tls,
                username: raw.smtp_username,
                password: raw.smtp_password.map(SecretString::from),
            }
        });
        Ok(Settings {
            env,
            database_url: SecretString::from(
                raw.database_url.unwrap_or_else(|| "habilis.db".to_string()),
            ),
            base_url: raw
                .base_url
                .unwrap_or_else(|| format!("http://{bind}"))
                .trim_end_matches('/')
                .to_string(),
            bind,
            providers_dir: raw
                .providers_dir
                .unwrap_or_else(|| PathBuf::from("providers")),
            session_key: SecretString::from(session_key),
            audit_key: SecretString::from(audit_key),
            db_pool_size: raw.db_pool_size.unwrap_or(10).max(1),
            seed_demo: raw.seed_demo.unwrap_or(env == Environment::Dev),
            smtp,
            mail_from: raw
                .mail_from
                .unwrap_or_else(|| "habilis <ne-pas-repondre@habilis.localhost>".to_string()),
            outbox_max_attempts: raw.outbox_max_attempts.unwrap_or(8).max(1),
            outbox_poll_ms: raw.outbox_poll_ms.unwrap_or(1_000).max(10),
            outbox_backoff_ms: raw.outbox_backoff_ms.unwrap_or(30_000).max(10),
            worker: raw.worker.unwrap_or(true),
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
            oidc,
            webhook_env: vars
                .iter()
                .filter(|(k, v)| k.starts_with("HABILIS_WEBHOOK_") && !v.is_empty())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        })
    }

    pub fn is_dev(&self) -> bool {
        self.env == Environment::Dev
    }

    pub fn database_url(&self) -> &str {
        self.database_url.expose_secret()
    }
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
