//! The applicant's pages: list, start, fill step by step, review, submit, archive.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::catalog::Provider;
use crate::domain::demande::{ActorKind, Event, State, is_offered, public_id};
use crate::domain::form::{self, FieldError, FormErrors, Strictness};
use crate::error::AppError;
use crate::services::demandes::{self as service, DemandeFile, Refusal};
use crate::services::{App, accounts::CurrentUser};
use crate::web::csrf;
use crate::web::input::{self, FormInput};
use crate::web::session::SignedIn;
use crate::web::views::{
    DemandeRow, EventView, FieldView, HabilitationView, Layout, MessageView, StepLink, StepSummary,
    field_view, habilitation_view, latest_reason, message_views, step_links, summaries, timeline,
};

use super::{demande_id, ok, render, see_other};

const NO_ORGANISATION: &str =
    "Votre compte n'est rattaché à aucune organisation : vous ne pouvez pas faire de demande.";

fn layout(app: &App, current: &CurrentUser, session: &Session) -> Result<Layout, AppError> {
    Ok(Layout::new(
        Some(current),
        csrf::token(session)?,
        app.settings.is_dev(),
        "demandes",
    ))
}

/// Query parameters, read leniently: a malformed query string is ignored, never an error.
fn query_flag(req: &HttpRequest, name: &str) -> bool {
    input::parse(req.query_string().as_bytes())
        .unwrap_or_default()
        .iter()
        .any(|(k, v)| k == name && v == "1")
}

#[derive(Template)]
#[template(path = "demandes/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub organisation: Option<String>,
    pub rows: Vec<DemandeRow>,
    pub habilitations: Vec<(i64, String, String, HabilitationView)>,
}

pub async fn list_demandes(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let (list, habs) = service::list_mine(&app, &current).await?;
    let name = |slug: &str| {
        app.catalog
            .get(slug)
            .map_or(slug.to_string(), |p| p.name.clone())
    };
    let unread = crate::services::messages::unread(&app, &current, false).await?;
    let rows = list
        .iter()
        .map(|d| DemandeRow {
            unread: unread.contains(&d.id),
            ..DemandeRow::new(d, &name(&d.provider))
        })
        .collect();
    let habilitations = habs
        .iter()
        .filter_map(|h| {
            app.catalog.get(&h.provider).map(|p| {
                (
                    h.demande_id,
                    public_id(h.demande_id),
                    p.name.clone(),
                    habilitation_view(p, h),
                )
            })
        })
        .collect();
    ok(&ListPage {
        layout: layout(&app, &current, &session)?,
        organisation: current.current_organisation().map(|o| o.name.clone()),
        rows,
        habilitations,
    })
}

#[derive(Template)]
#[template(path = "demandes/new.html")]
pub struct NewPage<'a> {
    pub layout: Layout,
    pub provider: &'a Provider,
    pub organisation: String,
    /// The organisation's NAF code is outside the provider's list (a warning, not a block).
    pub naf_warning: Option<String>,
}

pub async fn new_demande(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let provider = app.provider(&path)?;
    let org = current
        .current_organisation()
        .ok_or_else(|| AppError::ForbiddenBecause(NO_ORGANISATION.to_string()))?;
    let naf_warning = match &org.naf {
        Some(naf) if !provider.eligible_naf.is_empty() && !provider.eligible_naf.contains(naf) => {
            Some(format!(
                "Votre organisme (code NAF {naf}) ne semble pas éligible à {} : vérifiez que vous y avez droit avant de faire la demande.",
                provider.name
            ))
        }
        _ => None,
    };
    ok(&NewPage {
        layout: layout(&app, &current, &session)?,
        provider,
        organisation: org.name.clone(),
        naf_warning,
    })
}

pub async fn create_demande(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let input = FormInput::read(payload, &session).await?;
    let provider = input
        .get("provider")
        .ok_or_else(|| AppError::BadRequest("Fournisseur de données manquant.".to_string()))?;
    if app.catalog.get(provider).is_none() {
        return Err(AppError::BadRequest(format!(
            "Le fournisseur de données « {} » n'existe pas.",
            provider.chars().take(80).collect::<String>()
        )));
    }
    let id = service::start(&app, &current, provider, input.get("template")).await?;
    Ok(see_other(&format!("/demandes/{id}/etapes/1")))
}

#[derive(Template)]
#[template(path = "demandes/step.html")]
pub struct StepPage {
    pub layout: Layout,
    pub id: i64,
    pub public_id: String,
    pub provider_name: String,
    pub state_label: &'static str,
    pub reason: Option<String>,
    pub number: usize,
    pub count: usize,
    pub title: String,
    pub steps: Vec<StepLink>,
    pub fields: Vec<FieldView>,
    /// (link, label, message) for the error summary.
    pub errors: Vec<(String, String, String)>,
    pub notices: Vec<String>,
    pub saved: bool,
}

/// What the step page says about the last save.
struct Feedback<'a> {
    errors: &'a FormErrors,
    notices: Vec<String>,
    saved: bool,
}

fn step_page(
    app: &App,
    current: &CurrentUser,
    session: &Session,
    file: &DemandeFile,
    index: usize,
    feedback: Feedback,
) -> Result<StepPage, AppError> {
    let Feedback {
        errors,
        notices,
        saved,
    } = feedback;
    let provider = app.provider(&file.demande.provider)?;
    let step = provider.form.steps.get(index).ok_or(AppError::NotFound)?;
    let fields = step
        .fields
        .iter()
        .map(|f| field_view(provider, f, &file.answers, errors))
        .collect();
    Ok(StepPage {
        layout: layout(app, current, session)?,
        id: file.demande.id,
        public_id: public_id(file.demande.id),
        provider_name: provider.name.clone(),
        state_label: file.state.label(),
        reason: if file.state == State::ChangesRequested {
            latest_reason(&file.events)
        } else {
            None
        },
        number: index + 1,
        count: provider.form.steps.len(),
        title: step.title.clone(),
        steps: step_links(provider, index, errors),
        fields,
        errors: errors
            .for_step(index)
            .iter()
            .map(|e| {
                (
                    format!("#champ-{}", e.key),
                    e.label.clone(),
                    e.message.clone(),
                )
            })
            .collect(),
        notices,
        saved,
    })
}

fn step_index(raw: &str) -> Result<usize, AppError> {
    raw.parse::<usize>()
        .ok()
        .filter(|n| *n >= 1)
        .map(|n| n - 1)
        .ok_or(AppError::NotFound)
}

async fn editable_file(app: &App, current: &CurrentUser, id: i64) -> Result<DemandeFile, AppError> {
    let file = service::find_for_applicant(app, current, id).await?;
    if !service::can_edit(current, &file.demande) {
        return Err(AppError::ForbiddenBecause(
            "Seule la personne qui a créé cette demande peut la modifier.".to_string(),
        ));
    }
    if !file.state.is_editable() {
        return Err(AppError::Conflict(format!(
            "Cette demande ne peut plus être modifiée : elle est « {} ».",
            file.state.label()
        )));
    }
    Ok(file)
}

pub async fn edit_step(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    path: web::Path<(String, String)>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path.0)?;
    let index = step_index(&path.1)?;
    let file = editable_file(&app, &current, id).await?;
    let provider = app.provider(&file.demande.provider)?;
    // After a failed submission, the links lead here with `verifier=1`: show what is missing too.
    let strictness = if query_flag(&req, "verifier") {
        Strictness::Submit
    } else {
        Strictness::Draft
    };
    let errors = form::check(&provider.form, &file.answers, strictness);
    let feedback = Feedback {
        errors: &errors,
        notices: vec![],
        saved: query_flag(&req, "enregistre"),
    };
    let page = step_page(&app, &current, &session, &file, index, feedback)?;
    ok(&page)
}

pub async fn save_step(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path.0)?;
    let index = step_index(&path.1)?;
    let (input, undecodable) = FormInput::read_keeping_valid(payload, &session).await?;
    let action = input.get("_action").unwrap_or("enregistrer").to_string();
    let saved = service::save_step(&app, &current, id, index, input.0, undecodable).await?;
    let mut notices: Vec<String> = saved
        .applied
        .unknown_keys
        .iter()
        .map(|k| {
            format!(
                "Le champ « {} » n'existe pas dans cette étape : il a été ignoré.",
                k.chars().take(60).collect::<String>()
            )
        })
        .collect();
    let file = service::find_for_applicant(&app, &current, id).await?;
    let provider = app.provider(&file.demande.provider)?;
    if !notices.is_empty() || !saved.applied.rejected.is_empty() {
        // Refused values are flagged beside their field; what was valid is already saved.
        let mut errors = saved.errors.clone();
        for (key, message) in &saved.applied.rejected {
            if let Some((_, field, _)) = provider.form.field_for_key(key) {
                errors.0.retain(|e| &e.key != key);
                let label = field.label.clone();
                errors.0.push(FieldError {
                    key: key.clone(),
                    label,
                    message: message.clone(),
                    step: index,
                });
            }
        }
        notices.insert(0, "Vos autres réponses ont été enregistrées.".to_string());
        let feedback = Feedback {
            errors: &errors,
            notices,
            saved: false,
        };
        let page = step_page(&app, &current, &session, &file, index, feedback)?;
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let count = provider.form.steps.len();
    let next = match action.as_str() {
        "suivant" if index + 1 < count => format!("/demandes/{id}/etapes/{}", index + 2),
        "suivant" | "resume" => format!("/demandes/{id}/resume"),
        "precedent" if index > 0 => format!("/demandes/{id}/etapes/{index}"),
        _ => format!("/demandes/{id}/etapes/{}?enregistre=1", index + 1),
    };
    Ok(see_other(&next))
}

#[derive(Template)]
#[template(path = "demandes/summary.html")]
pub struct SummaryPage {
    pub layout: Layout,
    pub id: i64,
    pub public_id: String,
    pub provider_name: String,
    pub cgu_url: String,
    pub state_label: &'static str,
    pub reason: Option<String>,
    pub steps: Vec<StepSummary>,
    /// (link, label, message) for the error summary.
    pub errors: Vec<(String, String, String)>,
    pub cgu_error: Option<String>,
    pub last_step: usize,
}

fn summary_page(
    app: &App,
    current: &CurrentUser,
    session: &Session,
    file: &DemandeFile,
    errors: &FormErrors,
    cgu_error: Option<String>,
) -> Result<SummaryPage, AppError> {
    let provider = app.provider(&file.demande.provider)?;
    let id = file.demande.id;
    let mut links: Vec<(String, String, String)> = errors
        .0
        .iter()
        .map(|e| {
            (
                format!(
                    "/demandes/{id}/etapes/{}?verifier=1#champ-{}",
                    e.step + 1,
                    e.key
                ),
                e.label.clone(),
                e.message.clone(),
            )
        })
        .collect();
    if let Some(message) = &cgu_error {
        links.push((
            "#champ-cgu".to_string(),
            "Conditions générales d'utilisation".to_string(),
            message.clone(),
        ));
    }
    Ok(SummaryPage {
        layout: layout(app, current, session)?,
        id,
        public_id: public_id(id),
        provider_name: provider.name.clone(),
        cgu_url: provider.cgu_url.clone(),
        state_label: file.state.label(),
        reason: if file.state == State::ChangesRequested {
            latest_reason(&file.events)
        } else {
            None
        },
        steps: summaries(provider, &file.answers, errors),
        errors: links,
        cgu_error,
        last_step: provider.form.steps.len(),
    })
}

pub async fn summary(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let file = editable_file(&app, &current, demande_id(&path)?).await?;
    ok(&summary_page(
        &app,
        &current,
        &session,
        &file,
        &FormErrors::default(),
        None,
    )?)
}

pub async fn submit_demande(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    let input = FormInput::read(payload, &session).await?;
    let cgu = input.get("cgu") == Some("oui");
    match service::submit(&app, &current, id, cgu).await? {
        Ok(()) => Ok(see_other(&format!("/demandes/{id}"))),
        Err(refusal) => {
            let file = service::find_for_applicant(&app, &current, id).await?;
            let (errors, cgu_error) = match refusal {
                Refusal::Invalid(errors) => (errors, None),
                Refusal::CguNotAccepted => (
                    FormErrors::default(),
                    Some(
                        "Cochez cette case pour accepter les conditions générales d'utilisation."
                            .to_string(),
                    ),
                ),
                Refusal::ClosedEstablishment(message) => {
                    let error = FieldError {
                        key: "organisation".into(),
                        label: "Établissement".into(),
                        message,
                        step: 0,
                    };
                    (FormErrors(vec![error]), None)
                }
            };
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &summary_page(&app, &current, &session, &file, &errors, cgu_error)?,
            )
        }
    }
}

#[derive(Template)]
#[template(path = "demandes/show.html")]
pub struct ShowPage {
    pub layout: Layout,
    pub id: i64,
    pub public_id: String,
    pub provider_name: String,
    pub intitule: String,
    pub organisation: String,
    pub state: &'static str,
    pub state_label: &'static str,
    pub reason: Option<String>,
    pub can_edit: bool,
    pub can_archive: bool,
    pub steps: Vec<StepSummary>,
    pub timeline: Vec<EventView>,
    pub habilitations: Vec<HabilitationView>,
    pub messages: Vec<MessageView>,
    /// Where the message form posts ("" when writing is not possible).
    pub message_action: String,
    pub message_error: Option<String>,
    pub can_copy: bool,
    pub can_transfer: bool,
    pub can_reopen: bool,
    pub can_cancel_reopening: bool,
    /// A validated demande being updated.
    pub reopening: bool,
    pub transfer_error: Option<String>,
}

/// Errors of the forms on the demande page, shown back on it.
#[derive(Default)]
pub struct ShowFeedback {
    pub message_error: Option<String>,
    pub transfer_error: Option<String>,
}

pub async fn show_demande(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    ok(&show_page(&app, &current, &session, id, ShowFeedback::default()).await?)
}

pub async fn show_page(
    app: &App,
    current: &CurrentUser,
    session: &Session,
    id: i64,
    feedback: ShowFeedback,
) -> Result<ShowPage, AppError> {
    let file = service::find_for_applicant(app, current, id).await?;
    let thread = crate::services::messages::read_thread(app, current, id).await?;
    let provider = app.provider(&file.demande.provider)?;
    let open = file.state != State::Archived;
    let reason = match file.state {
        State::ChangesRequested | State::Refused => latest_reason(&file.events),
        _ => None,
    };
    let owner = service::can_edit(current, &file.demande);
    Ok(ShowPage {
        layout: layout(app, current, session)?,
        id: file.demande.id,
        public_id: public_id(file.demande.id),
        provider_name: provider.name.clone(),
        intitule: file.demande.intitule.clone(),
        organisation: file.demande.organisation_name.clone(),
        state: file.state.as_str(),
        state_label: file.state.label(),
        reason,
        can_edit: owner
            && is_offered(
                file.state,
                Event::Update,
                ActorKind::Applicant,
                file.demande.reopening,
            ),
        can_archive: owner
            && is_offered(
                file.state,
                Event::Archive,
                ActorKind::Applicant,
                file.demande.reopening,
            ),
        steps: summaries(provider, &file.answers, &FormErrors::default()),
        timeline: timeline(&file.events),
        habilitations: file
            .habilitations
            .iter()
            .map(|h| habilitation_view(provider, h))
            .collect(),
        messages: message_views(&thread),
        message_action: if open {
            format!("/demandes/{id}/messages")
        } else {
            String::new()
        },
        message_error: feedback.message_error,
        can_copy: true,
        can_transfer: owner
            && is_offered(
                file.state,
                Event::Transfer,
                ActorKind::Applicant,
                file.demande.reopening,
            ),
        transfer_error: feedback.transfer_error,
        can_reopen: owner
            && is_offered(
                file.state,
                Event::Reopen,
                ActorKind::Applicant,
                file.demande.reopening,
            ),
        can_cancel_reopening: owner
            && is_offered(
                file.state,
                Event::CancelReopening,
                ActorKind::Applicant,
                file.demande.reopening,
            ),
        reopening: file.demande.reopening,
    })
}

pub async fn archive_demande(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    FormInput::read(payload, &session).await?;
    service::archive(&app, &current, id).await?;
    Ok(see_other("/demandes"))
}

/// The applicant's one-button transitions on the demande page.
async fn applicant_action(
    app: web::Data<App>,
    current: CurrentUser,
    session: Session,
    path: web::Path<String>,
    payload: web::Payload,
    event: Event,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    FormInput::read(payload, &session).await?;
    match event {
        Event::Reopen => service::reopen(&app, &current, id).await?,
        _ => service::cancel_reopening(&app, &current, id).await?,
    }
    Ok(see_other(&format!("/demandes/{id}")))
}

pub async fn reopen_demande(
    app: web::Data<App>,
    SignedIn(c): SignedIn,
    s: Session,
    p: web::Path<String>,
    b: web::Payload,
) -> Result<HttpResponse, AppError> {
    applicant_action(app, c, s, p, b, Event::Reopen).await
}

pub async fn cancel_reopening(
    app: web::Data<App>,
    SignedIn(c): SignedIn,
    s: Session,
    p: web::Path<String>,
    b: web::Payload,
) -> Result<HttpResponse, AppError> {
    applicant_action(app, c, s, p, b, Event::CancelReopening).await
}
