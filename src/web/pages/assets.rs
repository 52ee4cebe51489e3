//! The stylesheet (compiled in, so the binary is all one needs) and the health check.

use actix_web::http::header::{self, ContentType};
use actix_web::{HttpResponse, web};

use crate::services::App;

const CSS: &str = include_str!("../../../static/habilis.css");

pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/css; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(CSS)
}

/// 200 when the database answers, 503 otherwise.
pub async fn healthz(app: web::Data<App>) -> HttpResponse {
    match crate::services::database_answers(&app).await {
        Ok(_) => HttpResponse::Ok()
            .content_type(ContentType::plaintext())
            .body("ok"),
        Err(e) => {
            tracing::error!(error = ?e, "health check failed");
            HttpResponse::ServiceUnavailable()
                .content_type(ContentType::plaintext())
                .body("base de données injoignable")
        }
    }
}
