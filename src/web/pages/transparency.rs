//! Pages open to anyone, signed in or not: the published habilitations (as a page, JSON and
//! CSV), and the legal pages (accessibility statement, legal notice, personal data, FAQ).

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::error::AppError;
use crate::services::App;
use crate::services::transparency as service;
use crate::web::ctx::VisitorCtx;
use crate::web::views::transparency::{LegalPage, PublishedPage, PublishingPage};

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

/// A legal page, open to anyone.
async fn legal(app: &App, ctx: &VisitorCtx, slug: &str) -> Result<HttpResponse, AppError> {
    let page = app.legal.page(slug).ok_or(AppError::NotFound)?;
    ok(&LegalPage::new(ctx, &app.legal, page))
}

pub async fn accessibility(app: web::Data<App>, ctx: VisitorCtx) -> Result<HttpResponse, AppError> {
    legal(&app, &ctx, "accessibilite").await
}

pub async fn legal_notice(app: web::Data<App>, ctx: VisitorCtx) -> Result<HttpResponse, AppError> {
    legal(&app, &ctx, "mentions-legales").await
}

pub async fn personal_data(app: web::Data<App>, ctx: VisitorCtx) -> Result<HttpResponse, AppError> {
    legal(&app, &ctx, "donnees-personnelles").await
}

pub async fn faq(app: web::Data<App>, ctx: VisitorCtx) -> Result<HttpResponse, AppError> {
    legal(&app, &ctx, "aide").await
}

/// The statistics, open to anyone; who decided what for the provider's instructors.
pub async fn stats(
    app: web::Data<App>,
    ctx: VisitorCtx,
    query: web::Query<StatsQuery>,
) -> Result<HttpResponse, AppError> {
    let report =
        crate::services::stats::report(&app, ctx.current.as_ref(), query.fournisseur.as_deref())
            .await?;
    ok(&crate::web::views::stats::StatsPage::new(
        &ctx, &app, report,
    ))
}

/// The monthly figures as CSV.
pub async fn stats_csv(
    app: web::Data<App>,
    ctx: VisitorCtx,
    query: web::Query<StatsQuery>,
) -> Result<HttpResponse, AppError> {
    let report =
        crate::services::stats::report(&app, ctx.current.as_ref(), query.fournisseur.as_deref())
            .await?;
    let name = report
        .provider
        .as_ref()
        .map_or("habilis".to_string(), |p| p.slug.clone());
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"statistiques-{name}.csv\""),
        ))
        .body(crate::services::stats::csv(&report)?))
}

/// `?fournisseur=<slug>`: one provider's statistics.
#[derive(serde::Deserialize)]
pub struct StatsQuery {
    pub fournisseur: Option<String>,
}
