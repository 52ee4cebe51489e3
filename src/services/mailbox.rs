//! The outbox seen by people: the dev mailbox, dead letters for admins, notification
//! preferences and unsubscribe links.

use crate::db::outbox::{self, OutboxRow};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::notify::{self, Kind};
use super::{App, now};

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

/// The kinds the person can receive, each with its providers and whether it is on.
pub async fn choices(
    app: &App,
    current: &CurrentUser,
) -> Result<Vec<(Kind, Vec<(String, bool)>)>, AppError> {
    let user = current.user.id;
    let chosen = app
        .db
        .run(move |conn| Ok::<_, AppError>(outbox::preferences(conn, user)?))
        .await?;
    Ok(receivable_by(app, current)
        .into_iter()
        .map(|(kind, providers)| {
            let list = providers
                .into_iter()
                .map(|p| {
                    let on = chosen
                        .iter()
                        .find(|(cp, ck, _)| cp == &p && ck == kind.as_str())
                        .map_or(kind.on_by_default(), |(_, _, on)| *on);
                    (p, on)
                })
                .collect();
            (kind, list)
        })
        .collect())
}

fn receivable_by(app: &App, current: &CurrentUser) -> Vec<(Kind, Vec<String>)> {
    let providers: Vec<String> = app.catalog.all().iter().map(|p| p.slug.clone()).collect();
    notify::receivable(&current.actor, &providers)
}

/// Saves the person's choices: `on` lists the (provider, kind) pairs ticked. Only what the
/// page offered is written: a kind the person cannot receive keeps its default.
pub async fn save_preferences(
    app: &App,
    current: &CurrentUser,
    on: Vec<(String, String)>,
) -> Result<(), AppError> {
    let user = current.user.id;
    let offered = receivable_by(app, current);
    app.db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                for (kind, providers) in &offered {
                    for provider in providers {
                        let enabled = on.iter().any(|(p, k)| p == provider && k == kind.as_str());
                        outbox::set_pref(conn, user, provider, kind.as_str(), enabled)?;
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
    pub kind: Kind,
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
        let kind = Kind::parse(kind)?;
        app.catalog.get(provider)?;
        app.links
            .verify_unsubscribe(user_id, provider, kind.as_str(), token)
            .then(|| Unsubscribe {
                user_id,
                provider: provider.to_string(),
                kind,
            })
    }

    pub fn kind_label(&self) -> &'static str {
        self.kind.label()
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
                link.kind.as_str(),
                false,
            )?)
        })
        .await
}
