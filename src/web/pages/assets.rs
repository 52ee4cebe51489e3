//! The static files (compiled into the release binary, so the binary is all one needs: our
//! stylesheet and the vendored design system), and the health check.

use actix_web::http::header::{self, ContentType};
use actix_web::{HttpResponse, web};

use crate::services::App;

/// `static/`, without the script that vendors the design system.
#[derive(rust_embed::Embed)]
#[folder = "static/"]
#[exclude = "*.sh"]
struct Static;

/// A static file, cached for a day (the design system's files change only with its version,
/// ours with a release), or the French 404.
pub async fn file(path: web::Path<String>) -> HttpResponse {
    let path = path.into_inner();
    match Static::get(&path) {
        Some(file) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, content_type(&path, &file)))
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .body(file.data.into_owned()),
        None => HttpResponse::NotFound()
            .content_type(ContentType::plaintext())
            .body("fichier introuvable"),
    }
}

/// A provider's logo, as read at start-up: its type from its bytes, never sniffed again.
pub async fn logo(app: web::Data<App>, path: web::Path<String>) -> HttpResponse {
    match app.catalog.get(&path).and_then(|p| p.logo.as_ref()) {
        Some(logo) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, logo.content_type))
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(logo.bytes.to_vec()),
        None => HttpResponse::NotFound()
            .content_type(ContentType::plaintext())
            .body("logo introuvable"),
    }
}

/// The type from the name, with the charset browsers want for text.
fn content_type(path: &str, file: &rust_embed::EmbeddedFile) -> String {
    let mime = file.metadata.mimetype();
    if mime.starts_with("text/") || path.ends_with(".js") {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

/// 200 while the process answers requests (liveness); `/readyz` tells whether it can serve.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::plaintext())
        .body("ok")
}
