//! Support without passwords: an admin sees the portal as a given person sees it, read-only
//! (the web layer refuses every change meanwhile), for `VIEW_MINUTES`, with a reason. Starting
//! and ending are audited; the person is emailed once it is over (ended by the admin, run out,
//! or its session ended: the worker closes those).

use askama::Template;
use chrono::NaiveDateTime;

use crate::db::support::{self, View};
use crate::db::{DbConnection, outbox, users, write_transaction};
use crate::domain::email::Email;
use crate::domain::support::{self as rules, SupportError, Target};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::{App, audit, now, sha256_hex};

/// What the email to the person viewed says (with the names the email layout reads).
#[derive(Debug, Clone)]
pub struct ViewMail {
    pub subject: String,
    pub admin: String,
    pub day: String,
    pub from: String,
    pub to: String,
    pub reason: String,
    pub link: String,
    pub link_label: String,
    pub public_id: String,
    pub provider_name: String,
    pub organisation: String,
    pub unsubscribe: Option<String>,
}

#[derive(Template)]
#[template(path = "mail/support_view.txt")]
struct Text<'a> {
    m: &'a ViewMail,
}

#[derive(Template)]
#[template(path = "mail/support_view.html")]
struct Html<'a> {
    m: &'a ViewMail,
}

fn refused(e: SupportError) -> AppError {
    match e {
        SupportError::NotAdmin => AppError::Forbidden,
        other => AppError::Unprocessable(other.to_string()),
    }
}

/// Starts showing the portal, in this admin's session, as the person at `email`.
pub async fn start(
    app: &App,
    current: &CurrentUser,
    token: &str,
    email: &str,
    reason: &str,
) -> Result<(), AppError> {
    if !current.actor.is_admin || current.viewing.is_some() {
        return Err(AppError::Forbidden);
    }
    let email = Email::parse(email).map_err(|e| AppError::Unprocessable(e.to_string()))?;
    let reason = rules::reason(reason).map_err(refused)?;
    let digest = sha256_hex(token);
    let (key, admin, admin_id) = (
        app.settings.audit_key.clone(),
        current.user.email.clone(),
        current.user.id,
    );
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let person = users::find_by_email(conn, email.as_str())?.ok_or_else(|| {
                    AppError::Unprocessable(format!(
                        "Aucun compte habilis n'a l'adresse {}.",
                        email.as_str()
                    ))
                })?;
                let erased = crate::db::lapse::of(conn, person.id)?
                    .is_some_and(|a| a.erased_at.is_some());
                let target = Target {
                    id: person.id,
                    erased,
                };
                rules::may_view_as(true, admin_id, target).map_err(refused)?;
                let at = now();
                if !support::start(conn, &digest, person.id, &reason, (at, rules::until(at)))? {
                    return Err(AppError::Conflict(
                        "Votre session montre déjà le portail comme une autre personne : quittez ce mode d'abord.".to_string(),
                    ));
                }
                let detail = serde_json::json!({ "email": person.email, "reason": reason });
                audit::record(
                    conn,
                    &key,
                    &admin,
                    "support.view_as.start",
                    &format!("user:{}", person.id),
                    None,
                    Some(&detail.to_string()),
                )
            })
        })
        .await
}

/// Ends the view this session holds, if any.
pub async fn stop(app: &App, token: &str) -> Result<(), AppError> {
    let digest = sha256_hex(token);
    let (key, links) = (app.settings.audit_key.clone(), app.links.clone());
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| match support::of_session(conn, &digest)? {
                Some(view) => finish(conn, (&key, &links), &view, now()).map(|_| ()),
                None => Ok(()),
            })
        })
        .await
}

/// Closes a view (guarded: once), audits its end and emails the person viewed. Returns whether
/// this call closed it.
pub fn finish(
    conn: &mut DbConnection,
    (key, links): (&secrecy::SecretString, &super::notify::Links),
    view: &View,
    at: NaiveDateTime,
) -> Result<bool, AppError> {
    if !support::close(conn, view)? {
        return Ok(false);
    }
    let ended = at.min(view.until);
    let admin = audit::email_of(conn, view.admin_id)?;
    let admin_name = users::find(conn, view.admin_id)?
        .map(|u| u.full_name().trim().to_string())
        .unwrap_or_default();
    let detail = serde_json::json!({
        "started_at": view.started_at.to_string(),
        "ended_at": ended.to_string(),
    });
    audit::record(
        conn,
        key,
        &admin,
        "support.view_as.end",
        &format!("user:{}", view.target),
        None,
        Some(&detail.to_string()),
    )?;
    let Some(person) = users::find(conn, view.target)? else {
        return Ok(true);
    };
    let m = ViewMail {
        subject: "[habilis] Un administrateur a consulté habilis comme vous le voyez".to_string(),
        admin: format!("{admin_name} ({admin})"),
        day: view.started_at.format("%d/%m/%Y").to_string(),
        from: view.started_at.format("%H:%M").to_string(),
        to: ended.format("%H:%M").to_string(),
        reason: view.reason.clone(),
        link: links.to("/"),
        link_label: "Ouvrir habilis".to_string(),
        public_id: String::new(),
        provider_name: String::new(),
        organisation: String::new(),
        unsubscribe: None,
    };
    let (text, html) = (
        Text { m: &m }.render().map_err(anyhow::Error::from)?,
        Html { m: &m }.render().map_err(anyhow::Error::from)?,
    );
    outbox::insert_email(
        conn,
        "support_view",
        &person.email,
        &m.subject,
        (&text, &html),
        at,
    )?;
    Ok(true)
}

/// Closes the views that are over at `now` (run out, or their session ended); the worker runs it.
pub async fn close_over(app: std::sync::Arc<App>, now: NaiveDateTime) -> Result<usize, AppError> {
    let (key, links) = (app.settings.audit_key.clone(), app.links.clone());
    app.db
        .run(move |conn| {
            let mut closed = 0;
            for view in support::over(conn, now, 500)? {
                let done =
                    write_transaction(conn, |conn| finish(conn, (&key, &links), &view, now))?;
                closed += usize::from(done);
            }
            Ok(closed)
        })
        .await
}
