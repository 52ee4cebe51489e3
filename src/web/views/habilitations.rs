//! The instruction workspace's second tab: the habilitations by status.

use askama::Template;

use crate::db::habilitations::{ListedHabilitation, Status};
use crate::domain::demande::public_id;
use crate::domain::listing::query_string;
use crate::services::App;
use crate::services::instruction::HabilitationList;
use crate::web::ctx::PageCtx;

use super::dashboard::TabView;
use super::{Layout, format_date, provider_name};

/// A habilitation in the workspace's list.
pub struct HabilitationRow {
    pub public_id: String,
    pub demande_id: i64,
    pub demande_public_id: String,
    pub provider: String,
    pub intitule: String,
    pub organisation: String,
    pub siret: String,
    pub scopes: usize,
    pub granted: String,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "instruction/habilitations.html")]
pub struct HabilitationsPage {
    pub layout: Layout,
    pub tabs: Vec<TabView>,
    pub status_label: &'static str,
    pub rows: Vec<HabilitationRow>,
    pub next: Option<String>,
    pub problems: Vec<String>,
}

fn habilitations_link(pairs: &[(&str, String)]) -> String {
    format!("/instruction/habilitations{}", query_string(pairs))
}

impl HabilitationsPage {
    /// The habilitations in `status`, with a tab per status and criteria that were ignored.
    pub fn new(
        ctx: &PageCtx,
        app: &App,
        status: Status,
        list: HabilitationList,
        problems: Vec<String>,
    ) -> HabilitationsPage {
        let tabs = list
            .counts
            .iter()
            .map(|(s, n)| TabView {
                label: s.label(),
                count: n.to_string(),
                href: habilitations_link(&[("statut", s.as_str().to_string())]),
                current: *s == status,
            })
            .collect();
        let next = list.next.map(|id| {
            habilitations_link(&[
                ("statut", status.as_str().to_string()),
                ("avant", id.to_string()),
            ])
        });
        HabilitationsPage {
            layout: ctx.layout("instruction"),
            tabs,
            status_label: status.label(),
            rows: list.rows.iter().map(|r| habilitation_row(app, r)).collect(),
            next,
            problems,
        }
    }
}

fn habilitation_row(
    app: &App,
    (h, (intitule, organisation, siret)): &ListedHabilitation,
) -> HabilitationRow {
    HabilitationRow {
        public_id: h.public_id().to_string(),
        demande_id: h.demande_id,
        demande_public_id: public_id(h.demande_id),
        provider: provider_name(&app.catalog, &h.provider),
        intitule: intitule.clone(),
        organisation: organisation.clone(),
        siret: siret.clone(),
        scopes: crate::services::scopes_of(&h.scopes).len(),
        granted: format_date(&h.granted_at),
        expires: format_date(&h.expires_at),
    }
}
