//! The home page: the providers one can ask.

use actix_web::{HttpResponse, web};

use crate::error::AppError;
use crate::services::App;
use crate::web::ctx::VisitorCtx;
use crate::web::views::home::{DevelopersPage, HomePage};

pub async fn home(app: web::Data<App>, ctx: VisitorCtx) -> Result<HttpResponse, AppError> {
    super::ok(&HomePage::new(&ctx, &app.catalog))
}

/// Unknown addresses.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// A short page for providers' developers: the API and the webhooks.
pub async fn developers(app: web::Data<App>, ctx: VisitorCtx) -> Result<HttpResponse, AppError> {
    super::ok(&DevelopersPage::new(&ctx, &app.settings.base_url))
}
