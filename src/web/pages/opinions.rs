//! Opinions (avis) on a demande's instruction page: asking one, answering the one asked to
//! the reader, withdrawing one nobody answers. A refused form shows the page again.

use actix_web::{HttpResponse, web};

use crate::error::AppError;
use crate::services::App;
use crate::web::ctx::PageCtx;
use crate::web::forms::{ButtonForm, Form, OpinionForm};
use crate::web::views::instruction::Refused;

use super::instruction::page_from;
use super::{demande_id, or_show_again, see_other};

/// Asks a reporter or another instructor of the provider for an opinion.
pub async fn ask_opinion(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    Form(form): Form<OpinionForm>,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    let to = form.a.trim().parse::<i64>().map_err(|_| {
        AppError::Unprocessable("Choisissez la personne dont vous demandez l'avis.".to_string())
    });
    let done = match to {
        Ok(to) => crate::services::opinions::ask(&app, &ctx.current, id, to, &form.texte).await,
        Err(e) => Err(e),
    };
    opinion_done(app, ctx, id, done, ("avis", form.texte)).await
}

/// Withdraws an opinion nobody answered (an instructor of the demande).
pub async fn withdraw_opinion(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<(String, String)>,
    _: Form<ButtonForm>,
) -> Result<HttpResponse, AppError> {
    let (id, opinion) = (demande_id(&path.0)?, super::row_id(&path.1)?);
    let done = crate::services::opinions::withdraw(&app, &ctx.current, id, opinion).await;
    opinion_done(app, ctx, id, done, ("retirer", String::new())).await
}

/// Answers the opinion asked to the reader.
pub async fn answer_opinion(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<(String, String)>,
    Form(form): Form<OpinionForm>,
) -> Result<HttpResponse, AppError> {
    let (id, opinion) = (demande_id(&path.0)?, super::row_id(&path.1)?);
    let done =
        crate::services::opinions::answer(&app, &ctx.current, id, opinion, &form.texte).await;
    opinion_done(app, ctx, id, done, ("repondre", form.texte)).await
}

async fn opinion_done(
    app: web::Data<App>,
    ctx: PageCtx,
    id: i64,
    done: Result<(), AppError>,
    (action, typed): (&'static str, String),
) -> Result<HttpResponse, AppError> {
    let done = done.map(|()| see_other(&format!("/instruction/demandes/{id}#avis")));
    or_show_again(done, |message| {
        let refused = Refused {
            action,
            message,
            typed: typed.chars().take(6_000).collect(),
            typed_email: String::new(),
            typed_siret: String::new(),
        };
        page_from(&app, &ctx, (id, None), Some(refused))
    })
    .await
}
