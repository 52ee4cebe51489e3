//! Drafts instructors prepare for organisations, and their claim by an agent.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::error::AppError;
use crate::services::App;
use crate::services::prepared::{self as service, Preparation};
use crate::web::ctx::PageCtx;
use crate::web::forms::{ButtonForm, Form, PrepareForm};
use crate::web::session::SignedIn;
use crate::web::views::done::Done;
use crate::web::views::prepared::{PreparedFeedback, PreparedPage};

use super::{demande_id, ok, render, see_other};

async fn page(
    app: &App,
    ctx: &PageCtx,
    feedback: PreparedFeedback,
) -> Result<PreparedPage, AppError> {
    let providers = service::preparable(&ctx.current);
    if providers.is_empty() {
        return Err(AppError::ForbiddenBecause(
            "Seuls les instructeurs d'un fournisseur préparent une demande pour une organisation."
                .to_string(),
        ));
    }
    let prepared = service::mine(app, &ctx.current).await?;
    Ok(PreparedPage::new(
        ctx,
        &app.catalog,
        (providers, prepared),
        feedback,
    ))
}

pub async fn list_prepared(
    app: web::Data<App>,
    ctx: PageCtx,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, AppError> {
    let pairs = crate::web::input::decode(req.query_string().as_bytes()).pairs;
    let feedback = PreparedFeedback {
        done: super::query_value(&pairs, "fait") == Some("preparee"),
        ..PreparedFeedback::default()
    };
    ok(&page(&app, &ctx, feedback).await?)
}

/// Prepares the draft and invites the agent; a refusal shows the form again as typed.
pub async fn prepare_draft(
    app: web::Data<App>,
    ctx: PageCtx,
    Form(form): Form<PrepareForm>,
) -> Result<HttpResponse, AppError> {
    let (provider, template) = form
        .formulaire
        .split_once(':')
        .unwrap_or((&form.formulaire, ""));
    let done = service::prepare(
        &app,
        &ctx.current,
        Preparation {
            provider,
            template,
            siret: &form.siret,
            email: &form.email,
            intitule: &form.intitule,
            note: &form.note,
        },
    )
    .await;
    match done {
        Ok(_) => Ok(see_other("/instruction/brouillons?fait=preparee#fait")),
        Err(AppError::Unprocessable(message)) => {
            let feedback = PreparedFeedback {
                done: false,
                error: Some(message),
                form: form.formulaire.chars().take(200).collect(),
                siret: form.siret.chars().take(30).collect(),
                email: form.email.chars().take(254).collect(),
                intitule: form.intitule.chars().take(200).collect(),
                note: form.note.chars().take(2_000).collect(),
            };
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(&app, &ctx, feedback).await?,
            )
        }
        Err(e) => Err(e),
    }
}

/// An agent of the organisation claims the prepared draft and becomes its applicant.
pub async fn claim_draft(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    path: web::Path<String>,
    _: Form<ButtonForm>,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    service::claim(&app, &current, id).await?;
    Ok(see_other(&Done::Claimed.on_demande(id)))
}
