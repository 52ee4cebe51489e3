//! HTTP: routes per area, extractors, CSRF, errors. Reaches the database only through services.

pub mod csrf;
pub mod errors;
pub mod input;
pub mod pages;
pub mod session;
pub mod views;

use actix_web::web;

use pages::{assets, auth, demandes, home, instruction};

/// Every route: (method, path). The access-matrix test walks this list.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/"),
    ("GET", "/healthz"),
    ("GET", "/static/habilis.css"),
    ("GET", "/connexion"),
    ("POST", "/connexion/demo"),
    ("POST", "/deconnexion"),
    ("GET", "/demandes"),
    ("POST", "/demandes"),
    ("GET", "/demandes/nouvelle/{provider}"),
    ("GET", "/demandes/{id}"),
    ("GET", "/demandes/{id}/etapes/{step}"),
    ("POST", "/demandes/{id}/etapes/{step}"),
    ("GET", "/demandes/{id}/resume"),
    ("POST", "/demandes/{id}/soumettre"),
    ("POST", "/demandes/{id}/archiver"),
    ("GET", "/instruction"),
    ("GET", "/instruction/demandes/{id}"),
    ("POST", "/instruction/demandes/{id}/valider"),
    ("POST", "/instruction/demandes/{id}/refuser"),
    ("POST", "/instruction/demandes/{id}/demander-modifications"),
    ("POST", "/instruction/demandes/{id}/archiver"),
];

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home::home))
        .route("/healthz", web::get().to(assets::healthz))
        .route("/static/habilis.css", web::get().to(assets::stylesheet))
        .route("/connexion", web::get().to(auth::login_page))
        .route("/connexion/demo", web::post().to(auth::dev_login))
        .route("/deconnexion", web::post().to(auth::logout))
        .route("/demandes", web::get().to(demandes::list_demandes))
        .route("/demandes", web::post().to(demandes::create_demande))
        .route(
            "/demandes/nouvelle/{provider}",
            web::get().to(demandes::new_demande),
        )
        .route("/demandes/{id}", web::get().to(demandes::show_demande))
        .route(
            "/demandes/{id}/etapes/{step}",
            web::get().to(demandes::edit_step),
        )
        .route(
            "/demandes/{id}/etapes/{step}",
            web::post().to(demandes::save_step),
        )
        .route("/demandes/{id}/resume", web::get().to(demandes::summary))
        .route(
            "/demandes/{id}/soumettre",
            web::post().to(demandes::submit_demande),
        )
        .route(
            "/demandes/{id}/archiver",
            web::post().to(demandes::archive_demande),
        )
        .route("/instruction", web::get().to(instruction::dashboard))
        .route(
            "/instruction/demandes/{id}",
            web::get().to(instruction::show),
        )
        .route(
            "/instruction/demandes/{id}/valider",
            web::post().to(instruction::approve),
        )
        .route(
            "/instruction/demandes/{id}/refuser",
            web::post().to(instruction::refuse),
        )
        .route(
            "/instruction/demandes/{id}/demander-modifications",
            web::post().to(instruction::request_changes),
        )
        .route(
            "/instruction/demandes/{id}/archiver",
            web::post().to(instruction::archive),
        )
        .default_service(web::to(home::not_found));
}
