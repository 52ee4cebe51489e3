//! Messages, copies and transfers of a demande.

use actix_web::{HttpResponse, web};

use crate::error::AppError;
use crate::services::{App, handover, messages};
use crate::web::ctx::PageCtx;
use crate::web::forms::{ButtonForm, Form, MessageForm, TransferForm};
use crate::web::session::SignedIn;
use crate::web::views::demandes::ShowFeedback;
use crate::web::views::done::Done;
use crate::web::views::instruction::Refused;

use super::demandes::show_page;
use super::{demande_id, or_show_again, see_other};

pub async fn write_applicant_message(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    Form(form): Form<MessageForm>,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    let done = messages::write_as_applicant(&app, &ctx.current, id, &form.body).await;
    let done = done.map(|()| see_other(&Done::MessageSent.on_demande(id)));
    let feedback = |message| ShowFeedback {
        message_error: Some(message),
        ..ShowFeedback::default()
    };
    or_show_demande_again(&app, &ctx, id, done, feedback).await
}

/// The demande page again when one of its forms was refused, the message beside that form.
async fn or_show_demande_again(
    app: &App,
    ctx: &PageCtx,
    id: i64,
    done: Result<HttpResponse, AppError>,
    feedback: impl FnOnce(String) -> ShowFeedback,
) -> Result<HttpResponse, AppError> {
    or_show_again(done, |message| show_page(app, ctx, id, feedback(message))).await
}

pub async fn write_instructor_message(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    Form(form): Form<MessageForm>,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    let done = messages::write_as_instructor(&app, &ctx.current, id, &form.body).await;
    let done = done.map(|()| see_other(&Done::MessageSent.on_instruction(id)));
    or_show_again(done, |message| {
        let refused = Refused {
            action: "message",
            message,
            typed: form.body,
            typed_email: String::new(),
            typed_siret: String::new(),
        };
        super::instruction::page(&app, &ctx, id, Some(refused))
    })
    .await
}

pub async fn copy_demande(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    path: web::Path<String>,
    _: Form<ButtonForm>,
) -> Result<HttpResponse, AppError> {
    let copy = handover::copy(&app, &current, demande_id(&path)?).await?;
    Ok(see_other(&format!("/demandes/{copy}/etapes/1")))
}

pub async fn transfer_demande(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    Form(form): Form<TransferForm>,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    let done = handover::transfer(&app, &ctx.current, id, &form.email).await;
    let done = done.map(|()| see_other(&format!("/demandes/{id}")));
    let feedback = |message| ShowFeedback {
        transfer_error: Some(message),
        ..ShowFeedback::default()
    };
    or_show_demande_again(&app, &ctx, id, done, feedback).await
}
