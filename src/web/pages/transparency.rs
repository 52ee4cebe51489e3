//! The published habilitations: open to anyone, signed in or not, as a page, JSON and CSV.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::error::AppError;
use crate::services::App;
use crate::services::transparency as service;
use crate::web::ctx::VisitorCtx;
use crate::web::views::transparency::{PublishedPage, PublishingPage};

use super::ok;

pub async fn publishing(app: web::Data<App>, ctx: VisitorCtx) -> Result<HttpResponse, AppError> {
    let providers = service::publishing(&app)
        .into_iter()
        .map(|p| (p.slug.clone(), p.name.clone(), p.provider.clone()))
        .collect();
    ok(&PublishingPage::new(&ctx, providers))
}

pub async fn published(
    app: web::Data<App>,
    ctx: VisitorCtx,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (provider, rows) = service::list(&app, &path).await?;
    ok(&PublishedPage::new(&ctx, &provider, rows))
}

pub async fn published_json(
    app: web::Data<App>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (provider, rows) = service::list(&app, &path).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "provider": provider.slug,
        "name": provider.name,
        "habilitations": rows,
    })))
}

pub async fn published_csv(
    app: web::Data<App>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (provider, rows) = service::list(&app, &path).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"habilitations-{}.csv\"",
                provider.slug
            ),
        ))
        .body(service::csv(&rows)?))
}
