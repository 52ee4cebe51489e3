//! Webhooks queued: the provider's systems hear of each event they asked for, through the
//! outbox, in the transaction of the event. The body is signed when sent (the secret is never
//! stored). Only the persist module queues them.

use chrono::NaiveDateTime;
use serde_json::json;

use crate::catalog::Provider;
use crate::db::models::Demande;
use crate::db::outbox::{self, Kind, NewOutboxRow};
use crate::db::{DbConnection, habilitations};
use crate::domain::demande::{Event, State, public_id};
use crate::domain::rights::GrantRecord;
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
    // Fields marked above the demande's level are withheld, and named.
    let active = habs
        .iter()
        .find(|h| h.standing_at(at) == crate::domain::habilitation::Standing::Active);
    let (answers, withheld) = super::rights::readable_answers(provider, &demande.answers, active);
    let scopes: serde_json::Value = serde_json::from_str(&demande.scopes).unwrap_or_default();
    // Granted versus asked: the actions, filters and level of each, for a provider that
    // declares them.
    let rights = &provider.form.rights;
    let declared = !rights.is_empty();
    let asked = declared
        .then(|| GrantRecord::of(rights, &super::rights::asked(provider, &demande.answers)));
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
            "rights_asked": asked,
            "answers": answers,
            "withheld": withheld,
            "habilitations": habs.iter().map(|h| json!({
                "id": h.id,
                "public_id": h.public_id().to_string(),
                "state": h.standing_at(at).as_str(),
                "scopes": serde_json::from_str::<serde_json::Value>(&h.scopes).unwrap_or_default(),
                "rights": declared.then(|| GrantRecord::of(rights, &super::rights::granted(provider, h))),
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
        &NewOutboxRow {
            kind: Kind::Webhook.into(),
            topic: event.as_str(),
            demande_id: Some(demande.id),
            recipient: url,
            subject: "",
            body_text: &body,
            body_html: "",
            unsubscribe_url: None,
            attempts: 0,
            next_attempt_at: at,
            created_at: at,
            // The name of the variable holding the secret: the worker signs with its value.
            secret_env: Some(&hook.secret_env),
        },
    )?;
    Ok(())
}
