//! The home page: the providers one can ask.

use actix_web::{HttpResponse, web};

use crate::error::AppError;
use crate::services::App;
use crate::web::ctx::VisitorCtx;
use crate::web::views::home::{DevelopersPage, HomePage};

pub async fn home(app: web::Data<App>, ctx: VisitorCtx) -> Result<HttpResponse, AppError> {
    super::ok(&HomePage::new(&ctx, &app.catalog))
}

/// Unknown addresses; on the rights API, a known address asked with another method is told
/// which methods it answers (405 and `Allow`), as JSON.
pub async fn not_found(req: actix_web::HttpRequest) -> Result<HttpResponse, AppError> {
    let path = req.path();
    if path.starts_with("/api/") {
        let allowed = crate::web::allowed_methods(path);
        if !allowed.is_empty() {
            let allow = allowed.join(", ");
            return Ok(HttpResponse::MethodNotAllowed()
                .insert_header((actix_web::http::header::ALLOW, allow.clone()))
                .json(serde_json::json!({
                    "error": "method_not_allowed",
                    "message": format!("Méthode {} non permise ici : {allow} seulement.", req.method()),
                })));
        }
    }
    Err(AppError::NotFound)
}

/// A short page for providers' developers: the API and the webhooks.
pub async fn developers(app: web::Data<App>, ctx: VisitorCtx) -> Result<HttpResponse, AppError> {
    super::ok(&DevelopersPage::new(&ctx, &app.settings.base_url))
}
