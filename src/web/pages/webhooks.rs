//! Webhook deliveries, for the provider's instructors and managers, with a replay button.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::domain::demande::public_id;
use crate::error::AppError;
use crate::services::{App, webhooks as service};
use crate::web::csrf;
use crate::web::input::FormInput;
use crate::web::session::SignedIn;
use crate::web::views::{Layout, format_datetime};

use super::{ok, see_other};

pub struct DeliveryView {
    pub id: i64,
    pub event: String,
    pub demande_id: i64,
    pub demande: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: String,
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
    SignedIn(current): SignedIn,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let rows = service::deliveries(&app, &current)
        .await?
        .into_iter()
        .map(|(r, _)| DeliveryView {
            id: r.id,
            event: r.topic,
            demande_id: r.demande_id.unwrap_or_default(),
            demande: r.demande_id.map(public_id).unwrap_or_default(),
            status: match (r.delivered_at, r.failed_at) {
                (Some(at), _) => format!("reçu le {}", format_datetime(&at)),
                (None, Some(at)) => format!("abandonné le {}", format_datetime(&at)),
                (None, None) => "en attente".to_string(),
            },
            attempts: r.attempts,
            last_error: r.last_error.unwrap_or_default(),
        })
        .collect();
    let layout = Layout::new(
        Some(&current),
        csrf::token(&session)?,
        app.settings.is_dev(),
        "instruction",
    );
    ok(&WebhooksPage {
        layout,
        rows,
        replayed: req.query_string().contains("rejoue=1"),
    })
}

pub async fn replay_webhook(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    FormInput::read(payload, &session).await?;
    let id = path.parse::<i64>().map_err(|_| AppError::NotFound)?;
    service::replay(&app, &current, id).await?;
    Ok(see_other("/instruction/webhooks?rejoue=1"))
}
