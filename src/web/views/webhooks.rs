//! Page model of webhook deliveries, for the provider's instructors and managers.

use askama::Template;

use crate::db::outbox::OutboxRow;
use crate::domain::demande::public_id;
use crate::web::ctx::PageCtx;

use super::{Layout, delivery_status, format_datetime};

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
    pub fn new(r: OutboxRow) -> DeliveryView {
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

impl WebhooksPage {
    /// The deliveries (with the provider each went to), saying when one was just replayed.
    pub fn new(ctx: &PageCtx, deliveries: Vec<(OutboxRow, String)>, replayed: bool) -> Self {
        WebhooksPage {
            layout: ctx.layout("instruction"),
            rows: deliveries
                .into_iter()
                .map(|(r, _)| DeliveryView::new(r))
                .collect(),
            replayed,
        }
    }
}

/// A webhook delivery attempt for this demande.
pub struct AttemptView {
    pub when: String,
    pub status: String,
    pub duration_ms: i64,
    pub response: String,
}

pub fn attempt_view(a: crate::db::webhooks::Attempt) -> AttemptView {
    AttemptView {
        when: format_datetime(&a.attempted_at),
        status: a
            .status
            .map_or("pas de réponse".to_string(), |s| s.to_string()),
        duration_ms: a.duration_ms,
        response: a.response.unwrap_or_default(),
    }
}
