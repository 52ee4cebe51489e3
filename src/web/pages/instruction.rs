//! The instruction workspace: the demandes to process and the decisions on one.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::domain::demande::{ActorKind, Event, is_offered, public_id};
use crate::domain::form::FormErrors;
use crate::error::AppError;
use crate::services::{App, accounts::CurrentUser, instruction as service};
use crate::web::csrf;
use crate::web::input::FormInput;
use crate::web::session::SignedIn;
use crate::web::views::{
    DemandeRow, EventView, HabilitationView, Layout, StepSummary, habilitation_view, summaries,
    timeline,
};

use super::{demande_id, ok, render, see_other};

fn layout(app: &App, current: &CurrentUser, session: &Session) -> Result<Layout, AppError> {
    Ok(Layout::new(
        Some(current),
        csrf::token(session)?,
        app.settings.is_dev(),
        "instruction",
    ))
}

#[derive(Template)]
#[template(path = "instruction/list.html")]
pub struct DashboardPage {
    pub layout: Layout,
    pub rows: Vec<DemandeRow>,
}

pub async fn dashboard(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let list = service::list(&app, &current).await?;
    let rows = list
        .iter()
        .map(|d| {
            DemandeRow::new(
                d,
                &app.catalog
                    .get(&d.provider)
                    .map_or(d.provider.clone(), |p| p.name.clone()),
            )
        })
        .collect();
    ok(&DashboardPage {
        layout: layout(&app, &current, &session)?,
        rows,
    })
}

#[derive(Template)]
#[template(path = "instruction/show.html")]
pub struct InstructionPage {
    pub layout: Layout,
    pub id: i64,
    pub public_id: String,
    pub provider_name: String,
    pub intitule: String,
    pub organisation: String,
    pub siret: String,
    pub applicant: String,
    pub state: &'static str,
    pub state_label: &'static str,
    pub can_decide: bool,
    pub can_archive: bool,
    pub steps: Vec<StepSummary>,
    pub timeline: Vec<EventView>,
    pub habilitations: Vec<HabilitationView>,
    /// The decision form refused for a missing reason ("" when none), and why.
    pub error_action: &'static str,
    pub error_message: String,
    /// What the instructor had typed, given back with the error.
    pub typed_reason: String,
}

async fn page(
    app: &App,
    current: &CurrentUser,
    session: &Session,
    id: i64,
    action_error: Option<(&'static str, String, String)>,
) -> Result<InstructionPage, AppError> {
    let file = service::find(app, current, id).await?;
    let provider = app.provider(&file.demande.provider)?;
    let instructs = service::can_instruct(current, &file.demande);
    Ok(InstructionPage {
        layout: layout(app, current, session)?,
        id,
        public_id: public_id(id),
        provider_name: provider.name.clone(),
        intitule: file.demande.intitule.clone(),
        organisation: file.demande.organisation_name.clone(),
        siret: file.demande.siret.clone(),
        applicant: file.demande.applicant_email.clone(),
        state: file.state.as_str(),
        state_label: file.state.label(),
        can_decide: instructs && is_offered(file.state, Event::Approve, ActorKind::Instructor),
        can_archive: instructs && is_offered(file.state, Event::Archive, ActorKind::Instructor),
        steps: summaries(provider, &file.answers, &FormErrors::default()),
        timeline: timeline(&file.events),
        habilitations: file
            .habilitations
            .iter()
            .map(|h| habilitation_view(provider, h))
            .collect(),
        error_action: action_error.as_ref().map_or("", |(a, _, _)| *a),
        typed_reason: action_error
            .as_ref()
            .map(|(_, _, r)| r.clone())
            .unwrap_or_default(),
        error_message: action_error.map(|(_, m, _)| m).unwrap_or_default(),
    })
}

pub async fn show(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    ok(&page(&app, &current, &session, id, None).await?)
}

async fn decide(
    app: web::Data<App>,
    current: CurrentUser,
    session: Session,
    path: web::Path<String>,
    payload: web::Payload,
    event: Event,
    action: &'static str,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    let input = FormInput::read(payload, &session).await?;
    let reason = input.get("reason").map(str::to_string);
    match service::decide(&app, &current, id, event, reason.clone()).await {
        Ok(()) => Ok(see_other(&format!("/instruction/demandes/{id}"))),
        Err(AppError::Unprocessable(message)) => {
            let typed = reason.unwrap_or_default();
            let error = Some((action, message, typed));
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(&app, &current, &session, id, error).await?,
            )
        }
        Err(e) => Err(e),
    }
}

pub async fn approve(
    app: web::Data<App>,
    SignedIn(c): SignedIn,
    s: Session,
    p: web::Path<String>,
    b: web::Payload,
) -> Result<HttpResponse, AppError> {
    decide(app, c, s, p, b, Event::Approve, "valider").await
}

pub async fn refuse(
    app: web::Data<App>,
    SignedIn(c): SignedIn,
    s: Session,
    p: web::Path<String>,
    b: web::Payload,
) -> Result<HttpResponse, AppError> {
    decide(app, c, s, p, b, Event::Refuse, "refuser").await
}

pub async fn request_changes(
    app: web::Data<App>,
    SignedIn(c): SignedIn,
    s: Session,
    p: web::Path<String>,
    b: web::Payload,
) -> Result<HttpResponse, AppError> {
    decide(app, c, s, p, b, Event::RequestChanges, "modifier").await
}

pub async fn archive(
    app: web::Data<App>,
    SignedIn(c): SignedIn,
    s: Session,
    p: web::Path<String>,
    b: web::Payload,
) -> Result<HttpResponse, AppError> {
    decide(app, c, s, p, b, Event::Archive, "archiver").await
}
