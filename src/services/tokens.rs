//! Rights-API tokens: made (shown once, stored hashed, with their scopes) and revoked, by an
//! operator on the command line or a provider's manager; each change audited.

use serde_json::json;

use crate::db::{api, write_transaction};
use crate::domain::api_scope::ApiScope;

use super::{App, audit, now};

/// A new token for a provider, by an operator on the command line: returned once, only its
/// hash is kept.
pub async fn create_token(
    app: &App,
    provider: &str,
    name: &str,
    scopes: &[ApiScope],
) -> anyhow::Result<(i64, String)> {
    create_token_by(app, audit::CLI, provider, name, scopes).await
}

/// A new token, audited as created by `actor`.
async fn create_token_by(
    app: &App,
    actor: &str,
    provider: &str,
    name: &str,
    scopes: &[ApiScope],
) -> anyhow::Result<(i64, String)> {
    anyhow::ensure!(
        app.catalog.get(provider).is_some(),
        "fournisseur inconnu « {provider} »"
    );
    anyhow::ensure!(!scopes.is_empty(), "un jeton lit au moins une chose");
    let scopes = ApiScope::to_list(scopes);
    let token = format!("hab_{}", crate::config::random_key());
    let (digest, provider, name) = (
        super::sha256_hex(&token),
        provider.to_string(),
        name.to_string(),
    );
    let (key, actor) = (app.settings.audit_key.clone(), actor.to_string());
    let id = app
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let id = api::insert_token(conn, &provider, &name, &digest, &scopes, now())?;
                // The name, provider and scopes, never the token or its hash.
                let new =
                    json!({ "provider": provider, "name": name, "scopes": scopes }).to_string();
                let resource = format!("api_token:{id}");
                audit::record(
                    conn,
                    &key,
                    &actor,
                    "api_token.create",
                    &resource,
                    None,
                    Some(&new),
                )?;
                Ok::<_, crate::error::AppError>(id)
            })
        })
        .await?;
    Ok((id, token))
}

/// Revokes a token, by an operator on the command line; false when no active token has this id.
pub async fn revoke_token(app: &App, id: i64) -> anyhow::Result<bool> {
    revoke_token_by(app, audit::CLI, id).await
}

async fn revoke_token_by(app: &App, actor: &str, id: i64) -> anyhow::Result<bool> {
    let (key, actor) = (app.settings.audit_key.clone(), actor.to_string());
    Ok(app
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                if api::revoke_token(conn, id, now())? != 1 {
                    return Ok::<_, crate::error::AppError>(false);
                }
                let resource = format!("api_token:{id}");
                let new = json!({ "revoked": true }).to_string();
                audit::record(
                    conn,
                    &key,
                    &actor,
                    "api_token.revoke",
                    &resource,
                    None,
                    Some(&new),
                )?;
                Ok(true)
            })
        })
        .await?)
}

/// Tokens of the providers the person manages.
pub async fn tokens_for(
    app: &App,
    current: &super::accounts::CurrentUser,
) -> Result<Vec<crate::db::api::TokenRow>, crate::error::AppError> {
    let providers = super::roles::managed_providers(app, current);
    if providers.is_empty() {
        return Err(crate::error::AppError::Forbidden);
    }
    app.db
        .run(move |conn| Ok(api::tokens(conn, &providers)?))
        .await
}

/// A token created by a manager of the provider (or an admin).
pub async fn create_token_as(
    app: &App,
    current: &super::accounts::CurrentUser,
    provider: &str,
    name: &str,
    scopes: &[ApiScope],
) -> Result<String, crate::error::AppError> {
    use crate::error::AppError;
    if app.catalog.get(provider).is_none() {
        return Err(AppError::Unprocessable(format!(
            "Le fournisseur de données « {} » n'existe pas.",
            provider.chars().take(60).collect::<String>()
        )));
    }
    if !crate::domain::policy::can_manage_roles(&current.actor, provider) {
        return Err(AppError::Forbidden);
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::Unprocessable(
            "Donnez au jeton un nom de 1 à 100 caractères (le système qui l'utilise).".to_string(),
        ));
    }
    if scopes.is_empty() {
        return Err(AppError::Unprocessable(
            "Cochez au moins une chose que ce jeton pourra lire.".to_string(),
        ));
    }
    create_token_by(app, &current.user.email, provider, name, scopes)
        .await
        .map(|(_, token)| token)
        .map_err(AppError::Internal)
}

/// Revokes a token of a provider the person manages.
pub async fn revoke_token_as(
    app: &App,
    current: &super::accounts::CurrentUser,
    id: i64,
) -> Result<(), crate::error::AppError> {
    use crate::error::AppError;
    let provider = app
        .db
        .run(move |conn| Ok::<_, AppError>(api::token_provider(conn, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    if !crate::domain::policy::can_manage_roles(&current.actor, &provider) {
        return Err(AppError::Forbidden);
    }
    revoke_token_by(app, &current.user.email, id)
        .await
        .map_err(AppError::Internal)?;
    Ok(())
}
