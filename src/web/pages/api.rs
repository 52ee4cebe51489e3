//! The rights API over HTTP: bearer tokens, JSON answers and JSON errors.

use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use serde_json::Value;

use crate::domain::api_scope::ApiScope;
use crate::services::App;
use crate::services::api::{self as service, ApiRefusal, Caller};
use crate::web::errors::ApiError;

use super::api_schema::{
    AgentRights, ApiErrorBody, Demande, Habilitation, HabilitationPage, OrganisationRights, State,
};

/// The JSON answer, or the refusal as JSON with its status.
fn respond(result: Result<Value, ApiRefusal>) -> HttpResponse {
    match result {
        Ok(value) => HttpResponse::Ok().json(value),
        Err(refusal) => ApiError(refusal).error_response(),
    }
}

/// The provider the request's token speaks for, when the token may read what `needs` names.
async fn provider_of(app: &App, req: &HttpRequest, needs: ApiScope) -> Result<Caller, ApiRefusal> {
    let header = req
        .headers()
        .get("Authorization")
        .and_then(|h| h.to_str().ok());
    // The address that connects, or behind a proxy the client's it reports.
    let client = crate::web::client_address(app, req);
    service::authenticate(app, header, client, needs).await
}

/// A read's answer, once recorded with what it returned (a read not recorded is not answered).
async fn recorded(
    app: &App,
    caller: &Caller,
    route: &'static str,
    answer: Result<Value, ApiRefusal>,
) -> Result<Value, ApiRefusal> {
    let value = answer?;
    service::record_read(app, caller, route, &value).await?;
    Ok(value)
}

fn id(raw: &str) -> Result<i64, ApiRefusal> {
    let digits = raw.trim_start_matches(['D', 'H', 'd', 'h']);
    digits
        .parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .ok_or(ApiRefusal::NotFound)
}

/// Habilitations granted by the token's provider.
#[utoipa::path(get, path = "/api/v1/habilitations", tag = "droits",
    params(
        ("siret" = Option<String>, Query, description = "SIRET de l'organisation (14 chiffres)", pattern = r"^[0-9]{14}$"),
        ("state" = Option<State>, Query, description = "active, expired, revoked ou obsolete"),
        ("scope" = Option<String>, Query, description = "identifiant d'une donnée accordée", pattern = r"^[A-Za-z0-9_]{1,100}$"),
        ("updated_since" = Option<String>, Query, description = "accordées depuis cette date (AAAA-MM-JJ)", format = Date),
        ("page" = Option<i64>, Query, description = "page, 100 habilitations chacune", minimum = 1, maximum = 10000),
    ),
    responses((status = 200, description = "Une page d'habilitations", body = HabilitationPage), (status = 400, description = "Filtre invalide", body = ApiErrorBody),
        (status = 401, description = "Jeton absent, invalide ou révoqué", body = ApiErrorBody), (status = 403, description = "Fournisseur du jeton retiré, ou jeton sans la portée demandée", body = ApiErrorBody), (status = 429, description = "Trop de requêtes", body = ApiErrorBody)),
    security(("jeton" = [])))]
pub async fn list_habilitations(app: web::Data<App>, req: HttpRequest) -> HttpResponse {
    let decoded = crate::web::input::decode(req.query_string().as_bytes());
    respond(
        match (
            provider_of(&app, &req, ApiScope::HabilitationsRead).await,
            decoded.undecodable.first(),
        ) {
            (Err(e), _) => Err(e),
            (Ok(_), Some(key)) => Err(ApiRefusal::BadRequest(format!(
                "{} : caractères invalides (caractère nul ou encodage non UTF-8).",
                key.chars().take(40).collect::<String>()
            ))),
            (Ok(c), None) => {
                let answer = service::habilitations(&app, c.provider.clone(), &decoded.pairs).await;
                recorded(&app, &c, "GET /api/v1/habilitations", answer).await
            }
        },
    )
}

/// One habilitation (`12` or `H12`).
#[utoipa::path(get, path = "/api/v1/habilitations/{id}", tag = "droits",
    params(("id" = String, Path, description = "numéro de l'habilitation (`12` ou `H12`)", pattern = r"^[Hh]?[0-9]{1,18}$")),
    responses((status = 200, description = "L'habilitation", body = Habilitation), (status = 401, description = "Jeton absent, invalide ou révoqué", body = ApiErrorBody), (status = 403, description = "Fournisseur du jeton retiré, ou jeton sans la portée demandée", body = ApiErrorBody),
        (status = 404, description = "Inconnue pour ce fournisseur", body = ApiErrorBody), (status = 429, description = "Trop de requêtes", body = ApiErrorBody)),
    security(("jeton" = [])))]
pub async fn show_habilitation(
    app: web::Data<App>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    respond(
        match (
            provider_of(&app, &req, ApiScope::HabilitationsRead).await,
            id(&path),
        ) {
            (Ok(c), Ok(id)) => {
                let answer = service::habilitation(&app, c.provider.clone(), id).await;
                recorded(&app, &c, "GET /api/v1/habilitations/{id}", answer).await
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        },
    )
}

/// One demande, with its answers, its stage, its attached files and its events.
#[utoipa::path(get, path = "/api/v1/demandes/{id}", tag = "droits",
    params(("id" = String, Path, description = "numéro de la demande (`12` ou `D12`)", pattern = r"^[Dd]?[0-9]{1,18}$")),
    responses((status = 200, description = "La demande", body = Demande), (status = 401, description = "Jeton absent, invalide ou révoqué", body = ApiErrorBody), (status = 403, description = "Fournisseur du jeton retiré, ou jeton sans la portée demandée", body = ApiErrorBody),
        (status = 404, description = "Inconnue pour ce fournisseur", body = ApiErrorBody), (status = 429, description = "Trop de requêtes", body = ApiErrorBody)),
    security(("jeton" = [])))]
pub async fn show_demande(
    app: web::Data<App>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    respond(
        match (
            provider_of(&app, &req, ApiScope::DemandesRead).await,
            id(&path),
        ) {
            (Ok(c), Ok(id)) => {
                let answer = service::demande(&app, c.provider.clone(), id).await;
                recorded(&app, &c, "GET /api/v1/demandes/{id}", answer).await
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        },
    )
}

/// What an organisation may use right now, with each active habilitation's end.
#[utoipa::path(get, path = "/api/v1/organisations/{siret}/rights", tag = "droits",
    params(("siret" = String, Path, description = "SIRET de l'organisation (14 chiffres)", pattern = r"^[0-9]{14}$", example = "21690123100011")),
    responses((status = 200, description = "Les données accordées en ce moment", body = OrganisationRights), (status = 400, description = "SIRET invalide", body = ApiErrorBody),
        (status = 401, description = "Jeton absent, invalide ou révoqué", body = ApiErrorBody), (status = 403, description = "Fournisseur du jeton retiré, ou jeton sans la portée demandée", body = ApiErrorBody), (status = 429, description = "Trop de requêtes", body = ApiErrorBody)),
    security(("jeton" = [])))]
pub async fn rights(
    app: web::Data<App>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    respond(
        match provider_of(&app, &req, ApiScope::HabilitationsRead).await {
            Ok(c) => {
                let answer = service::rights(&app, c.provider.clone(), &path).await;
                recorded(&app, &c, "GET /api/v1/organisations/{siret}/rights", answer).await
            }
            Err(e) => Err(e),
        },
    )
}

/// What one agent of an organisation may use now, through which habilitation and team.
#[utoipa::path(get, path = "/api/v1/agents/{agent}/rights", tag = "droits",
    params(
        ("agent" = String, Path, description = "adresse électronique de l'agent, ou son identifiant ProConnect (sub)", min_length = 1, max_length = 255, example = "paul.martin@mairie-lyon.fr"),
        ("siret" = String, Query, description = "SIRET de l'organisation (14 chiffres)", pattern = r"^[0-9]{14}$", example = "21690123100011"),
    ),
    responses((status = 200, description = "Les habilitations que l'agent peut utiliser, et par quel partage", body = AgentRights), (status = 400, description = "SIRET absent ou invalide", body = ApiErrorBody),
        (status = 401, description = "Jeton absent, invalide ou révoqué", body = ApiErrorBody), (status = 403, description = "Fournisseur du jeton retiré, ou jeton sans la portée agents:read", body = ApiErrorBody),
        (status = 404, description = "Aucune habilitation de ce fournisseur n'est utilisable par cet agent pour cette organisation (agent inconnu, hors des partages ou parti)", body = ApiErrorBody), (status = 429, description = "Trop de requêtes", body = ApiErrorBody)),
    security(("jeton" = [])))]
pub async fn agent_rights(
    app: web::Data<App>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let decoded = crate::web::input::decode(req.query_string().as_bytes());
    let siret = super::query_value(&decoded.pairs, "siret").map(str::to_string);
    respond(match provider_of(&app, &req, ApiScope::AgentsRead).await {
        Ok(c) => {
            let answer = crate::services::agents::agent_rights(
                &app,
                c.provider.clone(),
                path.into_inner(),
                siret,
            )
            .await;
            recorded(&app, &c, "GET /api/v1/agents/{agent}/rights", answer).await
        }
        Err(e) => Err(e),
    })
}

/// The rights API's OpenAPI document, generated from the handlers above.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "habilis – API des droits", description = "Ce qu'un fournisseur de données a accordé, pour ses systèmes."),
    paths(list_habilitations, show_habilitation, show_demande, rights, agent_rights),
    modifiers(&BearerToken)
)]
pub struct ApiDoc;

struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "jeton",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub async fn openapi() -> HttpResponse {
    use utoipa::OpenApi;
    match ApiDoc::openapi().to_json() {
        Ok(body) => HttpResponse::Ok()
            .content_type("application/json")
            .body(body),
        Err(e) => ApiError(ApiRefusal::Internal(e.into())).error_response(),
    }
}
