//! What operators' tools read: readiness (the database answers and its migrations are all
//! applied) and Prometheus metrics, behind a bearer token of their own.

use actix_web::http::header::ContentType;
use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::ExposeSecret;

use crate::error::AppError;
use crate::services::App;

/// 200 when the database answers and has every migration this build knows; 503 otherwise,
/// saying which.
pub async fn readyz(app: web::Data<App>) -> HttpResponse {
    let unavailable = |why: &str| {
        HttpResponse::ServiceUnavailable()
            .content_type(ContentType::plaintext())
            .body(why.to_string())
    };
    match app.db.run(crate::db::pending_migrations).await {
        Ok(0) => HttpResponse::Ok()
            .content_type(ContentType::plaintext())
            .body("prêt"),
        Ok(n) => unavailable(&format!("{n} migration(s) en attente")),
        Err(e) => {
            tracing::error!(error = ?e, "readiness check failed");
            unavailable("base de données injoignable")
        }
    }
}

/// The metrics in Prometheus' text format, for the bearer of `HABILIS_METRICS_TOKEN`; without
/// that setting, not served (404); a wrong or missing token, 401.
pub async fn metrics(app: web::Data<App>, req: HttpRequest) -> Result<HttpResponse, AppError> {
    let Some(expected) = &app.settings.metrics_token else {
        return Err(AppError::NotFound);
    };
    let given = req
        .headers()
        .get("Authorization")
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or_default();
    let wanted = crate::services::sha256_hex(expected.expose_secret());
    // Compared as digests, in constant time.
    if !constant_time_eq(&crate::services::sha256_hex(given), &wanted) {
        return Ok(HttpResponse::Unauthorized()
            .insert_header(("WWW-Authenticate", "Bearer"))
            .content_type(ContentType::plaintext())
            .body("jeton des métriques absent ou invalide"));
    }
    let body = crate::services::metrics::render(&app).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body))
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
