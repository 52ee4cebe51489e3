//! Sessions the server knows: each sign-in records one (by the hash of a random token kept in
//! the cookie), every request checks it is still live, signing out ends it, and "sign out
//! everywhere" ends all of a person's. The record is in the database, so it holds across
//! several instances.

use crate::db::audit::{self, Entry};
use crate::db::{sessions, users, write_transaction};
use crate::error::AppError;

use super::accounts::{self, CurrentUser};
use super::{App, now, sha256_hex};

/// Records a new session for the person; returns the token the cookie keeps.
pub async fn start(app: &App, user_id: i64, how: &'static str) -> Result<String, AppError> {
    let token = crate::config::random_key();
    let digest = sha256_hex(&token);
    let oldest = now() - chrono::Duration::seconds(app.settings.session_max_seconds.max(0));
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                sessions::purge_older_than(conn, oldest)?;
                sessions::insert(conn, user_id, &digest, now())?;
                let email = users::find(conn, user_id)?
                    .map(|u| u.email)
                    .unwrap_or_default();
                audit::append(
                    conn,
                    &Entry {
                        actor: &email,
                        action: "session.sign_in",
                        resource: &format!("users:{email}"),
                        old_value: None,
                        new_value: Some(how),
                        at: now(),
                    },
                )?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(token)
}

/// The signed-in person, when this session is still live.
pub async fn resume(
    app: &App,
    user_id: i64,
    token: String,
    chosen: Option<i64>,
) -> Result<Option<CurrentUser>, AppError> {
    let digest = sha256_hex(&token);
    app.db
        .run(move |conn| {
            if !sessions::is_live(conn, user_id, &digest)? {
                return Ok(None);
            }
            accounts::load_with(conn, user_id, chosen)
        })
        .await
}

/// Ends this session, or all of the person's (`everywhere`).
pub async fn end(
    app: &App,
    current: &CurrentUser,
    token: Option<String>,
    everywhere: bool,
) -> Result<(), AppError> {
    let (user_id, email) = (current.user.id, current.user.email.clone());
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let ended = if everywhere {
                    sessions::revoke_all(conn, user_id, now())?
                } else if let Some(token) = &token {
                    sessions::revoke(conn, &sha256_hex(token), now())?
                } else {
                    0
                };
                let action = if everywhere {
                    "session.sign_out_everywhere"
                } else {
                    "session.sign_out"
                };
                audit::append(
                    conn,
                    &Entry {
                        actor: &email,
                        action,
                        resource: &format!("users:{email}"),
                        old_value: None,
                        new_value: Some(&format!("{ended} session(s) terminée(s)")),
                        at: now(),
                    },
                )?;
                Ok::<_, AppError>(())
            })
        })
        .await
}
