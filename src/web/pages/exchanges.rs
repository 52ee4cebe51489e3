//! Messages, copies and transfers of a demande.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::error::AppError;
use crate::services::{App, handover, messages};
use crate::web::input::FormInput;
use crate::web::session::SignedIn;

use super::demandes::{ShowFeedback, show_page};
use super::{demande_id, render, see_other};

pub async fn write_applicant_message(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    let input = FormInput::read(payload, &session).await?;
    match messages::write_as_applicant(&app, &current, id, input.get("body").unwrap_or("")).await {
        Ok(()) => Ok(see_other(&format!("/demandes/{id}#messages"))),
        Err(AppError::Unprocessable(message)) => {
            let feedback = ShowFeedback {
                message_error: Some(message),
                ..ShowFeedback::default()
            };
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &show_page(&app, &current, &session, id, feedback).await?,
            )
        }
        Err(e) => Err(e),
    }
}

pub async fn write_instructor_message(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    let input = FormInput::read(payload, &session).await?;
    let body = input.get("body").unwrap_or("").to_string();
    match messages::write_as_instructor(&app, &current, id, &body).await {
        Ok(()) => Ok(see_other(&format!("/instruction/demandes/{id}#messages"))),
        Err(AppError::Unprocessable(message)) => {
            let error = Some(("message", message, body));
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &super::instruction::page(&app, &current, &session, id, error).await?,
            )
        }
        Err(e) => Err(e),
    }
}

pub async fn copy_demande(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    FormInput::read(payload, &session).await?;
    let copy = handover::copy(&app, &current, id).await?;
    Ok(see_other(&format!("/demandes/{copy}/etapes/1")))
}

pub async fn transfer_demande(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    let input = FormInput::read(payload, &session).await?;
    match handover::transfer(&app, &current, id, input.get("email").unwrap_or("")).await {
        Ok(()) => Ok(see_other(&format!("/demandes/{id}"))),
        Err(AppError::Unprocessable(message)) => {
            let feedback = ShowFeedback {
                transfer_error: Some(message),
                ..ShowFeedback::default()
            };
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &show_page(&app, &current, &session, id, feedback).await?,
            )
        }
        Err(e) => Err(e),
    }
}
