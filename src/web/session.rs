//! Who is signed in, from the encrypted session cookie.

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::error::AppError;
use crate::services::App;
use crate::services::accounts::CurrentUser;
use crate::services::audit::SignIn;
use crate::services::sessions;

const USER_KEY: &str = "user_id";
/// The token of the server-side session record (only its hash is stored).
const TOKEN_KEY: &str = "sid";
/// When the person signed in, and when the session was last used (Unix seconds).
const ISSUED_KEY: &str = "issued";
const SEEN_KEY: &str = "seen";
/// The organisation chosen in the header.
const ORG_KEY: &str = "organisation";

/// The signed-in person, if any.
pub struct MaybeUser(pub Option<CurrentUser>);

/// The signed-in person; anonymous visitors are sent to the login page.
pub struct SignedIn(pub CurrentUser);

/// The method and path of a request, for the read-only rule of an admin's view.
pub(crate) type Asked = (String, String);

pub(crate) fn asked(req: &HttpRequest) -> Asked {
    (req.method().as_str().to_string(), req.path().to_string())
}

pub(crate) async fn current(
    session: Session,
    app: Option<web::Data<App>>,
    (method, path): Asked,
) -> Result<Option<CurrentUser>, AppError> {
    let app =
        app.ok_or_else(|| AppError::Internal(anyhow::anyhow!("état de l'application absent")))?;
    let Some(user_id) = session.get::<i64>(USER_KEY).ok().flatten() else {
        return Ok(None);
    };
    // Idle timeout and absolute lifetime: an expired session is a signed-out one.
    let now = chrono::Utc::now().timestamp();
    let issued = session.get::<i64>(ISSUED_KEY).ok().flatten().unwrap_or(0);
    let seen = session.get::<i64>(SEEN_KEY).ok().flatten().unwrap_or(0);
    if now - issued >= app.settings.session_max_seconds
        || now - seen >= app.settings.session_idle_seconds
    {
        expire(&app, &session).await?;
        return Ok(None);
    }
    if now - seen >= 60 {
        let _ = session.insert(SEEN_KEY, now);
    }
    let chosen = session.get::<i64>(ORG_KEY).ok().flatten();
    // A copied cookie outlives nothing: the session must still be live on the server.
    let Some(token) = session.get::<String>(TOKEN_KEY).ok().flatten() else {
        expire(&app, &session).await?;
        return Ok(None);
    };
    let user = sessions::resume(&app, user_id, token, chosen).await?;
    if user.is_none() {
        expire(&app, &session).await?;
    }
    // An admin seeing the portal as someone else reads only.
    if let Some(viewed) = user.as_ref().filter(|u| u.viewing.is_some())
        && !crate::domain::support::allowed_while_viewing(&method, &path)
    {
        return Err(AppError::ForbiddenBecause(format!(
            "Vous voyez habilis comme {}, en lecture seule : aucune action n'est possible dans ce mode. Quittez-le depuis le bandeau en haut de la page pour agir de nouveau.",
            viewed.user.full_name().trim()
        )));
    }
    Ok(user)
}

/// The token of this session, for what acts on its server-side record.
pub fn token(session: &Session) -> Option<String> {
    session.get::<String>(TOKEN_KEY).ok().flatten()
}

/// An expired session is ended on the server too (a copy of the cookie dies with it), and the
/// person is signed out here; the CSRF token and the identity provider's ID token stay, so the
/// sign-out form still works and still reaches the provider.
async fn expire(app: &App, session: &Session) -> Result<(), AppError> {
    if let Some(token) = session.get::<String>(TOKEN_KEY).ok().flatten() {
        sessions::expire(app, token).await?;
    }
    for key in [USER_KEY, TOKEN_KEY, ISSUED_KEY, SEEN_KEY, ORG_KEY] {
        session.remove(key);
    }
    Ok(())
}

impl FromRequest for MaybeUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let app = req.app_data::<web::Data<App>>().cloned();
        let asked = asked(req);
        Box::pin(async move { current(session, app, asked).await.map(MaybeUser) })
    }
}

impl FromRequest for SignedIn {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let app = req.app_data::<web::Data<App>>().cloned();
        let asked = asked(req);
        Box::pin(async move {
            current(session, app, asked)
                .await?
                .map(SignedIn)
                .ok_or(AppError::Unauthenticated)
        })
    }
}

/// A value the session could not store, its cause kept.
pub fn stored(e: actix_session::SessionInsertError) -> AppError {
    AppError::Internal(anyhow::Error::new(e).context("session"))
}

/// Starts a fresh session for the user (a new cookie: no session fixation), recorded on the
/// server so that signing out ends it for good.
pub async fn sign_in(
    app: &App,
    session: &Session,
    user_id: i64,
    how: SignIn,
) -> Result<(), AppError> {
    let token = sessions::start(app, user_id, how).await?;
    session.renew();
    session.clear();
    let now = chrono::Utc::now().timestamp();
    session.insert(USER_KEY, user_id).map_err(stored)?;
    session.insert(TOKEN_KEY, token).map_err(stored)?;
    session.insert(ISSUED_KEY, now).map_err(stored)?;
    session.insert(SEEN_KEY, now).map_err(stored)
}

/// Remembers the organisation the person acts for (checked against their memberships on use).
pub fn choose_organisation(session: &Session, organisation_id: i64) -> Result<(), AppError> {
    session.insert(ORG_KEY, organisation_id).map_err(stored)
}

/// Ends this session (or all of the person's) on the server, then clears the cookie.
pub async fn sign_out(
    app: &App,
    session: &Session,
    current: Option<&CurrentUser>,
    everywhere: bool,
) -> Result<(), AppError> {
    if let Some(current) = current {
        let token = session.get::<String>(TOKEN_KEY).ok().flatten();
        sessions::end(app, current, token, everywhere).await?;
    }
    session.purge();
    Ok(())
}
