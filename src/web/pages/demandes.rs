//! The applicant's pages: list, start, fill step by step, review, submit, archive.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::domain::eligibility::{self, Verdict};
use crate::domain::form::{self, Strictness};
use crate::error::AppError;
use crate::services::demandes::{self as service, DemandeFile};
use crate::services::{App, delays, messages, stages, steps, submission};
use crate::web::ctx::PageCtx;
use crate::web::forms::{ButtonForm, Form, NewDemandeForm, StepForm, SubmitForm};
use crate::web::input;
use crate::web::session::SignedIn;
use crate::web::views::demandes::{
    ListPage, NewPage, Prefill, ShowFeedback, ShowPage, offered_to, start_query,
};
use crate::web::views::done::Done;
use crate::web::views::eligibility::EligibilityPage;
use crate::web::views::steps::{Feedback, StepPage, SummaryPage, check_errors};

use super::{demande_id, ok, render, see_other};

/// Query parameters, read leniently: a malformed query string is ignored, never an error.
fn query_flag(req: &HttpRequest, name: &str) -> bool {
    input::parse(req.query_string().as_bytes())
        .unwrap_or_default()
        .iter()
        .any(|(k, v)| k == name && v == "1")
}

pub async fn list_demandes(app: web::Data<App>, ctx: PageCtx) -> Result<HttpResponse, AppError> {
    let mine = service::list_mine(&app, &ctx.current).await?;
    let shown = mine.0.iter().map(|d| d.id).collect();
    let unread = messages::unread_for_applicant(&app, &ctx.current, shown).await?;
    ok(&ListPage::new(&ctx, &app, mine, &unread))
}

/// The form that starts a demande, after the provider's eligibility questions when it has
/// some: their answers come in the query string, one question at a time.
pub async fn new_demande(
    app: web::Data<App>,
    ctx: PageCtx,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let provider = app.provider(&path)?;
    let (given, values) = start_query(provider, req.query_string());
    let (prefill, unknown) = Prefill::of(provider, &values);
    if !unknown.is_empty() {
        tracing::info!(provider = %provider.slug, keys = ?unknown, "prefill: keys of no field ignored");
    }
    let encoded = eligibility::encode(&provider.eligibility, &given);
    let observed = delays::observed(&app, &provider.slug).await?;
    // Whoever may not start a demande is told so before any question.
    let page = NewPage::new(&ctx, provider, encoded, prefill, observed)?;
    match eligibility::judge(&provider.eligibility, &given) {
        Verdict::Eligible => ok(&page),
        verdict => {
            let page = EligibilityPage::new(&ctx, provider, verdict, &given, &values);
            render(page.status(), &page)
        }
    }
}

pub async fn create_demande(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    Form(form): Form<NewDemandeForm>,
) -> Result<HttpResponse, AppError> {
    let provider = form
        .provider
        .ok_or_else(|| AppError::BadRequest("Fournisseur de données manquant.".to_string()))?;
    if app.catalog.get(&provider).is_none() {
        return Err(AppError::BadRequest(format!(
            "Le fournisseur de données « {} » n'existe pas.",
            provider.chars().take(80).collect::<String>()
        )));
    }
    let eligibility = form
        .eligibilite
        .as_deref()
        .map(eligibility::decode)
        .unwrap_or_default();
    let prefill = match form.preremplissage.as_deref() {
        Some(carried) => input::parse(carried.as_bytes())?,
        None => Vec::new(),
    };
    let start = service::Start {
        provider: &provider,
        template: form.template.as_deref(),
        eligibility: &eligibility,
        prefill: &prefill,
    };
    let id = service::start(&app, &current, start).await?;
    Ok(see_other(&format!("/demandes/{id}/etapes/1")))
}

fn step_index(raw: &str) -> Result<usize, AppError> {
    raw.parse::<usize>()
        .ok()
        .filter(|n| *n >= 1)
        .map(|n| n - 1)
        .ok_or(AppError::NotFound)
}

/// The demande, when this person may change it now (the owner, in a state that allows it).
async fn editable_file(app: &App, ctx: &PageCtx, id: i64) -> Result<DemandeFile, AppError> {
    let file = service::find_for_applicant(app, &ctx.current, id).await?;
    if !offered_to(ctx, &file).owner {
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
    ctx: PageCtx,
    path: web::Path<(String, String)>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let (id, index) = (demande_id(&path.0)?, step_index(&path.1)?);
    let file = editable_file(&app, &ctx, id).await?;
    let provider = app.provider_of(&file.demande)?;
    // After a failed submission, the links lead here with `verifier=1`: show what is missing too.
    let strictness = match query_flag(&req, "verifier") {
        true => Strictness::Submit,
        false => Strictness::Draft,
    };
    let feedback = Feedback {
        errors: form::check(&provider.form, &file.answers, strictness),
        notices: vec![],
        saved: query_flag(&req, "enregistre"),
    };
    ok(&StepPage::new(&ctx, provider, &file, index, feedback)?)
}

/// Where the button pressed on step `index` (from 0) of `count` leads.
fn after_step(id: i64, index: usize, count: usize, action: &str) -> String {
    match action {
        "suivant" if index + 1 < count => format!("/demandes/{id}/etapes/{}", index + 2),
        "suivant" | "resume" => format!("/demandes/{id}/resume"),
        "precedent" if index > 0 => format!("/demandes/{id}/etapes/{index}"),
        _ => format!("/demandes/{id}/etapes/{}?enregistre=1", index + 1),
    }
}

pub async fn save_step(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<(String, String)>,
    form: StepForm,
) -> Result<HttpResponse, AppError> {
    let (id, index) = (demande_id(&path.0)?, step_index(&path.1)?);
    let action = form.action();
    // Removing a file shows the step again, where the person was.
    let action = match form.removed_file() {
        Some(_) => "enregistrer".to_string(),
        None => action,
    };
    let saved = steps::save_step(&app, &ctx.current, id, index, form.into_input()).await?;
    let file = service::find_for_applicant(&app, &ctx.current, id).await?;
    let provider = app.provider_of(&file.demande)?;
    let (rejected, unknown) = (&saved.applied.rejected, &saved.applied.unknown_keys);
    if let Some(feedback) = Feedback::refused(provider, index, saved.errors, rejected, unknown) {
        let page = StepPage::new(&ctx, provider, &file, index, feedback)?;
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let count = provider.form.steps.len();
    Ok(see_other(&after_step(id, index, count, &action)))
}

pub async fn summary(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let file = editable_file(&app, &ctx, demande_id(&path)?).await?;
    let provider = app.provider_of(&file.demande)?;
    // The checks submitting makes, shown before the button is pressed.
    let errors = check_errors(submission::check(&app, &file).await?);
    ok(&SummaryPage::new(
        &ctx,
        provider,
        &file,
        &errors,
        (None, false),
    ))
}

pub async fn submit_demande(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    Form(form): Form<SubmitForm>,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    let accepted = form.accepts_terms();
    let Err(refusal) = submission::submit(&app, &ctx.current, id, accepted).await? else {
        return Ok(see_other(&Done::Submitted.on_demande(id)));
    };
    let file = service::find_for_applicant(&app, &ctx.current, id).await?;
    let provider = app.provider_of(&file.demande)?;
    let page = SummaryPage::refused(&ctx, provider, &file, refusal, accepted);
    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

pub async fn show_demande(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    let feedback = ShowFeedback {
        done: Done::from_query(req.query_string()),
        ..ShowFeedback::default()
    };
    ok(&show_page(&app, &ctx, id, feedback).await?)
}

/// The demande page, with the errors of its forms (message, transfer) when one was refused.
pub async fn show_page(
    app: &App,
    ctx: &PageCtx,
    id: i64,
    feedback: ShowFeedback,
) -> Result<ShowPage, AppError> {
    let (file, thread) = messages::applicant_page(app, &ctx.current, id).await?;
    let provider = app.provider_of(&file.demande)?;
    let mut page = ShowPage::new(ctx, provider, &file, &thread, feedback);
    page.prepared = crate::services::prepared::offered(app, &ctx.current, &file.demande).await?;
    // An active habilitation is shared by the organisation's agents with teams or agents.
    let active = file.habilitations.iter().any(|h| {
        h.standing_at(crate::services::now()) == crate::domain::habilitation::Standing::Active
    });
    if active {
        let shares = crate::services::teams::shares(app, &file).await?;
        page.sharing = Some(crate::web::views::teams::SharingView::new(shares));
    }
    Ok(page)
}

pub async fn archive_demande(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    path: web::Path<String>,
    _: Form<ButtonForm>,
) -> Result<HttpResponse, AppError> {
    service::archive(&app, &current, demande_id(&path)?).await?;
    Ok(see_other("/demandes"))
}

/// Takes an archived demande back (its applicant).
pub async fn restore_demande(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    path: web::Path<String>,
    _: Form<ButtonForm>,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    service::restore(&app, &current, id).await?;
    Ok(see_other(
        &crate::web::views::done::Done::Restored.on_demande(id),
    ))
}

pub async fn reopen_demande(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    path: web::Path<String>,
    _: Form<ButtonForm>,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    service::reopen(&app, &current, id).await?;
    Ok(see_other(&format!("/demandes/{id}")))
}

pub async fn cancel_reopening(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    path: web::Path<String>,
    _: Form<ButtonForm>,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    service::cancel_reopening(&app, &current, id).await?;
    Ok(see_other(&format!("/demandes/{id}")))
}

/// Starts the provider's next stage from a validated demande: a new demande, prefilled.
pub async fn advance_stage(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    path: web::Path<String>,
    _: Form<ButtonForm>,
) -> Result<HttpResponse, AppError> {
    let next = stages::advance(&app, &current, demande_id(&path)?).await?;
    Ok(see_other(&format!("/demandes/{next}/etapes/1")))
}
