//! The instructor's side: a demande, the decisions on it, and the habilitations granted (the
//! list of demandes is [`super::dashboard`]).

use crate::domain::demande::{Ctx, Event, transition};
use crate::domain::policy::{self, Action};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::dashboard::{PAGE_SIZE, visible_providers};
use super::demandes::{DemandeFile, load_file};
use super::persist::{Decided, Grant, apply};
use super::{App, facts, now};

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

/// What an instructor sends with a decision.
#[derive(Debug, Clone, Default)]
pub struct Decision {
    /// The reason (refuse, request changes, revoke) or the note (approve).
    pub reason: Option<String>,
    /// Scopes granted, when the approval form listed them (a subset of those asked).
    pub scopes: Option<Vec<String>>,
    /// Validity in months, when shortened.
    pub months: Option<String>,
    /// The inputs of the rights granted (`droits.*`), when the approval form listed them.
    pub rights: Option<Vec<(String, String)>>,
}

pub(super) fn grant_of(
    provider: &crate::catalog::Provider,
    demande: &crate::db::models::Demande,
    decision: &Decision,
) -> Result<Grant, AppError> {
    let asked = super::scopes_of(&demande.scopes);
    let scopes = match &decision.scopes {
        None => asked.clone(),
        Some(chosen) => {
            if let Some(stranger) = chosen.iter().find(|s| !asked.contains(s)) {
                return Err(AppError::Unprocessable(format!(
                    "La donnée « {} » n'a pas été demandée : elle ne peut pas être accordée.",
                    stranger.chars().take(60).collect::<String>()
                )));
            }
            if chosen.is_empty() && !asked.is_empty() {
                return Err(AppError::Unprocessable(
                    "Accordez au moins une des données demandées, ou refusez la demande."
                        .to_string(),
                ));
            }
            let form = &provider.form;
            // A scope the form always grants stays granted: it is not the instructor's to remove.
            if let Some(locked) = asked
                .iter()
                .filter_map(|id| form.scope(id))
                .find(|s| s.included && !chosen.contains(&s.id))
            {
                return Err(AppError::Unprocessable(format!(
                    "La donnée « {} » est toujours accordée avec ce formulaire : elle ne peut pas être retirée.",
                    locked.label
                )));
            }
            let granted: Vec<String> = asked
                .iter()
                .filter(|s| chosen.contains(s))
                .cloned()
                .collect();
            // Fewer scopes than asked, but never a combination the form itself forbids.
            if let Some(broken) = crate::domain::form::broken_scope_rule(form, &granted) {
                return Err(AppError::Unprocessable(broken.for_grant()));
            }
            granted
        }
    };
    let max = provider.validity_months;
    let months = match decision
        .months
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        None => max,
        Some(raw) => match raw.parse::<u32>() {
            Ok(m) if (1..=max).contains(&m) => m,
            _ => {
                return Err(AppError::Unprocessable(format!(
                    "La durée de validité doit être un nombre de mois entre 1 et {max}."
                )));
            }
        },
    };
    let (rights, mut narrowed) = super::rights::to_grant(
        provider,
        &demande.answers,
        &scopes,
        months,
        decision.rights.as_deref(),
    )?;
    // What is granted less than asked, said in the timeline, the emails and the audit.
    let left_out: Vec<String> = asked
        .iter()
        .filter(|s| !scopes.contains(s))
        .map(|s| {
            provider
                .form
                .scope(s)
                .map_or(s.clone(), |d| d.label.clone())
        })
        .collect();
    if !left_out.is_empty() {
        narrowed.insert(
            0,
            format!("Données non accordées : {}", left_out.join(", ")),
        );
    }
    if months < max {
        narrowed.push(format!("Durée : {months} mois (au lieu de {max})"));
    }
    Ok(Grant {
        rights: super::rights::kept(provider, &rights),
        scopes,
        months,
        narrowed,
    })
}

/// Approves, refuses, requests changes, revokes or archives, with the reason when one is needed.
#[tracing::instrument(skip_all, fields(demande = id, event = event.as_str()))]
pub async fn decide(
    app: &App,
    current: &CurrentUser,
    id: i64,
    event: Event,
    decision: Decision,
) -> Result<(), AppError> {
    let file = find(app, current, id).await?;
    let Some(actor) = policy::actor_kind(&current.actor, Action::Instruct, &facts(&file.demande))
    else {
        let own = policy::instructs_own_organisation(&current.actor, &facts(&file.demande));
        return Err(if own {
            AppError::ForbiddenBecause(policy::OWN_ORGANISATION.to_string())
        } else {
            AppError::Forbidden
        });
    };
    // The same instructor deciding the same thing again (a double click): done already.
    if file.just_done_by(event, current.user.id) {
        return Ok(());
    }
    let reason = decision
        .reason
        .as_ref()
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    if reason.as_ref().is_some_and(|r| r.chars().count() > 5_000) {
        return Err(AppError::Unprocessable(
            "Le motif ne doit pas dépasser 5 000 caractères.".to_string(),
        ));
    }
    let ctx = Ctx {
        reason: reason.as_deref(),
        reopening: file.demande.reopening,
        ..Ctx::new(actor)
    };
    let outcome = transition(Some(file.state), event, &ctx)
        .map_err(AppError::from)
        .map_err(processed)?;
    let provider = app.provider_of(&file.demande)?.clone();
    let grant = match event {
        Event::Approve => Some(grant_of(&provider, &file.demande, &decision)?),
        _ => None,
    };
    let decided_for = file.demande.provider.clone();
    let decided = Decided {
        provider,
        demande: file.demande,
        outcome,
        event,
        reason,
        grant,
    };
    let done = match apply(app, current, decided).await {
        // Both clicks of a double click raced: the one that lost sees the other's decision.
        Err(AppError::Conflict(_))
            if find(app, current, id)
                .await?
                .just_done_by(event, current.user.id) =>
        {
            Ok(())
        }
        done => done.map_err(processed),
    };
    if done.is_ok() {
        // The provider's observed time to decide counts this decision from now on.
        app.delays.forget(&decided_for);
    }
    done
}

/// For an instructor, a decision that does not fit the state means someone decided first.
fn processed(e: AppError) -> AppError {
    match e {
        AppError::Conflict(message) => AppError::AlreadyProcessed(message),
        other => other,
    }
}

/// A page of the habilitations tab.
#[derive(Debug)]
pub struct HabilitationList {
    pub rows: Vec<crate::db::habilitations::ListedHabilitation>,
    pub counts: Vec<(crate::db::habilitations::Status, i64)>,
    /// The id the next page starts before, when there is one.
    pub next: Option<i64>,
}

/// Habilitations of the providers the person instructs or reports on.
pub async fn habilitations(
    app: &App,
    current: &CurrentUser,
    status: crate::db::habilitations::Status,
    before: Option<i64>,
) -> Result<HabilitationList, AppError> {
    if !current.actor.sees_instruction() {
        return Err(AppError::Forbidden);
    }
    let providers = visible_providers(app, current);
    app.db
        .run(move |conn| {
            let at = now();
            let mut rows = crate::db::habilitations::listed(
                conn,
                &providers,
                status,
                at,
                before,
                PAGE_SIZE + 1,
            )?;
            let next = if rows.len() as i64 > PAGE_SIZE {
                rows.truncate(PAGE_SIZE as usize);
                rows.last().map(|(h, _)| h.id)
            } else {
                None
            };
            let counts = crate::db::habilitations::count_by_status(conn, &providers, at)?;
            Ok(HabilitationList { rows, counts, next })
        })
        .await
}
