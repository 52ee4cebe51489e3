//! Webhooks: the provider's systems hear of each event they asked for, through the outbox,
//! in the transaction of the event. The body is signed when sent (the secret is never stored).

use chrono::NaiveDateTime;
use serde_json::json;

use crate::catalog::Provider;
use crate::db::models::Demande;
use crate::db::outbox::{self, NewEmail};
use crate::db::{DbConnection, habilitations};
use crate::domain::demande::{Event, State, public_id};
use crate::error::AppError;

use super::notify::Links;

/// The JSON a provider's system receives.
pub fn payload(
    provider: &Provider,
    demande: &Demande,
    event: Event,
    state: State,
    habs: &[crate::db::models::Habilitation],
    applicant: Option<&crate::db::models::User>,
    at: NaiveDateTime,
) -> serde_json::Value {
    let answers: serde_json::Value = serde_json::from_str(&demande.answers).unwrap_or_default();
    let scopes: serde_json::Value = serde_json::from_str(&demande.scopes).unwrap_or_default();
    json!({
        "event": event.as_str(),
        "fired_at": at.and_utc().to_rfc3339(),
        "model_type": format!("demande/{}", provider.slug),
        "data": {
            "id": demande.id,
            "public_id": public_id(demande.id),
            "state": state.as_str(),
            "provider": provider.slug,
            "organisation": { "siret": demande.siret, "name": demande.organisation_name },
            "applicant": {
                "email": demande.applicant_email,
                "given_name": applicant.map(|u| u.given_name.as_str()),
                "family_name": applicant.map(|u| u.family_name.as_str()),
            },
            "scopes": scopes,
            "answers": answers,
            "habilitations": habs.iter().map(|h| json!({
                "id": h.id,
                "public_id": h.public_id().to_string(),
                "state": h.standing_at(at).as_str(),
                "scopes": serde_json::from_str::<serde_json::Value>(&h.scopes).unwrap_or_default(),
                "granted_at": h.granted_at.and_utc().to_rfc3339(),
                "expires_at": h.expires_at.and_utc().to_rfc3339(),
                "token_id": h.token_id,
            })).collect::<Vec<_>>(),
        }
    })
}

/// Queues the webhook of an event, when the provider asked for it and its URL is set.
pub fn enqueue(
    conn: &mut DbConnection,
    links: &Links,
    provider: &Provider,
    demande: &Demande,
    event: Event,
    state: State,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let Some(hook) = &provider.webhook else {
        return Ok(());
    };
    if !hook.events.iter().any(|e| e == event.as_str()) {
        return Ok(());
    }
    let Some(url) = links.webhook_env.get(&hook.url_env) else {
        tracing::warn!(provider = %provider.slug, variable = %hook.url_env, "webhook URL not set: event not sent");
        return Ok(());
    };
    let habs = habilitations::for_demande(conn, demande.id)?;
    let applicant = crate::db::users::find(conn, demande.applicant_id)?;
    let body = payload(
        provider,
        demande,
        event,
        state,
        &habs,
        applicant.as_ref(),
        at,
    )
    .to_string();
    outbox::insert(
        conn,
        &NewEmail {
            kind: "webhook",
            topic: event.as_str(),
            demande_id: Some(demande.id),
            recipient: url,
            // The name of the variable holding the secret: the worker signs with its value.
            subject: &hook.secret_env,
            body_text: &body,
            body_html: "",
            unsubscribe_url: None,
            attempts: 0,
            next_attempt_at: at,
            created_at: at,
        },
    )?;
    Ok(())
}

/// Delivery attempts of a demande's webhooks, for its instructors and managers.
pub async fn attempts(
    app: &super::App,
    current: &super::accounts::CurrentUser,
    demande_id: i64,
) -> Result<Vec<crate::db::webhooks::Attempt>, AppError> {
    let file = super::instruction::find(app, current, demande_id).await?;
    if !super::instruction::can_instruct(current, &file.demande) {
        return Ok(vec![]);
    }
    app.db
        .run(move |conn| Ok(crate::db::webhooks::for_demande(conn, demande_id)?))
        .await
}

/// What a test delivery got back.
#[derive(Debug)]
pub struct TestDelivery {
    pub url: String,
    pub status: Option<u16>,
    pub response: String,
}

/// Sends a signed test payload to a provider's webhook (`habilis webhooks test`).
pub async fn send_test(app: &super::App, provider: &str) -> anyhow::Result<TestDelivery> {
    let provider = app
        .catalog
        .get(provider)
        .ok_or_else(|| anyhow::anyhow!("fournisseur inconnu « {provider} »"))?;
    let hook = provider
        .webhook
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("{} n'a pas de section [webhook]", provider.slug))?;
    let url = app
        .links
        .webhook_env
        .get(&hook.url_env)
        .ok_or_else(|| anyhow::anyhow!("variable {} non définie", hook.url_env))?;
    let secret = app
        .links
        .webhook_env
        .get(&hook.secret_env)
        .ok_or_else(|| anyhow::anyhow!("variable {} non définie", hook.secret_env))?;
    let now = super::now();
    let body = json!({"event": "test", "test": true, "fired_at": now.and_utc().to_rfc3339(), "model_type": format!("demande/{}", provider.slug)}).to_string();
    let row = crate::db::outbox::OutboxRow {
        id: 0,
        kind: "webhook".into(),
        topic: "test".into(),
        demande_id: None,
        recipient: url.clone(),
        subject: hook.secret_env.clone(),
        body_text: body,
        body_html: String::new(),
        unsubscribe_url: None,
        attempts: 1,
        next_attempt_at: now,
        locked_until: None,
        last_error: None,
        delivered_at: None,
        failed_at: None,
        created_at: now,
    };
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(15))
        .build()?;
    let answer = crate::outbox::webhook::post(&client, &row, secret).await;
    Ok(TestDelivery {
        url: url.clone(),
        status: answer.status,
        response: answer.response,
    })
}

/// Providers whose webhooks the person follows: those they instruct (managers included).
fn instructed(app: &super::App, current: &super::accounts::CurrentUser) -> Vec<String> {
    app.catalog
        .all()
        .iter()
        .filter(|p| {
            current
                .actor
                .has_role(&p.slug, crate::domain::policy::Role::Instructor)
        })
        .map(|p| p.slug.clone())
        .collect()
}

/// Recent deliveries, for the providers the person instructs.
pub async fn deliveries(
    app: &super::App,
    current: &super::accounts::CurrentUser,
) -> Result<Vec<(crate::db::outbox::OutboxRow, String)>, AppError> {
    let providers = instructed(app, current);
    if providers.is_empty() {
        return Err(AppError::Forbidden);
    }
    app.db
        .run(move |conn| Ok(crate::db::webhooks::deliveries(conn, &providers, 200)?))
        .await
}

/// Sends a delivery again, for an instructor of its provider.
pub async fn replay(
    app: &super::App,
    current: &super::accounts::CurrentUser,
    outbox_id: i64,
) -> Result<(), AppError> {
    let provider = app
        .db
        .run(move |conn| Ok::<_, AppError>(crate::db::webhooks::provider_of(conn, outbox_id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    if !instructed(app, current).contains(&provider) {
        return Err(AppError::Forbidden);
    }
    let (key, actor) = (app.settings.audit_key.clone(), current.user.email.clone());
    app.db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                crate::db::webhooks::replay(conn, outbox_id, super::now())?;
                let new = serde_json::json!({ "provider": provider }).to_string();
                let resource = format!("outbox:{outbox_id}");
                super::audit::record(
                    conn,
                    &key,
                    &actor,
                    "webhook.replay",
                    &resource,
                    None,
                    Some(&new),
                )
            })
        })
        .await
}
