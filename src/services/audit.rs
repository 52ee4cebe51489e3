//! Recording sensitive actions in the audit log, each with who did it.
//!
//! [`record`] writes inside the caller's transaction, so the action and its row commit
//! together. The actor is a person's email, or [`CLI`] for an operator.

use secrecy::{ExposeSecret, SecretString};

use crate::db::audit::{self, Entry};
use crate::db::{DbConnection, users};
use crate::error::AppError;

use super::now;

/// Who acted on the command line.
pub const CLI: &str = "ligne de commande";
/// What the portal does by itself (accounts lapsing).
pub const PORTAL: &str = "habilis (automatique)";

/// Appends an entry keyed with `key` (the settings' audit key), in the current transaction.
pub fn record(
    conn: &mut DbConnection,
    key: &SecretString,
    actor: &str,
    action: &str,
    resource: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Result<(), AppError> {
    audit::append(
        conn,
        key.expose_secret().as_bytes(),
        &Entry {
            actor,
            action,
            resource,
            old_value: old,
            new_value: new,
            at: now(),
        },
    )?;
    Ok(())
}

/// How someone signed in.
#[derive(Debug, Clone, Copy)]
pub enum SignIn {
    Demo,
    IdentityProvider,
}

impl SignIn {
    pub fn as_str(self) -> &'static str {
        match self {
            SignIn::Demo => "demo",
            SignIn::IdentityProvider => "oidc",
        }
    }
}

/// A person's address as the log names them (`user:ID` when the account is gone).
pub fn email_of(conn: &mut DbConnection, user_id: i64) -> Result<String, AppError> {
    Ok(users::find(conn, user_id)?.map_or_else(|| format!("user:{user_id}"), |u| u.email))
}
