//! Every key a settings file may hold, as one typed struct: the files, the environment
//! variables' names and `config/example.toml` all follow it.
//!
//! Each key is optional here; [`super::Settings`] gives the defaults and the checks.
//! A key `smtp.host` is set by `[smtp] host = …` in a file, or by `HABILIS_SMTP_HOST`.

use std::path::PathBuf;

use secrecy::SecretString;
use serde::{Deserialize, Serialize, Serializer};

/// How to talk to the SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain SMTP (a local relay or a test sink).
    None,
    /// STARTTLS on a plain connection (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// The look of the pages: the state's (Marianne, "République française") or a neutral one
/// with the same components, for operators that are not state bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    Etat,
    Neutre,
}

/// The whole settings tree, as files and variables give it.
///
/// `Serialize` only lists the keys (see [`super::sources::key_paths`]): secrets serialise as
/// nothing, so they cannot leak through it.
#[derive(Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Raw {
    #[serde(serialize_with = "hidden")]
    pub database_url: Option<SecretString>,
    pub bind: Option<String>,
    pub providers_dir: Option<PathBuf>,
    /// Where operators keep their own legal pages (accessibility statement, legal notice…).
    pub legal_dir: Option<PathBuf>,
    #[serde(serialize_with = "hidden")]
    pub session_key: Option<SecretString>,
    #[serde(serialize_with = "hidden")]
    pub audit_key: Option<SecretString>,
    pub base_url: Option<String>,
    pub db_pool_size: Option<u32>,
    pub seed_demo: Option<bool>,
    pub mail_from: Option<String>,
    pub worker: Option<bool>,
    pub dashboard_cache: Option<bool>,
    pub company_api_url: Option<String>,
    pub company_api_timeout_ms: Option<u64>,
    pub session_idle_seconds: Option<i64>,
    pub session_max_seconds: Option<i64>,
    pub login_rate_per_minute: Option<u32>,
    /// The portal is reached through a reverse proxy that appends the client's address to
    /// `X-Forwarded-For`: limits count that address, not the proxy's.
    pub behind_proxy: Option<bool>,
    /// Whether `/stats` is open to anyone (its aggregates); false: to role holders only.
    pub stats_public: Option<bool>,
    pub api_rate_per_minute: Option<u32>,
    pub api_invalid_tokens_per_minute: Option<u32>,
    /// Days the record of each rights-API read is kept.
    pub api_reads_retention_days: Option<i64>,
    /// The bearer token Prometheus sends to read `/metrics` (none: no metrics served).
    #[serde(serialize_with = "hidden")]
    pub metrics_token: Option<SecretString>,
    pub theme: Option<Theme>,
    /// The operator named in the header and footer (neutral theme) or under the Marianne.
    pub operator_name: Option<String>,
    /// The clamd daemon each attached file is streamed to (`host:port`, or a Unix socket's
    /// path); none: files are not scanned.
    pub clamd: Option<String>,
    pub smtp: RawSmtp,
    pub oidc: RawOidc,
    pub outbox: RawOutbox,
    pub files: RawFiles,
    pub accounts: RawAccounts,
    pub archiving: RawArchiving,
    pub access_review: RawAccessReview,
}

/// `[files]`: where attached files' bytes are kept.
#[derive(Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawFiles {
    /// A local folder (default: beside the SQLite file, or `habilis-fichiers`).
    pub dir: Option<PathBuf>,
    /// An S3-compatible bucket instead of the folder.
    pub s3_bucket: Option<String>,
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
    pub s3_access_key_id: Option<String>,
    #[serde(serialize_with = "hidden")]
    pub s3_secret_access_key: Option<SecretString>,
    /// Days a refused or archived demande keeps its files.
    pub retention_days: Option<i64>,
}

/// `[accounts]`: how long unused accounts are kept.
#[derive(Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawAccounts {
    /// Days without a sign-in before an account is disabled (warned 15 days before); 0: never.
    pub idle_days: Option<i64>,
    /// Days a disabled account is kept before its personal data is erased.
    pub erase_after_days: Option<i64>,
}

/// `[archiving]`: demandes left untouched are archived by the portal (the applicant may restore
/// them).
#[derive(Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawArchiving {
    /// Days since a draft's last change (its reminder sent at 15); 0: never.
    pub drafts_after_days: Option<i64>,
    /// Days since changes were requested and not made (reminder at 30); 0: never.
    pub changes_after_days: Option<i64>,
}

/// `[access_review]`: the yearly review of everyone's roles.
#[derive(Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawAccessReview {
    /// "MM-DD": a campaign starts by itself each year on that day (none: only by command).
    pub yearly_on: Option<String>,
    /// Days from a campaign's start to its deadline.
    pub days: Option<i64>,
    /// Whether roles nobody confirmed by the deadline are suspended.
    pub suspend: Option<bool>,
}

/// `[smtp]`: the server emails leave through.
#[derive(Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawSmtp {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub tls: Option<SmtpTls>,
    pub username: Option<String>,
    #[serde(serialize_with = "hidden")]
    pub password: Option<SecretString>,
}

/// `[oidc]`: the OpenID provider people sign in with.
#[derive(Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawOidc {
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    #[serde(serialize_with = "hidden")]
    pub client_secret: Option<SecretString>,
    pub redirect_url: Option<String>,
    pub post_logout_url: Option<String>,
    /// Space-separated, as in the OAuth `scope` parameter.
    pub scopes: Option<String>,
}

/// `[outbox]`: how emails and webhooks are retried.
#[derive(Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawOutbox {
    pub max_attempts: Option<i32>,
    pub poll_ms: Option<u64>,
    pub backoff_ms: Option<u64>,
    pub lease_seconds: Option<i64>,
}

/// A secret's place in the key list, without its value.
fn hidden<S: Serializer>(_: &Option<SecretString>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_none()
}
