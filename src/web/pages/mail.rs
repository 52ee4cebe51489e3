//! Pages about emails: the dev mailbox, dead letters, notification settings, unsubscribing.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::db::outbox::OutboxRow;
use crate::error::AppError;
use crate::services::App;
use crate::services::mailbox::{self, Unsubscribe};
use crate::web::csrf;
use crate::web::input::{self, FormInput};
use crate::web::session::{MaybeUser, SignedIn};
use crate::web::views::{Layout, format_datetime};

use super::{ok, render, see_other};

pub struct EmailView {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub topic: String,
    pub status: String,
    pub created: String,
    pub text: String,
    pub last_error: String,
    pub attempts: i32,
}

fn email_view(r: OutboxRow) -> EmailView {
    let status = match (r.delivered_at, r.failed_at) {
        (Some(at), _) => format!("envoyé le {}", format_datetime(&at)),
        (None, Some(at)) => format!("abandonné le {}", format_datetime(&at)),
        (None, None) => "en attente".to_string(),
    };
    EmailView {
        id: r.id,
        recipient: r.recipient,
        subject: r.subject,
        topic: r.topic,
        status,
        created: format_datetime(&r.created_at),
        text: r.body_text,
        last_error: r.last_error.unwrap_or_default(),
        attempts: r.attempts,
    }
}

#[derive(Template)]
#[template(path = "dev/emails.html")]
pub struct DevEmailsPage {
    pub layout: Layout,
    pub emails: Vec<EmailView>,
}

/// Every email the portal sent, in dev (404 elsewhere).
pub async fn dev_emails(
    app: web::Data<App>,
    user: MaybeUser,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let emails = mailbox::dev_mailbox(&app)
        .await?
        .into_iter()
        .map(email_view)
        .collect();
    let layout = Layout::new(
        user.0.as_ref(),
        csrf::token(&session)?,
        app.settings.is_dev(),
        "courriels",
    );
    ok(&DevEmailsPage { layout, emails })
}

#[derive(Template)]
#[template(path = "admin/outbox.html")]
pub struct OutboxPage {
    pub layout: Layout,
    pub emails: Vec<EmailView>,
    pub done: bool,
}

pub async fn dead_letters(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let emails = mailbox::dead_letters(&app, &current)
        .await?
        .into_iter()
        .map(email_view)
        .collect();
    let layout = Layout::new(
        Some(&current),
        csrf::token(&session)?,
        app.settings.is_dev(),
        "admin",
    );
    ok(&OutboxPage {
        layout,
        emails,
        done: req.query_string().contains("relance=1"),
    })
}

pub async fn retry_email(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    FormInput::read(payload, &session).await?;
    let id = path.parse::<i64>().map_err(|_| AppError::NotFound)?;
    mailbox::retry(&app, &current, id).await?;
    Ok(see_other("/admin/outbox?relance=1"))
}

pub struct KindRow {
    pub kind: &'static str,
    pub label: &'static str,
    /// (provider slug, provider name, on).
    pub providers: Vec<(String, String, bool)>,
}

#[derive(Template)]
#[template(path = "compte/notifications.html")]
pub struct NotificationsPage {
    pub layout: Layout,
    /// Only the kinds and providers the person can receive.
    pub kinds: Vec<KindRow>,
    pub saved: bool,
}

pub async fn notifications(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let name = |slug: &str| {
        app.catalog
            .get(slug)
            .map_or(slug.to_string(), |p| p.name.clone())
    };
    let kinds = mailbox::choices(&app, &current)
        .await?
        .into_iter()
        .map(|(kind, providers)| KindRow {
            kind: kind.as_str(),
            label: kind.label(),
            providers: providers
                .into_iter()
                .map(|(slug, on)| {
                    let n = name(&slug);
                    (slug, n, on)
                })
                .collect(),
        })
        .collect();
    let layout = Layout::new(
        Some(&current),
        csrf::token(&session)?,
        app.settings.is_dev(),
        "compte",
    );
    ok(&NotificationsPage {
        layout,
        kinds,
        saved: req.query_string().contains("enregistre=1"),
    })
}

pub async fn save_notifications(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let input = FormInput::read(payload, &session).await?;
    // Each ticked box posts "provider:kind".
    let on = input
        .0
        .iter()
        .filter(|(k, _)| k == "on")
        .filter_map(|(_, v)| v.split_once(':'))
        .map(|(p, k)| (p.to_string(), k.to_string()))
        .collect();
    mailbox::save_preferences(&app, &current, on).await?;
    Ok(see_other("/compte/notifications?enregistre=1"))
}

#[derive(Template)]
#[template(path = "compte/unsubscribe.html")]
pub struct UnsubscribePage {
    pub layout: Layout,
    pub provider: String,
    pub kind: &'static str,
    pub query: String,
    pub done: bool,
}

fn link_of(app: &App, req: &HttpRequest) -> Result<Unsubscribe, AppError> {
    let pairs = input::decode(req.query_string().as_bytes()).pairs;
    Unsubscribe::check(app, &pairs).ok_or_else(|| {
        AppError::BadRequest("Ce lien de désabonnement est invalide ou incomplet.".to_string())
    })
}

fn unsubscribe_page(
    app: &App,
    user: MaybeUser,
    session: &Session,
    req: &HttpRequest,
    link: &Unsubscribe,
    done: bool,
) -> Result<UnsubscribePage, AppError> {
    Ok(UnsubscribePage {
        layout: Layout::new(
            user.0.as_ref(),
            csrf::token(session)?,
            app.settings.is_dev(),
            "compte",
        ),
        provider: app
            .catalog
            .get(&link.provider)
            .map_or(link.provider.clone(), |p| p.name.clone()),
        kind: link.kind_label(),
        query: req.query_string().to_string(),
        done,
    })
}

/// The page an unsubscribe link opens: it asks for confirmation (a GET never changes anything).
pub async fn unsubscribe_form(
    app: web::Data<App>,
    user: MaybeUser,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let link = link_of(&app, &req)?;
    ok(&unsubscribe_page(&app, user, &session, &req, &link, false)?)
}

/// Turns the kind off. Authenticated by the link's signature, not by a session, so it also
/// serves mail clients' one-click unsubscribe (RFC 8058).
pub async fn unsubscribe(
    app: web::Data<App>,
    user: MaybeUser,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let link = link_of(&app, &req)?;
    mailbox::unsubscribe(&app, link.clone()).await?;
    render(
        StatusCode::OK,
        &unsubscribe_page(&app, user, &session, &req, &link, true)?,
    )
}
