//! Webhook deliveries, for the provider's instructors and managers, with a replay button.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::AppError;
use crate::services::{App, webhooks as service};
use crate::web::ctx::PageCtx;
use crate::web::forms::{ButtonForm, Form};
use crate::web::session::SignedIn;
use crate::web::views::webhooks::WebhooksPage;

use super::{ok, row_id, see_other};

pub async fn list_webhooks(
    app: web::Data<App>,
    ctx: PageCtx,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let deliveries = service::deliveries(&app, &ctx.current).await?;
    let replayed = req.query_string().contains("rejoue=1");
    ok(&WebhooksPage::new(&ctx, deliveries, replayed))
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
