//! The outbox seen by people: the dev mailbox, dead letters for admins, notification
//! preferences and unsubscribe links.

use crate::db::outbox::{self, OutboxRow};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::{App, notify, now};

/// Every email, newest first: only in dev, where no SMTP server is needed.
pub async fn dev_mailbox(app: &App) -> Result<Vec<OutboxRow>, AppError> {
    if !app.settings.is_dev() {
        return Err(AppError::NotFound);
    }
    app.db
        .run(|conn| Ok(outbox::recent_emails(conn, 200)?))
        .await
}

/// Emails that gave up, for admins.
pub async fn dead_letters(app: &App, current: &CurrentUser) -> Result<Vec<OutboxRow>, AppError> {
    if !current.actor.is_admin {
        return Err(AppError::Forbidden);
    }
    app.db.run(|conn| Ok(outbox::failed(conn, 200)?)).await
}

/// Puts a dead letter back in the queue.
pub async fn retry(app: &App, current: &CurrentUser, id: i64) -> Result<(), AppError> {
    if !current.actor.is_admin {
        return Err(AppError::Forbidden);
    }
    let (key, actor) = (app.settings.audit_key.clone(), current.user.email.clone());
    app.db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                if outbox::retry(conn, id, now())? != 1 {
                    return Err(AppError::NotFound);
                }
                let resource = format!("outbox:{id}");
                super::audit::record(conn, &key, &actor, "outbox.retry", &resource, None, None)
            })
        })
        .await
}

/// (provider, kind) pairs the person switched off.
pub async fn switched_off(
    app: &App,
    current: &CurrentUser,
) -> Result<Vec<(String, String)>, AppError> {
    let user = current.user.id;
    app.db
        .run(move |conn| Ok(outbox::switched_off(conn, user)?))
        .await
}

/// Saves the person's choices: `on` lists the (provider, kind) pairs ticked.
pub async fn save_preferences(
    app: &App,
    current: &CurrentUser,
    on: Vec<(String, String)>,
) -> Result<(), AppError> {
    let user = current.user.id;
    let providers: Vec<String> = app.catalog.all().iter().map(|p| p.slug.clone()).collect();
    app.db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                for provider in &providers {
                    for (kind, _) in notify::KINDS {
                        let enabled = on.iter().any(|(p, k)| p == provider && k == kind);
                        outbox::set_pref(conn, user, provider, kind, enabled)?;
                    }
                }
                Ok::<_, AppError>(())
            })
        })
        .await
}

/// What an unsubscribe link names, once its signature is checked.
#[derive(Debug, Clone)]
pub struct Unsubscribe {
    pub user_id: i64,
    pub provider: String,
    pub kind: String,
}

impl Unsubscribe {
    /// Reads the link's parameters; None unless the signature matches.
    pub fn check(app: &App, pairs: &[(String, String)]) -> Option<Unsubscribe> {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let user_id = get("u")?.parse().ok()?;
        let (provider, kind, token) = (get("f")?, get("k")?, get("t")?);
        if !notify::KINDS.iter().any(|(k, _)| *k == kind) || app.catalog.get(provider).is_none() {
            return None;
        }
        app.links
            .verify_unsubscribe(user_id, provider, kind, token)
            .then(|| Unsubscribe {
                user_id,
                provider: provider.to_string(),
                kind: kind.to_string(),
            })
    }

    pub fn kind_label(&self) -> &'static str {
        notify::KINDS
            .iter()
            .find(|(k, _)| *k == self.kind)
            .map_or("", |(_, l)| l)
    }
}

/// Turns off exactly the kind the link names.
pub async fn unsubscribe(app: &App, link: Unsubscribe) -> Result<(), AppError> {
    app.db
        .run(move |conn| {
            Ok::<_, AppError>(outbox::set_pref(
                conn,
                link.user_id,
                &link.provider,
                &link.kind,
                false,
            )?)
        })
        .await
}
