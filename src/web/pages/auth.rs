//! Signing in and out. The demo login exists only when `HABILIS_ENV=dev`.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::error::AppError;
use crate::services::App;
use crate::services::accounts::{self, DevAccount};
use crate::services::audit::SignIn;
use crate::web::csrf;
use crate::web::input::FormInput;
use crate::web::session::{self, MaybeUser, SignedIn};
use crate::web::views::Layout;

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub layout: Layout,
    pub accounts: Vec<DevAccount>,
    /// An identity provider is configured.
    pub proconnect: bool,
    /// Just signed out of every device.
    pub signed_out_everywhere: bool,
}

pub async fn login_page(
    app: web::Data<App>,
    user: MaybeUser,
    session: Session,
    req: HttpRequest,
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
    super::ok(&LoginPage {
        layout,
        accounts,
        proconnect: app.oidc.is_some(),
        signed_out_everywhere: req.query_string() == "deconnecte=partout",
    })
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
    session::sign_in(&app, &session, user.user.id, SignIn::Demo).await?;
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

/// Ends the session, and the identity provider's one when it has an end-session endpoint.
pub async fn logout(
    app: web::Data<App>,
    user: MaybeUser,
    session: Session,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    FormInput::read(payload, &session).await?;
    let id_token = session.get::<String>(ID_TOKEN_KEY).ok().flatten();
    session::sign_out(&app, &session, user.0.as_ref(), false).await?;
    let provider_logout = match (&app.oidc, id_token) {
        (Some(oidc), Some(token)) => oidc.logout_url(&token),
        _ => None,
    };
    Ok(super::see_other(provider_logout.as_deref().unwrap_or("/")))
}

/// Ends every session of the person, on every device (a lost laptop, a shared computer).
pub async fn logout_everywhere(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    FormInput::read(payload, &session).await?;
    session::sign_out(&app, &session, Some(&current), true).await?;
    Ok(super::see_other("/connexion?deconnecte=partout"))
}

const PENDING_KEY: &str = "oidc_pending";
const ID_TOKEN_KEY: &str = "id_token";

/// Sends the browser to the identity provider (authorization code flow with PKCE).
pub async fn login_with_provider(
    app: web::Data<App>,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let oidc = app.oidc.as_ref().ok_or(AppError::NotFound)?;
    check_rate(&app, &req)?;
    let (url, pending) = oidc.authorize();
    session
        .insert(PENDING_KEY, pending)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("session : {e}")))?;
    Ok(super::see_other(&url))
}

/// Where the identity provider sends the browser back.
pub async fn login_callback(
    app: web::Data<App>,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let oidc = app.oidc.as_ref().ok_or(AppError::NotFound)?;
    check_rate(&app, &req)?;
    let pairs = crate::web::input::decode(req.query_string().as_bytes()).pairs;
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    // One use only: a replayed callback finds nothing pending.
    let pending = session
        .remove_as::<crate::services::oidc::Pending>(PENDING_KEY)
        .and_then(Result::ok);
    if get("error").is_some() {
        // Fixed wording: the description is the provider's, or anyone's who crafted the link.
        return Err(AppError::LoginFailed(
            "Le fournisseur d'identité a refusé ou annulé la connexion.".to_string(),
        ));
    }
    let (Some(code), Some(state)) = (get("code"), get("state")) else {
        return Err(AppError::LoginFailed(
            "La réponse du fournisseur d'identité est incomplète.".to_string(),
        ));
    };
    let pending = pending.ok_or_else(|| {
        AppError::LoginFailed(
            "Aucune connexion n'était en cours dans ce navigateur (lien déjà utilisé ou expiré)."
                .to_string(),
        )
    })?;
    let identity = oidc.complete(pending, code, state).await?;
    let id_token = identity.id_token.clone();
    let (user_id, organisation_id) = accounts::sign_in_identity(&app, identity).await?;
    // A SIRET seen for the first time is looked up now, in the background: never blocking.
    let background = app.clone().into_inner();
    tokio::spawn(async move {
        if let Err(e) = crate::services::companies::refresh_pending(&background).await {
            tracing::warn!(error = ?e, "company lookup after sign-in failed");
        }
    });
    session::sign_in(&app, &session, user_id, SignIn::IdentityProvider).await?;
    session::choose_organisation(&session, organisation_id)?;
    session
        .insert(ID_TOKEN_KEY, id_token)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("session : {e}")))?;
    tracing::info!(user = user_id, "signed in with the identity provider");
    Ok(super::see_other("/demandes"))
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
