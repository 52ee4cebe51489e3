//! Pages about emails: the dev mailbox, dead letters, notification settings, unsubscribing.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::AppError;
use crate::services::App;
use crate::services::mailbox::{self, Unsubscribe};
use crate::web::ctx::{PageCtx, VisitorCtx};
use crate::web::forms::{ButtonForm, Form, NotificationsForm};
use crate::web::input;
use crate::web::session::SignedIn;
use crate::web::views::mail::{
    DevEmailsPage, EmailView, NotificationsPage, OutboxPage, UnsubscribePage,
};

use super::{ok, row_id, see_other};

/// Every email the portal sent, in dev (404 elsewhere).
pub async fn dev_emails(app: web::Data<App>, ctx: VisitorCtx) -> Result<HttpResponse, AppError> {
    let emails = mailbox::dev_mailbox(&app).await?;
    ok(&DevEmailsPage {
        layout: ctx.layout("courriels"),
        emails: emails.into_iter().map(EmailView::new).collect(),
    })
}

pub async fn dead_letters(
    app: web::Data<App>,
    ctx: PageCtx,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let emails = mailbox::dead_letters(&app, &ctx.current).await?;
    ok(&OutboxPage {
        layout: ctx.layout("admin"),
        emails: emails.into_iter().map(EmailView::new).collect(),
        done: req.query_string().contains("relance=1"),
    })
}

pub async fn retry_email(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    path: web::Path<String>,
    _: Form<ButtonForm>,
) -> Result<HttpResponse, AppError> {
    mailbox::retry(&app, &current, row_id(&path)?).await?;
    Ok(see_other("/admin/outbox?relance=1"))
}

pub async fn notifications(
    app: web::Data<App>,
    ctx: PageCtx,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let choices = mailbox::choices(&app, &ctx.current).await?;
    let saved = req.query_string().contains("enregistre=1");
    ok(&NotificationsPage::new(&ctx, &app, choices, saved))
}

pub async fn save_notifications(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    Form(form): Form<NotificationsForm>,
) -> Result<HttpResponse, AppError> {
    let on = form
        .on
        .iter()
        .filter_map(|v| v.split_once(':'))
        .map(|(p, k)| (p.to_string(), k.to_string()))
        .collect();
    mailbox::save_preferences(&app, &current, on).await?;
    Ok(see_other("/compte/notifications?enregistre=1"))
}

fn link_of(app: &App, req: &HttpRequest) -> Result<Unsubscribe, AppError> {
    let pairs = input::decode(req.query_string().as_bytes()).pairs;
    Unsubscribe::check(app, &pairs).ok_or_else(|| {
        AppError::BadRequest("Ce lien de désabonnement est invalide ou incomplet.".to_string())
    })
}

/// The page an unsubscribe link opens: it asks for confirmation (a GET never changes anything).
pub async fn unsubscribe_form(
    app: web::Data<App>,
    ctx: VisitorCtx,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let link = link_of(&app, &req)?;
    ok(&UnsubscribePage::new(&ctx, &app, &req, &link, false))
}

/// Turns the kind off. Authenticated by the link's signature, not by a session, so it also
/// serves mail clients' one-click unsubscribe (RFC 8058).
pub async fn unsubscribe(
    app: web::Data<App>,
    ctx: VisitorCtx,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let link = link_of(&app, &req)?;
    mailbox::unsubscribe(&app, link.clone()).await?;
    ok(&UnsubscribePage::new(&ctx, &app, &req, &link, true))
}
