//! Signing in and out. The demo login exists only when `HABILIS_ENV=dev`.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::error::AppError;
use crate::services::App;
use crate::services::accounts::{self, DevAccount};
use crate::web::csrf;
use crate::web::input::FormInput;
use crate::web::session::{self, MaybeUser, SignedIn};
use crate::web::views::Layout;

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub layout: Layout,
    pub accounts: Vec<DevAccount>,
}

pub async fn login_page(
    app: web::Data<App>,
    user: MaybeUser,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let accounts = if app.settings.is_dev() {
        accounts::dev_accounts(&app).await?
    } else {
        vec![]
    };
    let layout = Layout::new(
        user.0.as_ref(),
        csrf::token(&session)?,
        app.settings.is_dev(),
        "connexion",
    );
    super::ok(&LoginPage { layout, accounts })
}

/// Signs in as a demo account (dev only; 404 elsewhere).
pub async fn dev_login(
    app: web::Data<App>,
    session: Session,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    if !app.settings.is_dev() {
        return Err(AppError::NotFound);
    }
    check_rate(&app, &req)?;
    let input = FormInput::read(payload, &session).await?;
    let user_id = input
        .get("user_id")
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or_else(|| AppError::BadRequest("Compte de démonstration invalide.".to_string()))?;
    let user = accounts::load(&app, user_id, None)
        .await?
        .ok_or_else(|| AppError::BadRequest("Ce compte n'existe pas.".to_string()))?;
    session::sign_in(&session, user.user.id)?;
    tracing::info!(user = user.user.id, "demo sign-in");
    let home = if !user.organisations.is_empty() {
        "/demandes"
    } else if user.actor.sees_instruction() {
        "/instruction"
    } else {
        "/"
    };
    Ok(super::see_other(home))
}

pub async fn logout(session: Session, payload: web::Payload) -> Result<HttpResponse, AppError> {
    FormInput::read(payload, &session).await?;
    session::sign_out(&session);
    Ok(super::see_other("/"))
}

/// Refuses sign-in attempts beyond the allowed rate for the caller's address.
pub fn check_rate(app: &App, req: &HttpRequest) -> Result<(), AppError> {
    let ip = req
        .peer_addr()
        .map(|a| a.ip())
        .unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]));
    if app.login_limiter.allow(ip, chrono::Utc::now().timestamp()) {
        Ok(())
    } else {
        tracing::warn!(%ip, "too many sign-in attempts");
        Err(AppError::TooManyRequests)
    }
}

/// Switches the organisation the person acts for (one of their own).
pub async fn choose_organisation(
    SignedIn(current): SignedIn,
    session: Session,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let input = FormInput::read(payload, &session).await?;
    let id = input
        .get("organisation_id")
        .and_then(|v| v.parse::<i64>().ok());
    match id {
        Some(id) if current.organisations.iter().any(|o| o.id == id) => {
            session::choose_organisation(&session, id)?;
            Ok(super::see_other("/demandes"))
        }
        _ => Err(AppError::ForbiddenBecause(
            "Vous n'êtes pas membre de cette organisation.".to_string(),
        )),
    }
}
