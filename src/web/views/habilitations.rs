//! The instruction workspace's second tab: the habilitations by status.

use askama::Template;

use crate::db::habilitations::{ListedHabilitation, Status};
use crate::domain::demande::public_id;
use crate::domain::listing::query_string;
use crate::services::App;
use crate::services::instruction::HabilitationList;
use crate::web::ctx::PageCtx;

use super::dashboard::TabView;
use super::file::{HabilitationView, habilitation_view};
use super::{Layout, format_date, format_datetime, provider_name};

/// A habilitation in the workspace's list.
pub struct HabilitationRow {
    pub id: i64,
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
        id: h.id,
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

/// One habilitation, its history, and the instructors' two actions on it.
#[derive(Template)]
#[template(path = "instruction/habilitation.html")]
pub struct HabilitationPage {
    pub layout: Layout,
    pub id: i64,
    pub h: HabilitationView,
    pub demande_id: i64,
    pub demande_public_id: String,
    pub provider_name: String,
    pub organisation: String,
    pub siret: String,
    /// (when, what, who, note), oldest first.
    pub history: Vec<(String, String, String, Option<String>)>,
    pub may_renew: bool,
    pub may_revoke: bool,
    /// The months one may choose, the provider's validity first, and the one chosen.
    pub months: Vec<u32>,
    pub chosen_months: u32,
    /// What was just done, or the refusal of a form ("prolonger" or "revoquer") and its text.
    pub done: Option<String>,
    pub error_action: &'static str,
    pub error_message: String,
    pub typed: String,
}

impl HabilitationPage {
    pub fn new(
        ctx: &PageCtx,
        app: &App,
        opened: &crate::services::habilitation_file::HabilitationFile,
    ) -> Result<HabilitationPage, crate::error::AppError> {
        let d = &opened.file.demande;
        let provider = app.provider_of(d)?;
        Ok(HabilitationPage {
            layout: ctx.layout("instruction"),
            id: opened.habilitation.id,
            h: habilitation_view(provider, &opened.habilitation),
            demande_id: d.id,
            demande_public_id: public_id(d.id),
            provider_name: provider.name.clone(),
            organisation: d.organisation_name.clone(),
            siret: super::format_siret(&d.siret),
            history: opened
                .history
                .iter()
                .map(|l| {
                    (
                        format_datetime(&l.when),
                        l.what.clone(),
                        l.who.clone(),
                        l.note.clone(),
                    )
                })
                .collect(),
            may_renew: opened.may_renew,
            may_revoke: opened.may_revoke,
            months: (1..=provider.validity_months).rev().collect(),
            chosen_months: provider.validity_months,
            done: None,
            error_action: "",
            error_message: String::new(),
            typed: String::new(),
        })
    }
}
