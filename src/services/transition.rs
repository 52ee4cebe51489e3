//! Writing a transition: the guarded state change, the event row and the effects, in one
//! transaction. Of two people acting at once, one wins; the other gets a conflict.

use chrono::{Months, NaiveDateTime};

use crate::catalog::Provider;
use crate::db::models::{Demande, NewEvent, NewHabilitation};
use crate::db::{DbConnection, demandes, events, habilitations, write_transaction};
use crate::domain::demande::{Effect, Event, Outcome};
use crate::error::AppError;

use super::notify::{self, Author, Links};

/// What is recorded with the event.
pub struct Record<'a> {
    pub actor_id: i64,
    /// Who acted, as emails name them (and to spare them an email about their own action).
    pub actor_email: &'a str,
    pub actor_name: &'a str,
    pub event: Event,
    pub reason: Option<&'a str>,
    pub diff: Option<&'a str>,
    /// What an approval grants; by default the scopes asked, for the provider's validity.
    pub grant: Option<Grant>,
    /// Decisions are written to the audit log, chained with this key.
    pub audit_key: &'a secrecy::SecretString,
}

/// The instructors' decisions on a demande, audited with their actor.
fn is_decision(event: Event) -> bool {
    matches!(
        event,
        Event::Approve | Event::Refuse | Event::RequestChanges | Event::Revoke
    )
}

/// An instructor may grant fewer scopes than asked, for less time than the provider's validity.
#[derive(Debug, Clone)]
pub struct Grant {
    pub scopes: Vec<String>,
    pub months: u32,
}

pub fn persist(
    conn: &mut DbConnection,
    links: &Links,
    provider: &Provider,
    demande: &Demande,
    outcome: &Outcome,
    record: &Record,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        let changed = demandes::set_state(
            conn,
            demande,
            outcome.to.as_str(),
            outcome.reopening,
            record.event == Event::Submit,
            now,
        )?;
        if changed != 1 {
            return Err(AppError::Conflict(
                "Cette demande vient d'être traitée par quelqu'un d'autre : votre action n'a pas été appliquée.".to_string(),
            ));
        }
        events::insert(
            conn,
            &NewEvent {
                demande_id: demande.id,
                actor_id: Some(record.actor_id),
                name: record.event.as_str(),
                from_state: Some(&demande.state),
                to_state: outcome.to.as_str(),
                reason: record.reason,
                diff: record.diff,
                created_at: now,
            },
        )?;
        if is_decision(record.event) {
            let new = serde_json::json!({
                "state": outcome.to.as_str(),
                "reason": record.reason,
                "scopes": record.grant.as_ref().map(|g| &g.scopes),
                "months": record.grant.as_ref().map(|g| g.months),
            })
            .to_string();
            super::audit::record(
                conn,
                record.audit_key,
                record.actor_email,
                &format!("demande.{}", record.event.as_str()),
                &format!("demande:{}", crate::domain::demande::public_id(demande.id)),
                Some(&demande.state),
                Some(&new),
            )?;
        }
        let mut until = None;
        for effect in &outcome.effects {
            match effect {
                Effect::GrantHabilitation => {
                    let months = record
                        .grant
                        .as_ref()
                        .map_or(provider.validity_months, |g| g.months);
                    let scopes = match &record.grant {
                        Some(g) => serde_json::to_string(&g.scopes).map_err(anyhow::Error::from)?,
                        None => demande.scopes.clone(),
                    };
                    let expires_at =
                        now.checked_add_months(Months::new(months)).ok_or_else(|| {
                            AppError::Internal(anyhow::anyhow!("date d'expiration hors limites"))
                        })?;
                    until = Some(expires_at);
                    habilitations::insert(
                        conn,
                        &NewHabilitation {
                            demande_id: demande.id,
                            provider: &demande.provider,
                            organisation_id: demande.organisation_id,
                            scopes: &scopes,
                            answers: &demande.answers,
                            state: "active",
                            granted_at: now,
                            expires_at,
                        },
                    )?;
                }
                Effect::RevokeHabilitations => {
                    habilitations::revoke_active(conn, demande.id)?;
                }
                Effect::ObsoleteHabilitations => {
                    habilitations::obsolete_active(conn, demande.id)?;
                }
                Effect::RestoreValidatedAnswers => {
                    if let Some(h) = habilitations::active_for(conn, demande.id)? {
                        let answers: crate::domain::form::Answers =
                            serde_json::from_str(&h.answers).unwrap_or_default();
                        let intitule = match answers.get("intitule") {
                            Some(crate::domain::form::Value::One(s)) => s.clone(),
                            _ => String::new(),
                        };
                        demandes::restore_answers(
                            conn, demande.id, &h.answers, &h.scopes, &intitule,
                        )?;
                    }
                }
                Effect::Notify(notice) => {
                    let author = Author {
                        email: record.actor_email,
                        name: record.actor_name,
                    };
                    notify::on_transition(
                        conn,
                        links,
                        provider,
                        demande,
                        *notice,
                        &author,
                        record.reason,
                        until,
                    )?;
                }
            }
        }
        super::webhooks::enqueue(
            conn,
            links,
            provider,
            demande,
            record.event,
            outcome.to,
            now,
        )?;
        Ok(())
    })
}

/// What a use case decided, to be written by [`apply`].
pub struct Decided {
    pub provider: Provider,
    pub demande: Demande,
    pub outcome: Outcome,
    pub event: Event,
    pub reason: Option<String>,
    pub grant: Option<Grant>,
}

/// Writes a decided transition on behalf of the signed-in person, in one transaction.
pub async fn apply(
    app: &super::App,
    current: &super::accounts::CurrentUser,
    decided: Decided,
) -> Result<(), AppError> {
    let links = app.links.clone();
    let audit_key = app.settings.audit_key.clone();
    let (actor_id, email, name) = (
        current.user.id,
        current.user.email.clone(),
        current.user.full_name(),
    );
    app.db
        .run(move |conn| {
            let record = Record {
                actor_id,
                actor_email: &email,
                actor_name: &name,
                event: decided.event,
                reason: decided.reason.as_deref(),
                diff: None,
                grant: decided.grant,
                audit_key: &audit_key,
            };
            persist(
                conn,
                &links,
                &decided.provider,
                &decided.demande,
                &decided.outcome,
                &record,
                crate::services::now(),
            )
        })
        .await
}
