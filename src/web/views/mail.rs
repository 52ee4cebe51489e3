//! Page models about emails: the dev mailbox, dead letters, notification settings and the
//! unsubscribe confirmation.

use actix_web::HttpRequest;
use askama::Template;

use crate::db::outbox::OutboxRow;
use crate::services::App;
use crate::services::mailbox::Unsubscribe;
use crate::services::notify::Kind;
use crate::web::ctx::{PageCtx, VisitorCtx};

use super::{Layout, delivery_status, format_datetime, provider_name};

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

impl EmailView {
    pub fn new(r: OutboxRow) -> EmailView {
        EmailView {
            status: delivery_status(&r, "envoyé"),
            created: format_datetime(&r.created_at),
            id: r.id,
            recipient: r.recipient,
            subject: r.subject,
            topic: r.topic,
            text: r.body_text,
            last_error: r.last_error.unwrap_or_default(),
            attempts: r.attempts,
        }
    }
}

#[derive(Template)]
#[template(path = "dev/emails.html")]
pub struct DevEmailsPage {
    pub layout: Layout,
    pub emails: Vec<EmailView>,
}

#[derive(Template)]
#[template(path = "admin/outbox.html")]
pub struct OutboxPage {
    pub layout: Layout,
    pub emails: Vec<EmailView>,
    pub done: bool,
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

/// A kind of email, with the providers it can come from and whether each is on.
type Choice = (Kind, Vec<(String, bool)>);

impl NotificationsPage {
    pub fn new(ctx: &PageCtx, app: &App, choices: Vec<Choice>, saved: bool) -> NotificationsPage {
        let kinds = choices
            .into_iter()
            .map(|(kind, providers)| KindRow {
                kind: kind.as_str(),
                label: kind.label(),
                providers: providers
                    .into_iter()
                    .map(|(slug, on)| {
                        let name = provider_name(&app.catalog, &slug);
                        (slug, name, on)
                    })
                    .collect(),
            })
            .collect();
        NotificationsPage {
            layout: ctx.layout("compte"),
            kinds,
            saved,
        }
    }
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

impl UnsubscribePage {
    pub fn new(
        ctx: &VisitorCtx,
        app: &App,
        req: &HttpRequest,
        link: &Unsubscribe,
        done: bool,
    ) -> Self {
        UnsubscribePage {
            layout: ctx.layout("compte"),
            provider: provider_name(&app.catalog, &link.provider),
            kind: link.kind_label(),
            query: req.query_string().to_string(),
            done,
        }
    }
}
