//! Webhook deliveries, for the provider's instructors and managers, with a replay button.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::db::outbox::OutboxRow;
use crate::domain::demande::public_id;
use crate::error::AppError;
use crate::services::{App, webhooks as service};
use crate::web::ctx::PageCtx;
use crate::web::forms::{ButtonForm, Form};
use crate::web::session::SignedIn;
use crate::web::views::{Layout, delivery_status};

use super::{ok, row_id, see_other};

pub struct DeliveryView {
    pub id: i64,
    pub event: String,
    pub demande_id: i64,
    pub demande: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: String,
}

impl DeliveryView {
    fn new(r: OutboxRow) -> DeliveryView {
        DeliveryView {
            status: delivery_status(&r, "reçu"),
            id: r.id,
            event: r.topic,
            demande_id: r.demande_id.unwrap_or_default(),
            demande: r.demande_id.map(public_id).unwrap_or_default(),
            attempts: r.attempts,
            last_error: r.last_error.unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "instruction/webhooks.html")]
pub struct WebhooksPage {
    pub layout: Layout,
    pub rows: Vec<DeliveryView>,
    pub replayed: bool,
}

pub async fn list_webhooks(
    app: web::Data<App>,
    ctx: PageCtx,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let deliveries = service::deliveries(&app, &ctx.current).await?;
    ok(&WebhooksPage {
        layout: ctx.layout("instruction"),
        rows: deliveries
            .into_iter()
            .map(|(r, _)| DeliveryView::new(r))
            .collect(),
        replayed: req.query_string().contains("rejoue=1"),
    })
}

pub async fn replay_webhook(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    path: web::Path<String>,
    _: Form<ButtonForm>,
) -> Result<HttpResponse, AppError> {
    service::replay(&app, &current, row_id(&path)?).await?;
    Ok(see_other("/instruction/webhooks?rejoue=1"))
}
