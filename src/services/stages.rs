//! Stages of a procedure (sandbox, then production): a validated demande starts the next
//! stage as a new demande of its own, prefilled from it and linked to it. The validated one
//! and its habilitation stay as they are, whatever becomes of the next.

use crate::db::models::NewDemande;
use crate::db::{demandes, lock_demande, write_transaction};
use crate::domain::demande::{ActorKind, Ctx, Event, State, public_id, transition};
use crate::domain::form::{self, SCOPES_KEY, Value};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::demandes::{actor_of, can_edit, find_for_applicant, intitule_of};
use super::persist::{Change, Happened, Recorder, Stale, Write, persist};
use super::{App, now};

/// Starts the stage after this validated demande's; returns the new demande's id.
#[tracing::instrument(skip_all, fields(demande = id))]
pub async fn advance(app: &App, current: &CurrentUser, id: i64) -> Result<i64, AppError> {
    let file = find_for_applicant(app, current, id).await?;
    if !can_edit(current, &file.demande) {
        return Err(AppError::ForbiddenBecause(
            "Seule la personne qui a créé cette demande peut passer à l'étape suivante."
                .to_string(),
        ));
    }
    let provider = app.provider_of(&file.demande)?.clone();
    let next = provider.stage.as_ref().and_then(|s| s.next.clone());
    let ctx = Ctx {
        next_stage: next.is_some(),
        reopening: file.demande.reopening,
        ..Ctx::new(ActorKind::Applicant)
    };
    let advanced = transition(Some(file.state), Event::AdvanceStage, &ctx)?;
    let created = transition(None, Event::Create, &Ctx::new(ActorKind::Applicant))?;
    let Some((next_id, next_name)) = next else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "étape suivante absente"
        )));
    };
    let next_provider = app
        .catalog
        .view(
            &provider.slug,
            Some(&next_id),
            file.demande.template.as_deref(),
        )
        .ok_or(AppError::NotFound)?
        .clone();
    // Prefilled from the validated demande; its files stay with it (they are asked again),
    // its scopes kept where the next stage offers them.
    let mut answers = file.answers.clone();
    for f in provider.form.file_fields() {
        answers.remove(&f.id);
    }
    let scopes = form::chosen_scopes(&next_provider.form, &answers);
    match scopes.is_empty() {
        true => answers.remove(SCOPES_KEY),
        false => answers.insert(SCOPES_KEY.to_string(), Value::Many(scopes.clone())),
    };
    let answers_json = serde_json::to_string(&answers).map_err(anyhow::Error::from)?;
    let scopes_json = serde_json::to_string(&scopes).map_err(anyhow::Error::from)?;
    let intitule = intitule_of(&answers);
    let source = file.demande;
    let user = current.user.clone();
    let recorder = Recorder::of(app);
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                // Two clicks at once start one stage.
                lock_demande(conn, source.id)?;
                if let Some(started) = demandes::following(conn, source.id)?
                    .into_iter()
                    .find(|d| d.state != State::Archived.as_str())
                {
                    return Err(AppError::Conflict(format!(
                        "L'étape « {next_name} » est déjà commencée : demande {}.",
                        public_id(started.id)
                    )));
                }
                let at = now();
                let follows = format!(
                    "Étape « {next_name} », suite de la demande {}",
                    public_id(source.id)
                );
                let insert = Change {
                    reason: Some(&follows),
                    ..Change::of(
                        None,
                        Write::Insert(NewDemande {
                            state: created.to.as_str(),
                            answers: &answers_json,
                            scopes: &scopes_json,
                            intitule: &intitule,
                            stage: Some(&next_id),
                            previous_id: Some(source.id),
                            ..NewDemande::draft_from(&source, &user, at)
                        }),
                        Happened::Event(Event::Create),
                        &created,
                        actor_of(&user),
                    )
                };
                let new =
                    persist(conn, &recorder, &next_provider, &insert, at)?.map_err(|Stale| {
                        AppError::Conflict("L'étape suivante n'a pas pu être créée.".to_string())
                    })?;
                let started = format!(
                    "Étape « {next_name} » commencée : demande {}",
                    public_id(new.id)
                );
                let mark = Change {
                    reason: Some(&started),
                    ..Change::of(
                        Some(&source),
                        Write::Nothing,
                        Happened::Event(Event::AdvanceStage),
                        &advanced,
                        actor_of(&user),
                    )
                };
                persist(conn, &recorder, &provider, &mark, at)?.map_err(|Stale| {
                    AppError::Conflict("L'étape suivante n'a pas pu être créée.".to_string())
                })?;
                Ok(new.id)
            })
        })
        .await
}
