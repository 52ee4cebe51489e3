//! The instruction workspace's second tab: habilitations by status.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::db::habilitations::Status;
use crate::domain::demande::public_id;
use crate::error::AppError;
use crate::services::{App, instruction as service};
use crate::web::csrf;
use crate::web::input;
use crate::web::session::SignedIn;
use crate::web::views::{Layout, format_date};

use super::instruction::{TabView, query_string};
use super::ok;

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

pub async fn list_habilitations(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let pairs = input::decode(req.query_string().as_bytes()).pairs;
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let mut problems = Vec::new();
    let status = match get("statut") {
        None | Some("") => Status::Active,
        Some(raw) => Status::parse(raw).unwrap_or_else(|| {
            problems.push(format!(
                "Statut inconnu « {} » : habilitations actives.",
                raw.chars().take(40).collect::<String>()
            ));
            Status::Active
        }),
    };
    let before = match get("avant") {
        None | Some("") => None,
        Some(raw) => match raw.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                problems.push("Position dans la liste invalide : retour au début.".to_string());
                None
            }
        },
    };
    let list = service::habilitations(&app, &current, status, before).await?;
    let name = |slug: &str| {
        app.catalog
            .get(slug)
            .map_or(slug.to_string(), |p| p.name.clone())
    };
    let tabs = list
        .counts
        .iter()
        .map(|(s, n)| TabView {
            label: s.label(),
            count: n.to_string(),
            href: format!(
                "/instruction/habilitations{}",
                query_string(&[("statut", s.as_str().to_string())])
            ),
            current: *s == status,
        })
        .collect();
    let rows = list
        .rows
        .iter()
        .map(|(h, (intitule, organisation, siret))| HabilitationRow {
            public_id: h.public_id().to_string(),
            demande_id: h.demande_id,
            demande_public_id: public_id(h.demande_id),
            provider: name(&h.provider),
            intitule: intitule.clone(),
            organisation: organisation.clone(),
            siret: siret.clone(),
            scopes: crate::services::scopes_of(&h.scopes).len(),
            granted: format_date(&h.granted_at),
            expires: format_date(&h.expires_at),
        })
        .collect();
    let next = list.next.map(|id| {
        format!(
            "/instruction/habilitations{}",
            query_string(&[
                ("statut", status.as_str().to_string()),
                ("avant", id.to_string())
            ])
        )
    });
    ok(&HabilitationsPage {
        layout: Layout::new(
            Some(&current),
            csrf::token(&session)?,
            app.settings.is_dev(),
            "instruction",
        ),
        tabs,
        status_label: status.label(),
        rows,
        next,
        problems,
    })
}
