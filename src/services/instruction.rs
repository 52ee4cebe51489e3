//! The instructor's side: the list of demandes to process and the decisions.

use crate::db::demandes;
use crate::db::models::Demande;
use crate::domain::demande::{Ctx, Event, State, transition};
use crate::domain::policy::{self, Action};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::demandes::{DemandeFile, load_file};
use super::transition::{Record, persist};
use super::{App, facts, now};

/// States the instruction list shows by default: everything but drafts and archives.
const LISTED: [State; 5] = [
    State::Submitted,
    State::ChangesRequested,
    State::Validated,
    State::Refused,
    State::Revoked,
];

/// Demandes of the providers the person instructs or reports on (all of them for an admin).
pub async fn list(app: &App, current: &CurrentUser) -> Result<Vec<Demande>, AppError> {
    if !current.actor.sees_instruction() {
        return Err(AppError::Forbidden);
    }
    let providers: Vec<String> = if current.actor.is_admin {
        app.catalog.all().iter().map(|p| p.slug.clone()).collect()
    } else {
        current.actor.reported_providers()
    };
    app.db
        .run(move |conn| {
            let states: Vec<&str> = LISTED.iter().map(|s| s.as_str()).collect();
            Ok(demandes::for_instruction(conn, &providers, &states, 500)?)
        })
        .await
}

/// A demande as the instruction workspace shows it; "not found" for anyone without a role on its provider.
pub async fn find(app: &App, current: &CurrentUser, id: i64) -> Result<DemandeFile, AppError> {
    let file = load_file(app, id).await?.ok_or(AppError::NotFound)?;
    if !policy::can(
        &current.actor,
        Action::ViewInInstruction,
        &facts(&file.demande),
    ) {
        return Err(AppError::NotFound);
    }
    Ok(file)
}

pub fn can_instruct(current: &CurrentUser, demande: &Demande) -> bool {
    policy::can(&current.actor, Action::Instruct, &facts(demande))
}

/// Approves, refuses, requests changes or archives, with the reason when one is needed.
#[tracing::instrument(skip_all, fields(demande = id, event = event.as_str()))]
pub async fn decide(
    app: &App,
    current: &CurrentUser,
    id: i64,
    event: Event,
    reason: Option<String>,
) -> Result<(), AppError> {
    let file = find(app, current, id).await?;
    let Some(actor) = policy::actor_kind(&current.actor, Action::Instruct, &facts(&file.demande))
    else {
        return Err(AppError::Forbidden);
    };
    let reason = reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    if reason.as_ref().is_some_and(|r| r.chars().count() > 5_000) {
        return Err(AppError::Unprocessable(
            "Le motif ne doit pas dépasser 5 000 caractères.".to_string(),
        ));
    }
    let ctx = Ctx {
        reason: reason.as_deref(),
        ..Ctx::new(actor)
    };
    let outcome = transition(Some(file.state), event, &ctx)
        .map_err(AppError::from)
        .map_err(processed)?;
    let provider = app.provider(&file.demande.provider)?.clone();
    let actor_id = current.user.id;
    app.db
        .run(move |conn| {
            let record = Record {
                actor_id,
                event,
                reason: reason.as_deref(),
                diff: None,
            };
            persist(conn, &provider, &file.demande, &outcome, &record, now())
        })
        .await
        .map_err(processed)
}

/// For an instructor, a decision that does not fit the state means someone decided first.
fn processed(e: AppError) -> AppError {
    match e {
        AppError::Conflict(message) => AppError::AlreadyProcessed(message),
        other => other,
    }
}
