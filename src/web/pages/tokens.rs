//! The rights API's tokens, for the provider's managers: created (shown once), named, revoked.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::error::AppError;
use crate::services::{App, accounts::CurrentUser, api as service, roles};
use crate::web::csrf;
use crate::web::input::FormInput;
use crate::web::session::SignedIn;
use crate::web::views::{Layout, format_datetime};

use super::{render, see_other};

pub struct TokenView {
    pub id: i64,
    pub provider: String,
    pub name: String,
    pub created: String,
    pub last_used: String,
    pub revoked: Option<String>,
}

#[derive(Template)]
#[template(path = "instruction/tokens.html")]
pub struct TokensPage {
    pub layout: Layout,
    pub providers: Vec<(String, String)>,
    pub tokens: Vec<TokenView>,
    /// The token just created: shown this once.
    pub created: Option<String>,
    pub error: Option<String>,
}

async fn page(
    app: &App,
    current: &CurrentUser,
    session: &Session,
    created: Option<String>,
    error: Option<String>,
) -> Result<TokensPage, AppError> {
    let rows = service::tokens_for(app, current).await?;
    let name = |slug: &str| {
        app.catalog
            .get(slug)
            .map_or(slug.to_string(), |p| p.name.clone())
    };
    Ok(TokensPage {
        layout: Layout::new(
            Some(current),
            csrf::token(session)?,
            app.settings.is_dev(),
            "instruction",
        ),
        providers: roles::managed_providers(app, current)
            .iter()
            .map(|s| (s.clone(), name(s)))
            .collect(),
        tokens: rows
            .into_iter()
            .map(|t| TokenView {
                id: t.id,
                provider: name(&t.provider),
                name: t.name,
                created: format_datetime(&t.created_at),
                last_used: t
                    .last_used_at
                    .as_ref()
                    .map(format_datetime)
                    .unwrap_or_else(|| "jamais".to_string()),
                revoked: t.revoked_at.as_ref().map(format_datetime),
            })
            .collect(),
        created,
        error,
    })
}

pub async fn list_tokens(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
) -> Result<HttpResponse, AppError> {
    render(
        StatusCode::OK,
        &page(&app, &current, &session, None, None).await?,
    )
}

pub async fn create_token(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let input = FormInput::read(payload, &session).await?;
    let (provider, name) = (
        input.get("provider").unwrap_or(""),
        input.get("name").unwrap_or(""),
    );
    match service::create_token_as(&app, &current, provider, name).await {
        // Rendered, not redirected: the token is shown this once and never again.
        Ok(token) => render(
            StatusCode::OK,
            &page(&app, &current, &session, Some(token), None).await?,
        ),
        Err(AppError::Unprocessable(message)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&app, &current, &session, None, Some(message)).await?,
        ),
        Err(e) => Err(e),
    }
}

pub async fn revoke_token(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    FormInput::read(payload, &session).await?;
    let id = path.parse::<i64>().map_err(|_| AppError::NotFound)?;
    service::revoke_token_as(&app, &current, id).await?;
    Ok(see_other("/instruction/api"))
}
