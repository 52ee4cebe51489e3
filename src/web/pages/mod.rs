//! Route handlers, one module per area. Thin: extract, check, call a service, render or redirect.

pub mod account;
pub mod admin;
pub mod api;
pub mod assets;
pub mod auth;
pub mod demandes;
pub mod exchanges;
pub mod habilitations;
pub mod home;
pub mod instruction;
pub mod mail;
pub mod subscription;
pub mod tokens;
pub mod webhooks;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use askama::Template;

use crate::domain::demande::parse_public_id;
use crate::error::AppError;

/// Renders a page with a status.
pub fn render(status: StatusCode, page: &impl Template) -> Result<HttpResponse, AppError> {
    let body = page
        .render()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("gabarit : {e}")))?;
    Ok(HttpResponse::build(status)
        .content_type(ContentType::html())
        .body(body))
}

pub fn ok(page: &impl Template) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, page)
}

/// 303 to a page (after a POST).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// A demande id from the URL (`123` or `D123`); anything else is a page that does not exist.
pub fn demande_id(raw: &str) -> Result<i64, AppError> {
    parse_public_id(raw).ok_or(AppError::NotFound)
}
