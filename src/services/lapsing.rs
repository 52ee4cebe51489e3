//! Accounts that lapse, run by the worker with the clock passed in: the holder is warned 15
//! days before, then the account is disabled (sessions ended, roles removed, sign-in refused),
//! then its personal data is erased. When the account made demandes whose habilitations are
//! active, the organisation's other agents are told at each step. Each step is written with a
//! guard, its emails and its audit row in one transaction: run twice, it does nothing twice.

use std::sync::Arc;

use askama::Template;
use chrono::{Duration, NaiveDateTime};

use crate::db::models::User;
use crate::db::{DbConnection, lapse, outbox, sessions, users, write_transaction};
use crate::domain::demande::public_id;
use crate::domain::lapse::{Account, Step};
use crate::error::AppError;

use super::App;
use super::accounts::CurrentUser;
use super::audit::{self, PORTAL};

/// What one pass did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Done {
    pub warned: usize,
    pub disabled: usize,
    pub erased: usize,
}

/// What the lapsing emails show (with the names the shared email layout reads).
#[derive(Debug, Clone)]
pub struct LapseMail {
    pub subject: String,
    /// warn, disabled, warn_colleague, disabled_colleague, erased_colleague.
    pub kind: &'static str,
    /// The account's holder, "Name (address)".
    pub person: String,
    pub organisation_name: String,
    pub last_used: String,
    /// The day of the step: disabled on, or done on.
    pub on: String,
    pub erase_on: String,
    pub habilitations: Vec<String>,
    pub link: String,
    pub link_label: String,
    pub public_id: String,
    pub provider_name: String,
    pub organisation: String,
    pub unsubscribe: Option<String>,
}

#[derive(Template)]
#[template(path = "mail/account_lapse.txt")]
struct Text<'a> {
    m: &'a LapseMail,
}

#[derive(Template)]
#[template(path = "mail/account_lapse.html")]
struct Html<'a> {
    m: &'a LapseMail,
}

fn day(at: NaiveDateTime) -> String {
    at.format("%d/%m/%Y").to_string()
}

/// Sends the steps due at `now`.
pub async fn run(app: Arc<App>, now: NaiveDateTime) -> Result<Done, AppError> {
    let job = app.clone();
    app.db
        .run(move |conn| {
            let policy = job.settings.lapse;
            let unused_since = if policy.on() {
                policy.unused_since(now)
            } else {
                chrono::DateTime::UNIX_EPOCH.naive_utc()
            };
            let disabled_by = now - Duration::days(policy.erase_after_days);
            let mut done = Done::default();
            let mut after = 0;
            loop {
                let page = lapse::candidates(conn, unused_since, disabled_by, after, 200)?;
                let Some((last, _)) = page.last() else {
                    break;
                };
                after = last.id;
                for (user, account) in page {
                    let Some(step) = policy.next(&account, now) else {
                        continue;
                    };
                    let applied = write_transaction(conn, |conn| {
                        apply(conn, &job, &user, &account, step, now)
                    })?;
                    if applied {
                        match step {
                            Step::Warn { .. } => done.warned += 1,
                            Step::Disable => done.disabled += 1,
                            Step::Erase => done.erased += 1,
                        }
                    }
                }
            }
            Ok(done)
        })
        .await
}

/// Applies one step, unless the account changed meanwhile; tells whom it concerns.
fn apply(
    conn: &mut DbConnection,
    app: &App,
    user: &User,
    account: &Account,
    step: Step,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let policy = app.settings.lapse;
    let held = lapse::held(conn, user.id, now)?;
    let mail = |kind: &'static str, subject: String, on: NaiveDateTime| LapseMail {
        subject,
        kind,
        person: format!("{} ({})", user.full_name().trim(), user.email),
        organisation_name: String::new(),
        last_used: day(account.last_used()),
        on: day(on),
        erase_on: day(policy.erased_at(on)),
        habilitations: Vec::new(),
        link: app.settings.base_url.clone(),
        link_label: "Aller sur habilis".to_string(),
        public_id: String::new(),
        provider_name: String::new(),
        organisation: String::new(),
        unsubscribe: None,
    };
    let resource = format!("user:{}", user.id);
    let key = &app.settings.audit_key;
    let (own, colleagues) = match step {
        Step::Warn { disable_on } => {
            if !lapse::mark_warned(conn, user.id, account.warned_at, now)? {
                return Ok(false);
            }
            let note = format!("désactivation prévue le {}", day(disable_on));
            audit::record(
                conn,
                key,
                PORTAL,
                "account.lapse_warn",
                &resource,
                None,
                Some(&note),
            )?;
            let own = mail(
                "warn",
                format!(
                    "[habilis] Votre compte sera désactivé le {}",
                    day(disable_on)
                ),
                disable_on,
            );
            let theirs = mail(
                "warn_colleague",
                format!(
                    "[habilis] Le compte de {} sera désactivé le {}",
                    user.full_name().trim(),
                    day(disable_on)
                ),
                disable_on,
            );
            (Some(own), theirs)
        }
        Step::Disable => {
            // The portal never loses its last admin this way (they are warned, not disabled).
            let admins = crate::db::access_reviews::admins(conn)?;
            if user.is_admin && admins.iter().all(|a| a.id == user.id) {
                tracing::warn!(user = user.id, "last admin unused: not disabled");
                return Ok(false);
            }
            if !lapse::disable(conn, user.id, account.last_used(), now)? {
                return Ok(false);
            }
            if user.is_admin {
                crate::db::access_reviews::remove_admin(conn, user.id)?;
            }
            sessions::revoke_all(conn, user.id, now)?;
            let roles = users::roles_of(conn, user.id)?;
            for (provider, role) in &roles {
                users::revoke_role(conn, user.id, provider, *role)?;
            }
            let removed = roles
                .iter()
                .map(|(p, r)| format!("{p}:{}", r.as_str()))
                .chain(user.is_admin.then(|| "admin".to_string()))
                .collect::<Vec<_>>();
            let old = serde_json::to_string(&removed).map_err(anyhow::Error::from)?;
            let note = "désactivé faute de connexion";
            audit::record(
                conn,
                key,
                PORTAL,
                "account.disable",
                &resource,
                Some(&old),
                Some(note),
            )?;
            let own = mail(
                "disabled",
                "[habilis] Votre compte a été désactivé".to_string(),
                now,
            );
            let theirs = mail(
                "disabled_colleague",
                format!(
                    "[habilis] Le compte de {} a été désactivé",
                    user.full_name().trim()
                ),
                now,
            );
            (Some(own), theirs)
        }
        Step::Erase => {
            let theirs = mail(
                "erased_colleague",
                format!(
                    "[habilis] Le compte de {} a été supprimé",
                    user.full_name().trim()
                ),
                now,
            );
            if !lapse::erase(conn, user.id, now)? {
                return Ok(false);
            }
            let note = "données personnelles effacées";
            audit::record(
                conn,
                key,
                PORTAL,
                "account.erase",
                &resource,
                None,
                Some(note),
            )?;
            (None, theirs)
        }
    };
    let line = |h: &lapse::Held| {
        let provider = app
            .catalog
            .get(&h.provider)
            .map_or(h.provider.clone(), |p| p.name.clone());
        let title = if h.intitule.is_empty() {
            "(sans titre)"
        } else {
            &h.intitule
        };
        format!("{} – {title} ({provider})", public_id(h.demande_id))
    };
    if let Some(mut own) = own {
        own.habilitations = held.iter().map(line).collect();
        own.link = format!("{}/connexion", app.settings.base_url);
        own.link_label = "Se connecter à habilis".to_string();
        send(conn, &own, &user.email, now)?;
    }
    // Nothing happens to an account holding habilitations without its colleagues told.
    let mut organisations: Vec<i64> = held.iter().map(|h| h.organisation_id).collect();
    organisations.dedup();
    for organisation in organisations {
        let here: Vec<&lapse::Held> = held
            .iter()
            .filter(|h| h.organisation_id == organisation)
            .collect();
        let m = LapseMail {
            organisation_name: here
                .first()
                .map(|h| h.organisation_name.clone())
                .unwrap_or_default(),
            habilitations: here.iter().map(|h| line(h)).collect(),
            link: format!("{}/demandes", app.settings.base_url),
            link_label: "Voir les demandes de votre organisation".to_string(),
            ..colleagues.clone()
        };
        for colleague in lapse::colleagues(conn, organisation, user.id)? {
            send(conn, &m, &colleague.email, now)?;
        }
    }
    Ok(true)
}

/// Queues one email.
fn send(
    conn: &mut DbConnection,
    m: &LapseMail,
    to: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let (text, html) = (
        Text { m }.render().map_err(anyhow::Error::from)?,
        Html { m }.render().map_err(anyhow::Error::from)?,
    );
    outbox::insert_email(conn, "account_lapse", to, &m.subject, (&text, &html), now)?;
    Ok(())
}

/// An account on its way out, as admins see it.
#[derive(Debug, Clone)]
pub struct Pending {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub last_used: NaiveDateTime,
    /// Disabled on (then erased on `next`), or to be disabled on `next`.
    pub disabled_at: Option<NaiveDateTime>,
    pub next: NaiveDateTime,
}

/// Accounts warned or disabled, and how many were erased (admins only).
pub async fn pending(app: &App, current: &CurrentUser) -> Result<(Vec<Pending>, i64), AppError> {
    if !current.actor.is_admin {
        return Err(AppError::Forbidden);
    }
    let policy = app.settings.lapse;
    app.db
        .run(move |conn| {
            let accounts = lapse::pending(conn, 500)?
                .into_iter()
                .map(|(user, account)| Pending {
                    id: user.id,
                    name: user.full_name().trim().to_string(),
                    email: user.email,
                    last_used: account.last_used(),
                    disabled_at: account.disabled_at,
                    next: match (account.disabled_at, account.warned_at) {
                        (Some(disabled), _) => policy.erased_at(disabled),
                        (None, Some(warned)) => (account.last_used()
                            + Duration::days(policy.idle_days))
                        .max(warned + Duration::days(crate::domain::lapse::WARNING_DAYS)),
                        (None, None) => account.last_used() + Duration::days(policy.idle_days),
                    },
                })
                .collect();
            Ok((accounts, lapse::erased_count(conn)?))
        })
        .await
}

/// Gives a disabled account back (admins only; its roles are not): it may sign in again, and
/// its unused days count from now.
pub async fn reactivate(app: &App, current: &CurrentUser, id: i64) -> Result<(), AppError> {
    if !current.actor.is_admin {
        return Err(AppError::Forbidden);
    }
    let (key, admin) = (app.settings.audit_key.clone(), current.user.email.clone());
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                if !lapse::reactivate(conn, id, super::now())? {
                    return Err(AppError::NotFound);
                }
                let resource = format!("user:{id}");
                let email = audit::email_of(conn, id)?;
                audit::record(
                    conn,
                    &key,
                    &admin,
                    "account.reactivate",
                    &resource,
                    None,
                    Some(&email),
                )
            })
        })
        .await
}
