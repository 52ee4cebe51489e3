//! The read-only summary of a demande that subscribers open from their emails.

use actix_session::Session;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::domain::demande::public_id;
use crate::error::AppError;
use crate::services::{App, subscription};
use crate::web::csrf;
use crate::web::session::SignedIn;
use crate::web::views::{Layout, format_date, format_datetime};

use super::{demande_id, ok};

#[derive(Template)]
#[template(path = "abonnement/show.html")]
pub struct SummaryPage {
    pub layout: Layout,
    pub id: i64,
    pub public_id: String,
    pub provider_name: String,
    pub intitule: String,
    pub organisation: String,
    pub siret: String,
    pub state: &'static str,
    pub state_label: &'static str,
    pub created: String,
    pub submitted: String,
    pub updated: String,
    /// (public id, standing, granted, ends).
    pub habilitations: Vec<(String, &'static str, String, String)>,
    pub sees_file: bool,
}

pub async fn show_summary(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    let s = subscription::summary(&app, &current, id).await?;
    let d = &s.demande;
    let provider_name = app
        .catalog
        .get(&d.provider)
        .map_or(d.provider.clone(), |p| p.name.clone());
    ok(&SummaryPage {
        layout: Layout::new(
            Some(&current),
            csrf::token(&session)?,
            app.settings.is_dev(),
            "instruction",
        ),
        id,
        public_id: public_id(id),
        provider_name,
        intitule: d.intitule.clone(),
        organisation: d.organisation_name.clone(),
        siret: d.siret.clone(),
        state: s.state.as_str(),
        state_label: s.state.label(),
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
                (
                    h.public_id().to_string(),
                    standing.label(),
                    format_date(&h.granted_at),
                    format_date(&h.expires_at),
                )
            })
            .collect(),
        sees_file: s.sees_file,
    })
}
