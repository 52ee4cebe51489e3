//! The parts of the settings that are records of their own: the SMTP server, the OpenID
//! provider, the outbox's retries, where attached files are kept.

use std::path::PathBuf;

use secrecy::SecretString;

use super::SmtpTls;

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

/// How the outbox retries emails and webhooks.
#[derive(Debug, Clone)]
pub struct OutboxSettings {
    /// Attempts before an email becomes a dead letter.
    pub max_attempts: i32,
    /// How often the worker looks for due rows, in milliseconds.
    pub poll_ms: u64,
    /// First retry delay, doubled at each attempt (with jitter), in milliseconds.
    pub backoff_ms: u64,
    /// How long a claimed row stays with its worker: a worker killed mid-send leaves its row
    /// to another after this, in seconds.
    pub lease_seconds: i64,
}

/// Where attached files' bytes are kept.
#[derive(Debug, Clone)]
pub enum FileStore {
    /// A local folder: nothing to install, one instance.
    Dir(PathBuf),
    /// An S3-compatible bucket: several instances share it.
    S3(S3Settings),
}

#[derive(Debug, Clone)]
pub struct S3Settings {
    pub bucket: String,
    /// Absent: AWS itself; `http://` endpoints (a local MinIO) are allowed.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<SecretString>,
}
