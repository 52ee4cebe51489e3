//! Blocking an account (admins): sign-in refused with the reason, sessions ended at once,
//! audited, reversible.

use chrono::NaiveDateTime;

use crate::db::{bans, sessions, users, write_transaction};
use crate::domain::ban::{self, BanError};
use crate::domain::email::Email;
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::{App, audit, now};

fn refused(e: BanError) -> AppError {
    match e {
        BanError::NotAdmin => AppError::Forbidden,
        other => AppError::Unprocessable(other.to_string()),
    }
}

/// A blocked account, for the admins' page.
pub struct Blocked {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub at: NaiveDateTime,
    pub reason: String,
}

/// Blocks the account at `email`: it signs in no more and its sessions end now.
pub async fn ban(
    app: &App,
    current: &CurrentUser,
    email: &str,
    reason: &str,
) -> Result<(), AppError> {
    if !current.actor.is_admin {
        return Err(AppError::Forbidden);
    }
    let email = Email::parse(email).map_err(|e| AppError::Unprocessable(e.to_string()))?;
    let reason = ban::reason(reason).map_err(refused)?;
    let (key, admin, admin_id) = (
        app.settings.audit_key.clone(),
        current.user.email.clone(),
        current.user.id,
    );
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let unknown = || {
                    AppError::Unprocessable(format!(
                        "Aucun compte habilis n'a l'adresse {}.",
                        email.as_str()
                    ))
                };
                let user = users::find_by_email(conn, email.as_str())?.ok_or_else(unknown)?;
                let (user, target) = bans::target(conn, user.id)?.ok_or_else(unknown)?;
                ban::may_ban(true, admin_id, target).map_err(refused)?;
                let at = now();
                if !bans::ban(conn, user.id, &reason, at)? {
                    return Err(refused(BanError::AlreadyBanned));
                }
                let ended = sessions::revoke_all(conn, user.id, at)?;
                let detail = serde_json::json!({
                    "email": user.email,
                    "reason": reason,
                    "sessions_ended": ended,
                })
                .to_string();
                let resource = format!("user:{}", user.id);
                audit::record(
                    conn,
                    &key,
                    &admin,
                    "account.ban",
                    &resource,
                    None,
                    Some(&detail),
                )
            })
        })
        .await
}

/// Lifts the block on an account: it may sign in again.
pub async fn unban(app: &App, current: &CurrentUser, id: i64) -> Result<(), AppError> {
    if !current.actor.is_admin {
        return Err(AppError::Forbidden);
    }
    let (key, admin) = (app.settings.audit_key.clone(), current.user.email.clone());
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let (user, target) = bans::target(conn, id)?.ok_or(AppError::NotFound)?;
                ban::may_unban(true, target).map_err(refused)?;
                let old = bans::of(conn, id)?.map(|(_, reason)| reason);
                if !bans::unban(conn, id)? {
                    return Err(refused(BanError::NotBanned));
                }
                let resource = format!("user:{id}");
                let detail = serde_json::json!({ "email": user.email }).to_string();
                audit::record(
                    conn,
                    &key,
                    &admin,
                    "account.unban",
                    &resource,
                    old.as_deref(),
                    Some(&detail),
                )
            })
        })
        .await
}

/// The blocked accounts (admins).
pub async fn blocked(app: &App, current: &CurrentUser) -> Result<Vec<Blocked>, AppError> {
    if !current.actor.is_admin {
        return Err(AppError::Forbidden);
    }
    app.db
        .run(|conn| {
            Ok(bans::list(conn, 500)?
                .into_iter()
                .map(|(user, at, reason)| Blocked {
                    id: user.id,
                    name: user.full_name().trim().to_string(),
                    email: user.email,
                    at,
                    reason,
                })
                .collect())
        })
        .await
}
