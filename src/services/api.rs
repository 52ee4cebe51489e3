//! The rights API: what a provider's system may ask about the rights it granted. Every
//! answer is limited to the provider whose token asks.

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Value, json};

use crate::domain::rights::GrantRecord;

use crate::db::api::{self, Filters, Row};
use crate::db::events;
use crate::domain::api_scope::ApiScope;
use crate::domain::demande::public_id;

pub use super::tokens::{create_token, create_token_as, revoke_token, revoke_token_as, tokens_for};
use super::{App, now};

/// Why the rights API refuses a request. Only the web layer gives each a status and a JSON
/// body; an internal error keeps its cause, logged there once.
#[derive(Debug, thiserror::Error)]
pub enum ApiRefusal {
    /// Too many invalid tokens from the caller's address.
    #[error("trop de jetons invalides depuis cette adresse")]
    TooManyInvalidTokens,
    /// Too many requests with one token.
    #[error("trop de requêtes pour ce jeton")]
    TooManyRequests,
    #[error("jeton absent, invalide ou révoqué")]
    Unauthorized,
    /// The token's provider is no longer in the catalogue.
    #[error("fournisseur retiré")]
    ProviderWithdrawn,
    /// The token was not made to read this.
    #[error("portée absente : {}", .0.as_str())]
    ScopeMissing(ApiScope),
    /// Unknown, or not this provider's.
    #[error("introuvable")]
    NotFound,
    /// A filter or an identifier that cannot be read, with a French message.
    #[error("{0}")]
    BadRequest(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Who asks: the token's provider, and the token (its reads are recorded).
#[derive(Debug, Clone)]
pub struct Caller {
    pub provider: String,
    pub token_id: i64,
}

/// Records what a read returned: the public ids in the answer (a habilitation's, a list's
/// items', an organisation's habilitations', a demande's), in the same transaction-less write
/// as the read; a read that cannot be recorded is not answered.
pub async fn record_read(
    app: &App,
    caller: &Caller,
    route: &'static str,
    answer: &Value,
) -> Result<(), ApiRefusal> {
    let returned = returned_ids(answer).join(" ");
    let (token, provider) = (caller.token_id, caller.provider.clone());
    app.db
        .run(move |conn| {
            Ok::<_, anyhow::Error>(api::record_read(
                conn,
                token,
                &provider,
                route,
                &returned,
                now(),
            )?)
        })
        .await
        .map_err(ApiRefusal::Internal)
}

/// The public ids an answer holds, at its top and one level down.
fn returned_ids(answer: &Value) -> Vec<String> {
    let own = answer.get("public_id").and_then(Value::as_str);
    let listed = ["items", "habilitations"]
        .iter()
        .filter_map(|key| answer.get(*key).and_then(Value::as_array))
        .flatten()
        .filter_map(|item| item.get("public_id").and_then(Value::as_str));
    own.into_iter().chain(listed).map(str::to_string).collect()
}

/// Deletes the records of reads older than the configured age; returns how many went.
pub async fn purge_reads(app: &App, at: NaiveDateTime) -> Result<usize, crate::error::AppError> {
    let before = at - chrono::Duration::days(app.settings.api_reads_retention_days);
    app.db
        .run(move |conn| Ok::<_, crate::error::AppError>(api::purge_reads(conn, before)?))
        .await
}

/// The newest reads of the providers this person manages.
pub async fn reads_for(
    app: &App,
    current: &super::accounts::CurrentUser,
) -> Result<Vec<api::ReadRow>, crate::error::AppError> {
    let providers = super::roles::managed_providers(app, current);
    app.db
        .run(move |conn| Ok::<_, crate::error::AppError>(api::reads(conn, &providers, 100)?))
        .await
}

/// The provider a bearer token speaks for. `client` is the caller's address: one that keeps
/// sending invalid tokens is turned away before its tokens are looked up.
pub async fn authenticate(
    app: &App,
    authorization: Option<&str>,
    client: std::net::IpAddr,
    needs: ApiScope,
) -> Result<Caller, ApiRefusal> {
    let at = chrono::Utc::now().timestamp();
    if app.api_failures.blocked(&client, at) {
        tracing::warn!(%client, "too many invalid API tokens");
        return Err(ApiRefusal::TooManyInvalidTokens);
    }
    let token = authorization
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() < 200);
    // No token costs no lookup: only tokens looked up in vain count against the address.
    let Some(token) = token else {
        return Err(ApiRefusal::Unauthorized);
    };
    let digest = super::sha256_hex(token);
    let allowed = super::throttle::allow(app, super::throttle::Scope::Api, digest.clone(), at)
        .await
        .map_err(|e| ApiRefusal::Internal(anyhow::anyhow!("{e}")))?;
    if !allowed {
        return Err(ApiRefusal::TooManyRequests);
    }
    let provider = app
        .db
        .run(move |conn| Ok::<_, anyhow::Error>(api::use_token(conn, &digest, now())?))
        .await
        .map_err(ApiRefusal::Internal)?;
    let Some((token_id, provider, scopes)) = provider else {
        app.api_failures.failed(client, at);
        return Err(ApiRefusal::Unauthorized);
    };
    // A token outlives its provider's withdrawal from the catalogue, but opens nothing.
    if app.catalog.get(&provider).is_none() {
        return Err(ApiRefusal::ProviderWithdrawn);
    }
    if !ApiScope::parse_list(&scopes).contains(&needs) {
        return Err(ApiRefusal::ScopeMissing(needs));
    }
    Ok(Caller { provider, token_id })
}

fn habilitation_json(app: &App, (h, (siret, organisation)): &Row, at: NaiveDateTime) -> Value {
    // Actions, filters and maximum level granted, for a provider that declares them.
    let rights = app
        .catalog
        .get(&h.provider)
        .filter(|p| !p.form.rights.is_empty())
        .map(|p| GrantRecord::of(&p.form.rights, &super::rights::granted(p, h)));
    json!({
        "id": h.id,
        "public_id": h.public_id().to_string(),
        "demande_id": h.demande_id,
        "demande_public_id": public_id(h.demande_id),
        "state": h.standing_at(at).as_str(),
        "organisation": { "siret": siret, "name": organisation },
        "scopes": serde_json::from_str::<Value>(&h.scopes).unwrap_or_default(),
        "rights": rights,
        "granted_at": h.granted_at.and_utc().to_rfc3339(),
        "expires_at": h.expires_at.and_utc().to_rfc3339(),
        "token_id": h.token_id,
    })
}

const PER_PAGE: i64 = 100;

/// A SIRET to look for: 14 digits, spaces allowed. Its check digit is not asked of a search
/// (as the OpenAPI document says): a SIRET nobody has finds nothing.
pub fn siret_filter(raw: &str) -> Result<String, ApiRefusal> {
    let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 14 && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(ApiRefusal::BadRequest(
            "siret : 14 chiffres attendus.".to_string(),
        ))
    }
}

/// `GET /api/v1/habilitations`, from the query's pairs.
pub async fn habilitations(
    app: &App,
    provider: String,
    pairs: &[(String, String)],
) -> Result<Value, ApiRefusal> {
    // A filter given empty is a filter given wrong: each says why below.
    let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim());
    let bad = ApiRefusal::BadRequest;
    let mut f = Filters::default();
    if let Some(siret) = get("siret") {
        f.siret = Some(siret_filter(siret)?);
    }
    if let Some(state) = get("state") {
        if !["active", "expired", "revoked", "obsolete"].contains(&state) {
            return Err(bad(format!(
                "state : « {} » inconnu (active, expired, revoked ou obsolete).",
                state.chars().take(40).collect::<String>()
            )));
        }
        f.state = Some(state.to_string());
    }
    if let Some(scope) = get("scope") {
        if scope.is_empty()
            || scope.len() > 100
            || !scope.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(bad("scope : identifiant de donnée invalide.".to_string()));
        }
        f.scope = Some(scope.to_string());
    }
    if let Some(since) = get("updated_since") {
        let date = NaiveDate::parse_from_str(since, "%Y-%m-%d")
            .map_err(|_| bad("updated_since : date au format AAAA-MM-JJ attendue.".to_string()))?;
        f.granted_since = date.and_hms_opt(0, 0, 0);
    }
    let page = match get("page") {
        None => 1,
        Some(p) => p
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=10_000).contains(p))
            .ok_or_else(|| bad("page : nombre entier entre 1 et 10000 attendu.".to_string()))?,
    };
    let at = now();
    let rows = app
        .db
        .run(move |conn| {
            Ok::<_, anyhow::Error>(api::habilitations(
                conn,
                &provider,
                &f,
                at,
                (page - 1) * PER_PAGE,
                PER_PAGE + 1,
            )?)
        })
        .await
        .map_err(ApiRefusal::Internal)?;
    let more = rows.len() as i64 > PER_PAGE;
    let items: Vec<Value> = rows
        .iter()
        .take(PER_PAGE as usize)
        .map(|r| habilitation_json(app, r, at))
        .collect();
    Ok(json!({ "page": page, "per_page": PER_PAGE, "has_more": more, "items": items }))
}

pub async fn habilitation(app: &App, provider: String, id: i64) -> Result<Value, ApiRefusal> {
    let at = now();
    let row = app
        .db
        .run(move |conn| Ok::<_, anyhow::Error>(api::habilitation(conn, &provider, id)?))
        .await
        .map_err(ApiRefusal::Internal)?;
    row.map(|r| habilitation_json(app, &r, at))
        .ok_or(ApiRefusal::NotFound)
}

pub async fn demande(app: &App, provider: String, id: i64) -> Result<Value, ApiRefusal> {
    let found = app
        .db
        .run(move |conn| {
            let Some(d) = api::demande(conn, &provider, id)? else {
                return Ok::<_, anyhow::Error>(None);
            };
            let timeline = events::for_demande(conn, id)?;
            let files = crate::db::attachments::for_demande(conn, id)?;
            let active = crate::db::habilitations::active_for(conn, id)?;
            Ok(Some((d, timeline, files, active)))
        })
        .await
        .map_err(ApiRefusal::Internal)?;
    let (d, timeline, files, active) = found.ok_or(ApiRefusal::NotFound)?;
    // Fields marked above the demande's level are withheld, and named.
    let (answers, withheld) = match app.catalog.get(&d.provider) {
        Some(p) => super::rights::readable_answers(p, &d.answers, active.as_ref()),
        None => (
            serde_json::from_str::<Value>(&d.answers).unwrap_or_default(),
            vec![],
        ),
    };
    Ok(json!({
        "id": d.id,
        "public_id": public_id(d.id),
        "state": d.state,
        "provider": d.provider,
        "organisation": { "siret": d.siret, "name": d.organisation_name },
        "applicant": { "email": d.applicant_email },
        "scopes": serde_json::from_str::<Value>(&d.scopes).unwrap_or_default(),
        "answers": answers,
        "withheld": withheld,
        // The procedure's stage, and the validated demande of the stage before.
        "stage": d.stage,
        "follows": d.previous_id.map(public_id),
        // Attached files as the answers name them (`<id>:<name>`), with what proves them.
        "attachments": files.iter().map(|a| json!({
            "id": a.id, "field": a.field, "name": a.name, "content_type": a.content_type,
            "size": a.size_bytes, "sha256": a.sha256,
            "added_at": a.added_at.and_utc().to_rfc3339(),
            "deleted": a.deleted_at.is_some(),
        })).collect::<Vec<_>>(),
        "events": timeline.iter().map(|(e, _)| json!({
            "name": e.name, "from": e.from_state, "to": e.to_state, "reason": e.reason,
            "at": e.created_at.and_utc().to_rfc3339(),
        })).collect::<Vec<_>>(),
    }))
}

/// Active scopes of an organisation right now, with each habilitation's end.
pub async fn rights(app: &App, provider: String, siret: &str) -> Result<Value, ApiRefusal> {
    let siret = siret_filter(siret)?;
    let f = Filters {
        siret: Some(siret.clone()),
        state: Some("active".to_string()),
        ..Filters::default()
    };
    let at = now();
    let rows = app
        .db
        .run(move |conn| {
            Ok::<_, anyhow::Error>(api::habilitations(conn, &provider, &f, at, 0, 1000)?)
        })
        .await
        .map_err(ApiRefusal::Internal)?;
    let mut scopes: Vec<String> = rows
        .iter()
        .flat_map(|(h, _)| serde_json::from_str::<Vec<String>>(&h.scopes).unwrap_or_default())
        .collect();
    scopes.sort();
    scopes.dedup();
    Ok(json!({
        "siret": siret,
        "scopes": scopes,
        "habilitations": rows.iter().map(|r| habilitation_json(app, r, at)).collect::<Vec<_>>(),
    }))
}
