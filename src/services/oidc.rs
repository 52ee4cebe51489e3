//! Sign-in with OpenID Connect (ProConnect-compatible): discovery, authorization code flow with
//! PKCE, state and nonce checked, ID token verified (signature, issuer, audience, expiry),
//! userinfo read as JSON or as a signed JWT. The `siret` claim creates or joins the organisation.

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreGenderClaim};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndSessionUrl,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, LogoutRequest, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl,
    ProviderMetadataWithLogout, RedirectUrl, Scope, TokenResponse, UserInfoClaims,
};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use crate::config::Settings;
use crate::error::AppError;

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// ProConnect's own claims.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProConnectClaims {
    pub siret: Option<String>,
    pub usual_name: Option<String>,
}

impl AdditionalClaims for ProConnectClaims {}

/// The configured identity provider.
pub struct Oidc {
    client: Client,
    http: reqwest::Client,
    scopes: Vec<String>,
    end_session: Option<EndSessionUrl>,
    post_logout: Option<PostLogoutRedirectUrl>,
}

/// What an authorization request leaves in the session, to check the callback against.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    pub state: String,
    pub nonce: String,
    pub verifier: String,
}

/// Who the identity provider says signed in.
#[derive(Debug, Clone)]
pub struct Identity {
    pub subject: String,
    pub email: String,
    pub given_name: String,
    pub family_name: String,
    pub siret: String,
    pub id_token: String,
}

fn failed(message: impl Into<String>) -> AppError {
    AppError::LoginFailed(message.into())
}

impl Oidc {
    /// Discovers the provider; None when no issuer is configured. A configured issuer that
    /// cannot be reached stops start-up with a clear message.
    pub async fn from_settings(settings: &Settings) -> anyhow::Result<Option<Oidc>> {
        let Some(config) = &settings.oidc else {
            return Ok(None);
        };
        // Redirects are never followed: an OpenID provider has no reason to send them.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()?;
        let issuer = IssuerUrl::new(config.issuer.clone()).map_err(|e| {
            anyhow::anyhow!("HABILIS_OIDC_ISSUER « {} » invalide : {e}", config.issuer)
        })?;
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &http)
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "fournisseur d'identité « {} » injoignable ou invalide : {e}",
                    config.issuer
                )
            })?;
        let end_session = metadata.additional_metadata().end_session_endpoint.clone();
        let redirect = RedirectUrl::new(config.redirect_url.clone())
            .map_err(|e| anyhow::anyhow!("HABILIS_OIDC_REDIRECT_URL invalide : {e}"))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(config.client_id.clone()),
            Some(ClientSecret::new(
                config.client_secret.expose_secret().to_string(),
            )),
        )
        .set_redirect_uri(redirect);
        let post_logout = PostLogoutRedirectUrl::new(config.post_logout_url.clone()).ok();
        Ok(Some(Oidc {
            client,
            http,
            scopes: config.scopes.clone(),
            end_session,
            post_logout,
        }))
    }

    /// Where to send the browser, and what to remember until it comes back.
    pub fn authorize(&self) -> (String, Pending) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = self.client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        for scope in self.scopes.iter().filter(|s| s.as_str() != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        let pending = Pending {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            verifier: verifier.secret().clone(),
        };
        (url.to_string(), pending)
    }

    /// Checks the callback and reads who signed in.
    pub async fn complete(
        &self,
        pending: Pending,
        code: &str,
        state: &str,
    ) -> Result<Identity, AppError> {
        if !constant_time_eq(pending.state.as_bytes(), state.as_bytes()) {
            return Err(failed(
                "La réponse du fournisseur d'identité ne correspond pas à votre demande de connexion (paramètre state).",
            ));
        }
        let token = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| failed(format!("fournisseur mal configuré : {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| failed(format!("Le code de connexion a été refusé ({e}).")))?;
        let id_token = token.id_token().ok_or_else(|| {
            failed("Le fournisseur d'identité n'a pas renvoyé de jeton d'identité.")
        })?;
        let claims = id_token
            .claims(&self.client.id_token_verifier(), &Nonce::new(pending.nonce))
            .map_err(|e| failed(format!("Le jeton d'identité est invalide ({e}).")))?;
        let subject = claims.subject().clone();
        let info: UserInfoClaims<ProConnectClaims, CoreGenderClaim> = self
            .client
            .user_info(token.access_token().to_owned(), Some(subject.clone()))
            .map_err(|e| failed(format!("fournisseur mal configuré : {e}")))?
            .request_async(&self.http)
            .await
            .map_err(|e| {
                failed(format!(
                    "Les informations de votre compte n'ont pas pu être lues ({e})."
                ))
            })?;
        let email = info
            .email()
            .map(|e| e.as_str().to_string())
            .ok_or_else(|| failed("Votre adresse électronique n'a pas été transmise."))?;
        let given_name = info
            .given_name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_string())
            .unwrap_or_default();
        let family_name = info
            .additional_claims()
            .usual_name
            .clone()
            .or_else(|| {
                info.family_name()
                    .and_then(|n| n.get(None))
                    .map(|n| n.as_str().to_string())
            })
            .unwrap_or_default();
        let siret = info
            .additional_claims()
            .siret
            .clone()
            .ok_or_else(|| failed("Aucun SIRET n'a été transmis pour votre organisation."))?;
        Ok(Identity {
            subject: subject.as_str().to_string(),
            email,
            given_name,
            family_name,
            siret,
            id_token: id_token.to_string(),
        })
    }

    /// The origin of the provider's end-session endpoint (`https://host[:port]`): signing out
    /// is a form whose answer redirects there, so the CSP's `form-action` must allow it.
    pub fn end_session_origin(&self) -> Option<String> {
        let url = self.end_session.as_ref()?.url();
        match url.origin() {
            openidconnect::url::Origin::Tuple(..) => Some(url.origin().ascii_serialization()),
            openidconnect::url::Origin::Opaque(_) => None,
        }
    }

    /// The provider's logout address for this ID token, when it has one.
    pub fn logout_url(&self, id_token: &str) -> Option<String> {
        let end = self.end_session.clone()?;
        let hint = openidconnect::core::CoreIdToken::from_str_token(id_token)?;
        let mut request = LogoutRequest::from(end)
            .set_id_token_hint(&hint)
            .set_state(CsrfToken::new_random());
        if let Some(post) = &self.post_logout {
            request = request.set_post_logout_redirect_uri(post.clone());
        }
        Some(request.http_get_url().to_string())
    }
}

trait FromStrToken: Sized {
    fn from_str_token(raw: &str) -> Option<Self>;
}

impl FromStrToken for openidconnect::core::CoreIdToken {
    fn from_str_token(raw: &str) -> Option<Self> {
        raw.parse().ok()
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
