//! Every error becomes a calm French page with the right status, or for the rights API a JSON
//! answer; internal causes are logged here, once, with their chain.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::error::AppError;
use crate::services::api::ApiRefusal;

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub layout: super::views::Layout,
    pub status: u16,
    pub title: &'a str,
    pub message: &'a str,
    /// The page of the demande the refused action was about, when there is one.
    pub back: Option<String>,
}

/// The page of the demande a path acts on: `/demandes/12/soumettre` -> `/demandes/12`,
/// `/instruction/demandes/12/valider` -> `/instruction/demandes/12`.
pub fn demande_page_of(path: &str) -> Option<String> {
    let mut parts = path.trim_start_matches('/').split('/');
    let (first, second) = (parts.next()?, parts.next()?);
    match (first, second) {
        ("demandes", id) if id.chars().all(|c| c.is_ascii_alphanumeric()) && id != "nouvelle" => {
            Some(format!("/demandes/{id}"))
        }
        ("instruction", "demandes") => {
            let id = parts.next()?;
            id.chars()
                .all(|c| c.is_ascii_alphanumeric())
                .then(|| format!("/instruction/demandes/{id}"))
        }
        _ => None,
    }
}

/// 403, 404 and 409 pages in the normal layout, with the signed-in person's header and links
/// onwards; a conflict (409) also links back to the demande it is about (the request knows
/// which, the error does not). Errors that are not the pages' own (the rights API's JSON) pass.
pub fn in_layout<B: 'static>(
    res: actix_web::dev::ServiceResponse<B>,
) -> actix_web::Result<actix_web::middleware::ErrorHandlerResponse<B>> {
    use actix_web::middleware::ErrorHandlerResponse;
    let Some((title, message)) = res
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
        .map(AppError::describe)
    else {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    };
    Ok(ErrorHandlerResponse::Future(Box::pin(async move {
        let status = res.status();
        let back = (status == StatusCode::CONFLICT)
            .then(|| demande_page_of(res.request().path()))
            .flatten();
        let layout = layout_of(res.request()).await;
        let page = ErrorPage {
            layout,
            status: status.as_u16(),
            title,
            message: &message,
            back,
        };
        let Ok(body) = page.render() else {
            return Ok(res.map_into_left_body());
        };
        let (req, _) = res.into_parts();
        let response = HttpResponse::build(status)
            .content_type(ContentType::html())
            .body(body);
        Ok(actix_web::dev::ServiceResponse::new(req, response).map_into_right_body())
    })))
}

/// The layout of an error page: the person's header when signed in (and its CSRF token for the
/// sign-out form); a bare one otherwise, so an anonymous error makes no session.
async fn layout_of(req: &actix_web::HttpRequest) -> super::views::Layout {
    use actix_session::SessionExt;
    let session = req.get_session();
    let app = req
        .app_data::<actix_web::web::Data<crate::services::App>>()
        .cloned();
    let dev = app.as_ref().is_some_and(|app| app.settings.is_dev());
    let site = app
        .as_ref()
        .map(|app| super::views::Site::new(app))
        .unwrap_or_default();
    // Read as a page is: a refused change made while viewing as someone keeps the banner.
    let asked = ("GET".to_string(), req.path().to_string());
    let current = super::session::current(session.clone(), app, asked)
        .await
        .ok()
        .flatten();
    let csrf = match current {
        Some(_) => super::csrf::token(&session).unwrap_or_default(),
        None => String::new(),
    };
    super::views::Layout::new(current.as_ref(), csrf, dev, "", site)
}

impl AppError {
    /// The title and the French message of the error's page.
    fn describe(&self) -> (&'static str, String) {
        match self {
            AppError::NotFound => ("Page introuvable", "Cette page n'existe pas, ou vous n'y avez pas accès.".to_string()),
            AppError::Forbidden => ("Accès refusé", "Vous n'avez pas le droit d'effectuer cette action.".to_string()),
            AppError::ForbiddenBecause(m) => ("Accès refusé", m.clone()),
            AppError::Csrf => (
                "Formulaire expiré",
                "Le jeton de sécurité du formulaire est absent ou expiré. Revenez en arrière, rechargez la page et recommencez."
                    .to_string(),
            ),
            AppError::Conflict(m) => ("Action impossible", m.clone()),
            AppError::AlreadyProcessed(m) => ("Demande déjà traitée", m.clone()),
            AppError::BadRequest(m) => ("Requête invalide", m.clone()),
            AppError::Unprocessable(m) => ("Action impossible", m.clone()),
            AppError::Gone(m) => ("Fichier supprimé", m.clone()),
            AppError::PayloadTooLarge => (
                "Envoi trop volumineux",
                "Les données envoyées dépassent la taille autorisée. Raccourcissez vos réponses et recommencez.".to_string(),
            ),
            AppError::LoginFailed(m) => ("La connexion a échoué", format!("{m} Vous n'êtes pas connecté : recommencez depuis la page de connexion.")),
            AppError::TooManyRequests => (
                "Trop de tentatives",
                "Trop de tentatives de connexion depuis votre adresse : réessayez dans une minute.".to_string(),
            ),
            AppError::Unauthenticated => ("Connexion requise", "Connectez-vous pour continuer.".to_string()),
            AppError::Internal(_) => (
                "Erreur technique",
                "Une erreur technique nous empêche d'afficher cette page. Vos données enregistrées ne sont pas perdues ; réessayez dans quelques instants."
                    .to_string(),
            ),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::ForbiddenBecause(_) | AppError::Csrf => {
                StatusCode::FORBIDDEN
            }
            AppError::Unauthenticated => StatusCode::SEE_OTHER,
            AppError::Conflict(_) | AppError::AlreadyProcessed(_) => StatusCode::CONFLICT,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::LoginFailed(_) => StatusCode::UNAUTHORIZED,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Unauthenticated = self {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/connexion"))
                .finish();
        }
        if let AppError::Internal(cause) = self {
            tracing::error!(error = ?cause, "internal error");
        }
        let (title, message) = self.describe();
        let status = self.status_code();
        let page = ErrorPage {
            layout: super::views::Layout::bare(),
            status: status.as_u16(),
            title,
            message: &message,
            back: None,
        };
        match page.render() {
            Ok(body) => HttpResponse::build(status)
                .content_type(ContentType::html())
                .body(body),
            Err(_) => HttpResponse::build(status)
                .content_type(ContentType::plaintext())
                .body(message),
        }
    }
}

/// A refusal of the rights API as HTTP: a status, a stable code and a French message, as JSON.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ApiError(#[from] pub ApiRefusal);

impl ApiError {
    fn code_and_message(&self) -> (&'static str, String) {
        match &self.0 {
            ApiRefusal::TooManyInvalidTokens => (
                "too_many_requests",
                "Trop de jetons invalides depuis cette adresse : réessayez dans une minute.".into(),
            ),
            ApiRefusal::TooManyRequests => (
                "too_many_requests",
                "Trop de requêtes pour ce jeton : réessayez dans une minute.".into(),
            ),
            ApiRefusal::Unauthorized => (
                "unauthorized",
                "Jeton d'accès absent, invalide ou révoqué (en-tête Authorization: Bearer …)."
                    .into(),
            ),
            ApiRefusal::ProviderWithdrawn => (
                "forbidden",
                "Ce jeton appartient à un fournisseur qui n'est plus servi par habilis.".into(),
            ),
            ApiRefusal::ScopeMissing(scope) => (
                "insufficient_scope",
                format!(
                    "Ce jeton n'a pas la portée « {} » : demandez au gestionnaire du fournisseur un jeton qui l'a.",
                    scope.as_str()
                ),
            ),
            ApiRefusal::NotFound => (
                "not_found",
                "Ressource introuvable pour ce fournisseur.".into(),
            ),
            ApiRefusal::BadRequest(message) => ("bad_request", message.clone()),
            ApiRefusal::Internal(_) => (
                "internal",
                "Erreur technique : réessayez dans quelques instants.".into(),
            ),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match &self.0 {
            ApiRefusal::TooManyInvalidTokens | ApiRefusal::TooManyRequests => {
                StatusCode::TOO_MANY_REQUESTS
            }
            ApiRefusal::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiRefusal::ProviderWithdrawn | ApiRefusal::ScopeMissing(_) => StatusCode::FORBIDDEN,
            ApiRefusal::NotFound => StatusCode::NOT_FOUND,
            ApiRefusal::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiRefusal::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiRefusal::Internal(cause) = &self.0 {
            tracing::error!(error = ?cause, "rights API internal error");
        }
        let (code, message) = self.code_and_message();
        HttpResponse::build(self.status_code())
            .json(serde_json::json!({ "error": code, "message": message }))
    }
}
