//! The rights API over HTTP: bearer tokens, JSON answers and JSON errors.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use crate::services::App;
use crate::services::api::{self as service, ApiError};

fn respond(result: Result<Value, ApiError>) -> HttpResponse {
    match result {
        Ok(value) => HttpResponse::Ok().json(value),
        Err(e) => HttpResponse::build(
            StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        )
        .json(json!({ "error": e.code, "message": e.message })),
    }
}

async fn provider_of(app: &App, req: &HttpRequest) -> Result<String, ApiError> {
    let header = req
        .headers()
        .get("Authorization")
        .and_then(|h| h.to_str().ok());
    service::authenticate(app, header).await
}

fn id(raw: &str) -> Result<i64, ApiError> {
    let digits = raw.trim_start_matches(['D', 'H', 'd', 'h']);
    digits
        .parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .ok_or_else(ApiError::not_found)
}

pub async fn list_habilitations(app: web::Data<App>, req: HttpRequest) -> HttpResponse {
    let pairs = crate::web::input::decode(req.query_string().as_bytes()).pairs;
    respond(match provider_of(&app, &req).await {
        Ok(provider) => service::habilitations(&app, provider, &pairs).await,
        Err(e) => Err(e),
    })
}

pub async fn show_habilitation(
    app: web::Data<App>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    respond(match (provider_of(&app, &req).await, id(&path)) {
        (Ok(provider), Ok(id)) => service::habilitation(&app, provider, id).await,
        (Err(e), _) | (_, Err(e)) => Err(e),
    })
}

pub async fn show_demande(
    app: web::Data<App>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    respond(match (provider_of(&app, &req).await, id(&path)) {
        (Ok(provider), Ok(id)) => service::demande(&app, provider, id).await,
        (Err(e), _) | (_, Err(e)) => Err(e),
    })
}

pub async fn rights(
    app: web::Data<App>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    respond(match provider_of(&app, &req).await {
        Ok(provider) => service::rights(&app, provider, &path).await,
        Err(e) => Err(e),
    })
}
