//! Page model of the read-only summary that subscribers open from their emails.

use askama::Template;

use crate::services::App;
use crate::services::subscription::Summary;
use crate::web::ctx::PageCtx;

use super::file::DemandeHead;
use super::{Layout, format_date, format_datetime, provider_name};

#[derive(Template)]
#[template(path = "abonnement/show.html")]
pub struct SummaryPage {
    pub layout: Layout,
    pub head: DemandeHead,
    pub created: String,
    pub submitted: String,
    pub updated: String,
    /// (public id, standing, granted, ends).
    pub habilitations: Vec<(String, &'static str, String, String)>,
    pub sees_file: bool,
}

impl SummaryPage {
    pub fn new(ctx: &PageCtx, app: &App, s: &Summary) -> SummaryPage {
        let d = &s.demande;
        SummaryPage {
            layout: ctx.layout("instruction"),
            head: DemandeHead::new(d, s.state, provider_name(&app.catalog, &d.provider)),
            created: format_datetime(&d.created_at),
            submitted: d
                .last_submitted_at
                .as_ref()
                .map(format_datetime)
                .unwrap_or_default(),
            updated: format_datetime(&d.updated_at),
            habilitations: s
                .habilitations
                .iter()
                .map(|(h, standing)| {
                    let id = h.public_id().to_string();
                    let (granted, ends) = (format_date(&h.granted_at), format_date(&h.expires_at));
                    (id, standing.label(), granted, ends)
                })
                .collect(),
            sees_file: s.sees_file,
        }
    }
}
