//! Signing in and out. The demo login exists only when `HABILIS_ENV=dev`.

use actix_session::Session;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};

use crate::error::AppError;
use crate::services::App;
use crate::services::accounts;
use crate::services::audit::SignIn;
use crate::services::oidc::{Oidc, Pending};
use crate::web::ctx::VisitorCtx;
use crate::web::forms::{ButtonForm, DevLoginForm, Form, OrganisationForm};
use crate::web::session::{self, MaybeUser, SignedIn};
use crate::web::views::home::{LoginPage, SHOWN_MATCHES};

pub async fn login_page(
    app: web::Data<App>,
    ctx: VisitorCtx,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let pairs = crate::web::input::decode(req.query_string().as_bytes()).pairs;
    let query = super::query_value(&pairs, "q").unwrap_or_default().trim();
    let query: String = query.chars().take(100).collect();
    let (accounts, mut found) = if app.settings.is_dev() {
        accounts::dev_accounts_matching(&app, Some(&query)).await?
    } else {
        (vec![], vec![])
    };
    let found_count = found.len();
    found.truncate(SHOWN_MATCHES);
    super::ok(&LoginPage {
        layout: ctx.layout("connexion"),
        accounts,
        query,
        found,
        found_count,
        proconnect: app.oidc.is_some(),
        signed_out_everywhere: super::query_value(&pairs, "deconnecte") == Some("partout"),
    })
}

/// The demo login's guard, checked before its body is read: the route exists only in dev
/// (404 elsewhere), and every attempt counts against the caller's sign-in rate.
pub struct DemoAttempt;

impl FromRequest for DemoAttempt {
    type Error = AppError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let app = req.app_data::<web::Data<App>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            match app {
                None => Err(AppError::Internal(anyhow::anyhow!(
                    "état de l'application absent"
                ))),
                Some(app) if !app.settings.is_dev() => Err(AppError::NotFound),
                Some(app) => check_rate(&app, &req).await.map(|()| DemoAttempt),
            }
        })
    }
}

/// Signs in as a demo account (dev only; 404 elsewhere).
pub async fn dev_login(
    app: web::Data<App>,
    session: Session,
    _: DemoAttempt,
    Form(form): Form<DevLoginForm>,
) -> Result<HttpResponse, AppError> {
    let user_id = form
        .user_id
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
    _: Form<ButtonForm>,
) -> Result<HttpResponse, AppError> {
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
    _: Form<ButtonForm>,
) -> Result<HttpResponse, AppError> {
    session::sign_out(&app, &session, Some(&current), true).await?;
    Ok(super::see_other("/connexion?deconnecte=partout"))
}

const PENDING_KEY: &str = "oidc_pending";
const ID_TOKEN_KEY: &str = "id_token";

/// The identity provider (these routes do not exist without one), for an attempt within the
/// caller's sign-in rate.
async fn identity_provider<'a>(app: &'a App, req: &HttpRequest) -> Result<&'a Oidc, AppError> {
    let oidc = app.oidc.as_ref().ok_or(AppError::NotFound)?;
    check_rate(app, req).await?;
    Ok(oidc)
}

/// Sends the browser to the identity provider (authorization code flow with PKCE).
pub async fn login_with_provider(
    app: web::Data<App>,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let oidc = identity_provider(&app, &req).await?;
    let (url, pending) = oidc.authorize();
    session
        .insert(PENDING_KEY, pending)
        .map_err(session::stored)?;
    Ok(super::see_other(&url))
}

/// The code and state the identity provider sent back; its refusals are said in fixed wording
/// (a description would be the provider's, or anyone's who crafted the link).
fn provider_answer(pairs: &[(String, String)]) -> Result<(&str, &str), AppError> {
    let get = |name: &str| super::query_value(pairs, name);
    if get("error").is_some() {
        return Err(AppError::LoginFailed(
            "Le fournisseur d'identité a refusé ou annulé la connexion.".to_string(),
        ));
    }
    get("code").zip(get("state")).ok_or_else(|| {
        AppError::LoginFailed("La réponse du fournisseur d'identité est incomplète.".to_string())
    })
}

/// A SIRET seen for the first time is looked up now, in the background: never blocking.
fn look_up_companies_later(app: &web::Data<App>) {
    let background = app.clone().into_inner();
    tokio::spawn(async move {
        if let Err(e) = crate::services::companies::refresh_pending(&background).await {
            tracing::warn!(error = ?e, "company lookup after sign-in failed");
        }
    });
}

/// The sign-in this browser started. One use only: a replayed callback finds nothing pending.
fn take_pending(session: &Session) -> Option<Pending> {
    session
        .remove_as::<Pending>(PENDING_KEY)
        .and_then(Result::ok)
}

/// Where the identity provider sends the browser back.
pub async fn login_callback(
    app: web::Data<App>,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let oidc = identity_provider(&app, &req).await?;
    let pairs = crate::web::input::decode(req.query_string().as_bytes()).pairs;
    let pending = take_pending(&session);
    let (code, state) = provider_answer(&pairs)?;
    let pending = pending.ok_or_else(|| AppError::LoginFailed(NOTHING_PENDING.to_string()))?;
    let identity = oidc.complete(pending, code, state).await?;
    let id_token = identity.id_token.clone();
    let (user_id, organisation_id) = accounts::sign_in_identity(&app, identity).await?;
    look_up_companies_later(&app);
    session::sign_in(&app, &session, user_id, SignIn::IdentityProvider).await?;
    session::choose_organisation(&session, organisation_id)?;
    session
        .insert(ID_TOKEN_KEY, id_token)
        .map_err(session::stored)?;
    tracing::info!(user = user_id, "signed in with the identity provider");
    Ok(super::see_other("/demandes"))
}

const NOTHING_PENDING: &str =
    "Aucune connexion n'était en cours dans ce navigateur (lien déjà utilisé ou expiré).";

/// Refuses sign-in attempts beyond the allowed rate for the caller's address (counted by every
/// instance together on PostgreSQL).
pub async fn check_rate(app: &App, req: &HttpRequest) -> Result<(), AppError> {
    let ip = crate::web::client_address(app, req);
    let at = chrono::Utc::now().timestamp();
    let scope = crate::services::throttle::Scope::SignIn;
    if crate::services::throttle::allow(app, scope, ip.to_string(), at).await? {
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
    Form(form): Form<OrganisationForm>,
) -> Result<HttpResponse, AppError> {
    let id = form.organisation_id.and_then(|v| v.parse::<i64>().ok());
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
