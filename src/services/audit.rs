//! Recording sensitive actions in the audit log, each with who did it.
//!
//! [`record`] writes inside the caller's transaction, so the action and its row commit
//! together. The actor is a person's email, or [`CLI`] for an operator.

use secrecy::{ExposeSecret, SecretString};

use crate::db::audit::{self, Entry};
use crate::db::{DbConnection, users, write_transaction};
use crate::error::AppError;

use super::{App, now};

/// Who acted on the command line.
pub const CLI: &str = "ligne de commande";

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

/// A person signed in: `session.sign_in` on `user:ID`, with how.
pub async fn signed_in(app: &App, user_id: i64, how: SignIn) -> Result<(), AppError> {
    let method = match how {
        SignIn::Demo => "demo",
        SignIn::IdentityProvider => "oidc",
    };
    let key = app.settings.audit_key.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let email = email_of(conn, user_id)?;
                let new = serde_json::json!({ "method": method }).to_string();
                let resource = format!("user:{user_id}");
                record(
                    conn,
                    &key,
                    &email,
                    "session.sign_in",
                    &resource,
                    None,
                    Some(&new),
                )
            })
        })
        .await
}

/// A person signed out: `session.sign_out` on `user:ID`.
pub async fn signed_out(app: &App, user_id: i64) -> Result<(), AppError> {
    let key = app.settings.audit_key.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let email = email_of(conn, user_id)?;
                let resource = format!("user:{user_id}");
                record(
                    conn,
                    &key,
                    &email,
                    "session.sign_out",
                    &resource,
                    None,
                    None,
                )
            })
        })
        .await
}

fn email_of(conn: &mut DbConnection, user_id: i64) -> Result<String, AppError> {
    Ok(users::find(conn, user_id)?.map_or_else(|| format!("user:{user_id}"), |u| u.email))
}
