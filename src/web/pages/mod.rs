//! Route handlers, one module per area. Thin: extract, check, call a service, render or redirect.

pub mod account;
pub mod admin;
pub mod api;
mod api_schema;
pub mod assets;
pub mod attachments;
pub mod auth;
pub mod bulk;
pub mod decision_preview;
pub mod demandes;
pub mod exchanges;
pub mod habilitations;
pub mod home;
pub mod instruction;
pub mod mail;
pub mod notices;
pub mod opinions;
pub mod ops;
pub mod prepared;
pub mod subscription;
pub mod teams;
pub mod templates;
pub mod tokens;
pub mod transparency;
pub mod webhooks;

use std::future::Future;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use askama::Template;

use crate::domain::demande::parse_public_id;
use crate::error::AppError;

/// Room for a full dashboard (about 60 kB) from the start: growing the page by doubling
/// copied it several times over.
const RENDER_CAPACITY: usize = 64 * 1024;

/// Renders a page with a status. A form shown again with its errors (422) says so first in its
/// title, as screen readers announce it: one place for every form (the layout is shared).
pub fn render(status: StatusCode, page: &impl Template) -> Result<HttpResponse, AppError> {
    let mut body = String::with_capacity(RENDER_CAPACITY);
    page.render_into(&mut body)
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("gabarit")))?;
    if status == StatusCode::UNPROCESSABLE_ENTITY {
        body = error_title(body);
    }
    Ok(HttpResponse::build(status)
        .content_type(ContentType::html())
        .body(body))
}

/// "Erreur : " at the start of the page's title, once.
fn error_title(body: String) -> String {
    const OPEN: &str = "<title>";
    match body.find(OPEN) {
        Some(at) if !body[at + OPEN.len()..].starts_with("Erreur : ") => {
            let (head, rest) = body.split_at(at + OPEN.len());
            format!("{head}Erreur : {rest}")
        }
        _ => body,
    }
}

/// Renders a page with 200.
pub fn ok(page: &impl Template) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, page)
}

/// 303 to a page (after a POST).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// The outcome of a form: its redirect, or, when the service refused the input (422), the page
/// of the form rendered again with the message. The one place that re-renders a refused form.
pub async fn or_show_again<P, F, Fut>(
    done: Result<HttpResponse, AppError>,
    page: F,
) -> Result<HttpResponse, AppError>
where
    P: Template,
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = Result<P, AppError>>,
{
    match done {
        Err(AppError::Unprocessable(message)) => {
            render(StatusCode::UNPROCESSABLE_ENTITY, &page(message).await?)
        }
        other => other,
    }
}

/// A demande id from the URL (`123` or `D123`); anything else is a page that does not exist.
pub fn demande_id(raw: &str) -> Result<i64, AppError> {
    parse_public_id(raw).ok_or(AppError::NotFound)
}

/// The first value of `name` in decoded query pairs.
pub fn query_value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A row id from the URL (an email, a webhook delivery, a token); anything else is not found.
pub fn row_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>().ok().ok_or(AppError::NotFound)
}
