//! The managers' notices to the holders of their providers' habilitations.

use crate::services::App;
use crate::services::holder_notices::Prepared;
use crate::web::ctx::PageCtx;

use super::{Layout, format_datetime, provider_name};

/// What a refused form held, and what was just done.
#[derive(Default)]
pub struct NoticesFeedback {
    pub done: Option<String>,
    pub error: Option<String>,
    pub provider: String,
    pub subject: String,
    pub body: String,
}

#[derive(askama::Template)]
#[template(path = "instruction/notices.html")]
pub struct NoticesPage {
    pub layout: Layout,
    /// (slug, name, chosen).
    pub providers: Vec<(String, String, bool)>,
    /// (provider, subject, sent at, recipients).
    pub sent: Vec<(String, String, String, i64)>,
    pub feedback: NoticesFeedback,
}

impl NoticesPage {
    pub fn new(
        ctx: &PageCtx,
        app: &App,
        (providers, sent): (Vec<String>, Vec<crate::services::holder_notices::Sent>),
        feedback: NoticesFeedback,
    ) -> NoticesPage {
        NoticesPage {
            layout: ctx.layout("instruction"),
            providers: providers
                .iter()
                .map(|slug| {
                    let chosen = *slug == feedback.provider;
                    (slug.clone(), provider_name(&app.catalog, slug), chosen)
                })
                .collect(),
            sent: sent
                .into_iter()
                .map(|(p, subject, at, n)| {
                    (
                        provider_name(&app.catalog, &p),
                        subject,
                        format_datetime(&at),
                        n,
                    )
                })
                .collect(),
            feedback,
        }
    }
}

#[derive(askama::Template)]
#[template(path = "instruction/notice_preview.html")]
pub struct NoticePreviewPage {
    pub layout: Layout,
    pub notice: Prepared,
    /// A fresh token: sending this form twice sends once.
    pub token: String,
}

impl NoticePreviewPage {
    pub fn new(ctx: &PageCtx, notice: Prepared) -> NoticePreviewPage {
        NoticePreviewPage {
            layout: ctx.layout("instruction"),
            notice,
            token: crate::config::random_key(),
        }
    }
}
