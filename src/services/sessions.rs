//! Sessions the server knows: each sign-in records one (by the hash of a random token kept in
//! the cookie), every request checks it is still live, signing out ends it, and "sign out
//! everywhere" ends all of a person's. The record is in the database, so it holds across
//! several instances.

use crate::db::{sessions, support, write_transaction};
use crate::error::AppError;

use super::accounts::{CurrentUser, ListsVersion};
use super::audit::{self, SignIn};
use super::{App, now, sha256_hex};

/// Records a new session for the person; returns the token the cookie keeps.
pub async fn start(app: &App, user_id: i64, how: SignIn) -> Result<String, AppError> {
    let token = crate::config::random_key();
    let digest = sha256_hex(&token);
    let oldest = now() - chrono::Duration::seconds(app.settings.session_max_seconds.max(0));
    let key = app.settings.audit_key.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                // Recorded first, guarded: a disabled or erased account gets no session.
                if !crate::db::users::record_sign_in(conn, user_id, now())? {
                    refuse_lapsed(conn, user_id)?;
                    return Err(AppError::LoginFailed("Ce compte n'existe pas.".to_string()));
                }
                sessions::purge_older_than(conn, oldest)?;
                sessions::insert(conn, user_id, &digest, now())?;
                let email = audit::email_of(conn, user_id)?;
                let method = serde_json::json!({ "method": how.as_str() }).to_string();
                audit::record(
                    conn,
                    &key,
                    &email,
                    "session.sign_in",
                    &format!("user:{user_id}"),
                    None,
                    Some(&method),
                )
            })
        })
        .await?;
    Ok(token)
}

/// A disabled, blocked or erased account signs in no more, and is told why.
fn refuse_lapsed(conn: &mut crate::db::DbConnection, user_id: i64) -> Result<(), AppError> {
    let Some(account) = crate::db::lapse::of(conn, user_id)? else {
        return Ok(());
    };
    if account.erased_at.is_some() {
        return Err(AppError::LoginFailed(
            "Ce compte habilis a été supprimé.".to_string(),
        ));
    }
    if let Some((at, reason)) = crate::db::bans::of(conn, user_id)? {
        return Err(AppError::LoginFailed(crate::domain::ban::refusal(
            at, &reason,
        )));
    }
    if let Some(disabled) = account.disabled_at {
        return Err(AppError::LoginFailed(format!(
            "Votre compte habilis a été désactivé le {} : vous ne vous y étiez pas connecté depuis le {}. Demandez à un administrateur de habilis de le réactiver.",
            disabled.format("%d/%m/%Y"),
            account.last_used().format("%d/%m/%Y"),
        )));
    }
    Ok(())
}

/// The signed-in person, when this session is still live: not revoked, and used within the
/// idle timeout (kept here, not only in the cookie, so a copy of the cookie in use elsewhere
/// cannot keep alive a session its owner left). Use is recorded at most once a minute.
pub async fn resume(
    app: &App,
    user_id: i64,
    token: String,
    chosen: Option<i64>,
) -> Result<Option<CurrentUser>, AppError> {
    let digest = sha256_hex(&token);
    let idle = chrono::Duration::seconds(app.settings.session_idle_seconds.max(0));
    let cache = app.access.clone();
    let (key, links) = (app.settings.audit_key.clone(), app.links.clone());
    app.db
        .run(move |conn| {
            let at = now();
            let Some(sessions::Resumed {
                seen,
                user,
                generation,
                lists_version,
                reads_version,
                viewing,
            }) = sessions::resume(conn, user_id, &digest)?
            else {
                return Ok(None);
            };
            if at - seen >= idle {
                sessions::revoke(conn, &digest, at)?;
                return Ok(None);
            }
            if at - seen >= chrono::Duration::seconds(60) {
                sessions::seen(conn, &digest, at)?;
            }
            // An admin's view of the portal as another person, while it lasts and they are
            // still an admin; over, it is closed (the person emailed) and the admin is back.
            if let Some((target, until)) = viewing {
                let viewed = match (until > at && user.is_admin, support::viewed(conn, target)?) {
                    (true, Some(viewed)) => Some(viewed),
                    _ => None,
                };
                if let Some((person, person_generation)) = viewed {
                    let access = cache.get_or_load(conn, person.id, person_generation)?;
                    let admin = super::accounts::Viewing {
                        admin_id: user.id,
                        admin_name: user.full_name().trim().to_string(),
                        admin_email: user.email.clone(),
                        until,
                    };
                    return Ok(Some(CurrentUser {
                        viewing: Some(admin),
                        ..access.of(person, None)
                    }));
                }
                if let Some(view) = support::of_session(conn, &digest)? {
                    write_transaction(conn, |conn| {
                        super::support::finish(conn, (&key, &links), &view, at)
                    })?;
                }
            }
            let access = cache.get_or_load(conn, user_id, generation)?;
            Ok(Some(CurrentUser {
                lists_version: Some(ListsVersion {
                    demandes: lists_version,
                    reads: reads_version,
                }),
                ..access.of(user, chosen)
            }))
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
    // Signing out while viewing the portal as someone is the admin's act, not theirs.
    let email = match &current.viewing {
        Some(viewing) => viewing.admin_email.clone(),
        None => current.user.email.clone(),
    };
    // The session's own person: the admin, while they view the portal as someone.
    let user_id = match &current.viewing {
        Some(viewing) => viewing.admin_id,
        None => current.user.id,
    };
    let key = app.settings.audit_key.clone();
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
                let resource = format!("user:{user_id}");
                if everywhere {
                    let ended = format!("{ended} session(s) terminée(s)");
                    let action = "session.sign_out_everywhere";
                    audit::record(conn, &key, &email, action, &resource, None, Some(&ended))
                } else {
                    audit::record(
                        conn,
                        &key,
                        &email,
                        "session.sign_out",
                        &resource,
                        None,
                        None,
                    )
                }
            })
        })
        .await
}

/// Ends a session that ran out (idle or too old), without an audit entry: nobody acted.
pub async fn expire(app: &App, token: String) -> Result<(), AppError> {
    let digest = sha256_hex(&token);
    app.db
        .run(move |conn| Ok(sessions::revoke(conn, &digest, now()).map(|_| ())?))
        .await
}
