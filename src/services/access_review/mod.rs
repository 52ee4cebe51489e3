//! Access review campaigns: `habilis access-review start` (or the yearly day in the settings)
//! lists every role and every admin; each provider's managers confirm or remove its role
//! holders, admins each other (and any role); reviewers are emailed at the start and weekly
//! while they have roles left; at the deadline, what nobody decided is suspended. Every decision
//! is audited with its actor; each step is written with a guard in its emails' transaction.

mod notices;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Duration, NaiveDateTime};

use crate::db::access_reviews::{self as db, Item, Review};
use crate::db::{DbConnection, users, write_transaction};
use crate::domain::access_review::{self as domain, Due};
use crate::domain::policy::Role;
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::audit::{self, PORTAL};
use super::{App, now};
pub use notices::{ReviewMail, role_label};
use notices::{ask, askable, day, send};

/// A started campaign.
#[derive(Debug, Clone)]
pub struct Started {
    pub id: i64,
    pub items: usize,
    pub reviewers: usize,
    pub deadline: NaiveDateTime,
}

/// Starts a campaign at `at` (`by`: who, for the audit log); a 409 when one is open.
pub async fn start(app: Arc<App>, by: &str, at: NaiveDateTime) -> Result<Started, AppError> {
    let (by, deadline) = (
        by.to_string(),
        at + Duration::days(app.settings.access_review.days),
    );
    let key = app.settings.audit_key.clone();
    let job = app.clone();
    app.db
        .run(move |conn| {
            let app = &*job;
            write_transaction(conn, |conn| {
                let Some(id) = db::start(conn, at, deadline, &by)? else {
                    let open = db::open(conn)?.map(|r| day(r.deadline)).unwrap_or_default();
                    return Err(AppError::Conflict(format!(
                        "Une revue des accès est déjà en cours (jusqu'au {open}) : terminez-la avant d'en commencer une autre."
                    )));
                };
                let review = db::open(conn)?.ok_or(AppError::NotFound)?;
                let items = db::items(conn, id)?.len();
                let note = format!("{items} rôle(s) à revoir avant le {}", day(deadline));
                let resource = format!("access_review:{id}");
                audit::record(conn, &key, &by, "access_review.start", &resource, None, Some(&note))?;
                let reviewers = ask(conn, app, &review, "start", at)?;
                Ok(Started {
                    id,
                    items,
                    reviewers,
                    deadline,
                })
            })
        })
        .await
}

/// What one pass of the worker did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Ran {
    pub started: bool,
    pub reminded: usize,
    pub suspended: usize,
    pub closed: bool,
}

/// The yearly start, the weekly reminders and the closing at `now`.
pub async fn run(app: Arc<App>, now: NaiveDateTime) -> Result<Ran, AppError> {
    let mut ran = Ran::default();
    let schedule = app.settings.access_review;
    let last = app
        .db
        .run(|conn| Ok::<_, AppError>(db::latest(conn)?.map(|r| r.started_at)))
        .await?;
    if domain::yearly_due(&schedule, last, now) {
        match start(app.clone(), PORTAL, now).await {
            Ok(_) => ran.started = true,
            Err(AppError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    let job = app.clone();
    app.db
        .run(move |conn| {
            let Some(review) = db::open(conn)? else {
                return Ok(ran);
            };
            let items = db::items(conn, review.id)?;
            let undecided: Vec<Item> = items.into_iter().filter(|i| i.decision.is_none()).collect();
            match domain::due(
                review.started_at,
                review.deadline,
                review.reminded_at,
                undecided.len(),
                now,
            ) {
                Due::Nothing => {}
                Due::Remind => {
                    ran.reminded = write_transaction(conn, |conn| {
                        if !db::mark_reminded(conn, &review, now)? {
                            return Ok::<_, AppError>(0);
                        }
                        ask(conn, &job, &review, "remind", now)
                    })?;
                }
                Due::Close => {
                    let (suspended, closed) = write_transaction(conn, |conn| {
                        close(conn, &job, &review, &undecided, now)
                    })?;
                    ran.suspended = suspended;
                    ran.closed = closed;
                }
            }
            Ok(ran)
        })
        .await
}

/// Closes the campaign: suspends what nobody decided (when the settings say so), tells each
/// holder once, and records in one audit row what was suspended and what was left.
fn close(
    conn: &mut DbConnection,
    app: &App,
    review: &Review,
    undecided: &[Item],
    now: NaiveDateTime,
) -> Result<(usize, bool), AppError> {
    if !db::close(conn, review.id, now)? {
        return Ok((0, false));
    }
    let suspended = match app.settings.access_review.suspend {
        true => suspend(conn, app, review, undecided, now)?,
        false => 0,
    };
    let note = format!(
        "{suspended} rôle(s) suspendu(s), {} non revu(s) laissé(s) en place",
        undecided.len() - suspended
    );
    let resource = format!("access_review:{}", review.id);
    let key = &app.settings.audit_key;
    audit::record(
        conn,
        key,
        PORTAL,
        "access_review.close",
        &resource,
        None,
        Some(&note),
    )?;
    Ok((suspended, true))
}

/// Suspends the undecided roles someone could have decided (never the last admin), audits
/// each and emails each holder once; returns how many.
fn suspend(
    conn: &mut DbConnection,
    app: &App,
    review: &Review,
    undecided: &[Item],
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let key = &app.settings.audit_key;
    let mut lost: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let admins = db::admins(conn)?;
    let mut admins_left = admins.len();
    for item in undecided {
        // Nobody could have decided it (no other manager nor admin): it stays, not reviewed.
        if askable(conn, item, &admins)?.is_empty() {
            continue;
        }
        // The portal never loses its last admin to a review.
        if item.provider.is_empty() {
            if admins_left <= 1 {
                continue;
            }
            admins_left -= 1;
        }
        if !db::decide(conn, item.id, "suspended", PORTAL, now)? {
            continue;
        }
        remove(conn, item)?;
        let role = role_label(&app.catalog, &item.provider, &item.role);
        let target = format!("roles:{}:{}", item.provider, item.email);
        let action = "access_review.suspend";
        audit::record(conn, key, PORTAL, action, &target, Some(&role), None)?;
        lost.entry(item.email.clone()).or_default().push(role);
    }
    for (email, roles) in &lost {
        let m = ReviewMail {
            subject: "[habilis] Vos rôles non confirmés ont été suspendus".to_string(),
            kind: "suspended",
            count: roles.len(),
            deadline: day(review.deadline),
            suspend: true,
            roles: roles.clone(),
            link: app.settings.base_url.clone(),
            link_label: "Aller sur habilis".to_string(),
            public_id: String::new(),
            provider_name: String::new(),
            organisation: String::new(),
            unsubscribe: None,
        };
        send(conn, email, &m, now)?;
    }
    Ok(lost.values().map(Vec::len).sum())
}

/// Takes the item's role from its holder.
fn remove(conn: &mut DbConnection, item: &Item) -> Result<(), AppError> {
    if item.provider.is_empty() {
        db::remove_admin(conn, item.user_id)?;
    } else if let Some(role) = Role::parse(&item.role) {
        users::revoke_role(conn, item.user_id, &item.provider, role)?;
    }
    Ok(())
}

/// The review page's content: the latest campaign, the items the person may decide, and the
/// progress per provider.
#[derive(Debug, Clone)]
pub struct Board {
    pub review: Option<Review>,
    /// Items the person may decide (decided or not), by provider.
    pub mine: Vec<Item>,
    /// (provider slug, or "" for admins; decided; total), for the providers the person sees.
    pub progress: Vec<(String, usize, usize)>,
}

/// The page, for admins and managers.
pub async fn board(app: &App, current: &CurrentUser) -> Result<Board, AppError> {
    let actor = current.actor.clone();
    let manages = |provider: &str| actor.is_admin || actor.has_role(provider, Role::Manager);
    if !actor.is_admin && !app.catalog.all().iter().any(|p| manages(&p.slug)) {
        return Err(AppError::Forbidden);
    }
    let review = app
        .db
        .run(|conn| Ok::<_, AppError>(db::latest(conn)?))
        .await?;
    let Some(review) = review else {
        return Ok(Board {
            review: None,
            mine: vec![],
            progress: vec![],
        });
    };
    let id = review.id;
    let items = app
        .db
        .run(move |conn| Ok::<_, AppError>(db::items(conn, id)?))
        .await?;
    let mut progress: Vec<(String, usize, usize)> = Vec::new();
    for item in items.iter().filter(|i| {
        if i.provider.is_empty() {
            actor.is_admin
        } else {
            manages(&i.provider)
        }
    }) {
        let decided = usize::from(item.decision.is_some());
        match progress.iter_mut().find(|(p, _, _)| *p == item.provider) {
            Some(row) => {
                row.1 += decided;
                row.2 += 1;
            }
            None => progress.push((item.provider.clone(), decided, 1)),
        }
    }
    let mine = items
        .into_iter()
        .filter(|i| domain::may_review(&actor, i.user_id, &i.provider))
        .collect();
    Ok(Board {
        review: Some(review),
        mine,
        progress,
    })
}

/// Confirms (`keep`) or removes one role of the open campaign.
pub async fn decide(
    app: &App,
    current: &CurrentUser,
    item_id: i64,
    keep: bool,
) -> Result<(), AppError> {
    let (actor, by) = (current.actor.clone(), current.user.email.clone());
    let key = app.settings.audit_key.clone();
    let catalog = app.catalog.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let item = db::find_item(conn, item_id)?.ok_or(AppError::NotFound)?;
                if !domain::may_review(&actor, item.user_id, &item.provider) {
                    return Err(if actor.user_id == item.user_id {
                        AppError::ForbiddenBecause(
                            "Vous ne pouvez pas revoir votre propre rôle : un autre gestionnaire ou un administrateur s'en charge.".to_string(),
                        )
                    } else {
                        AppError::Forbidden
                    });
                }
                let open = db::open(conn)?.is_some_and(|r| r.id == item.review_id);
                if !open {
                    return Err(AppError::Conflict(
                        "Cette revue des accès est terminée : ce rôle ne peut plus y être revu.".to_string(),
                    ));
                }
                // Who is an admin changes one decision at a time, and the portal keeps one.
                if item.provider.is_empty() {
                    crate::db::lock_admins(conn)?;
                    let admins = db::admins(conn)?;
                    if !admins.iter().any(|a| a.id == actor.user_id) {
                        return Err(AppError::Forbidden);
                    }
                    if !keep && admins.iter().filter(|a| a.id != item.user_id).count() == 0 {
                        return Err(AppError::Conflict(
                            "Le dernier administrateur ne peut pas être retiré.".to_string(),
                        ));
                    }
                }
                let decision = if keep { "kept" } else { "removed" };
                if !db::decide(conn, item.id, decision, &by, now())? {
                    return Err(AppError::Conflict(format!(
                        "Le rôle de {} a déjà été revu.",
                        item.email
                    )));
                }
                if !keep {
                    remove(conn, &item)?;
                }
                let action = if keep {
                    "access_review.keep"
                } else {
                    "access_review.remove"
                };
                let role = role_label(&catalog, &item.provider, &item.role);
                let target = format!("roles:{}:{}", item.provider, item.email);
                audit::record(conn, &key, &by, action, &target, Some(&role), Some(decision))
            })
        })
        .await
}
