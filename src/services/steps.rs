//! Saving one step of a demande: what was typed, the files sent with it, a file removed; one
//! transaction, retried on the fresh row when someone saved the same demande meanwhile.

use crate::db::write_transaction;
use crate::domain::demande::{ActorKind, Ctx, Event, transition};
use crate::domain::form::{self, Answers, Applied, FormErrors, Strictness};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::attachments::{self, Upload};
use super::demandes::{actor_of, can_edit, find_for_applicant, intitule_of};
use super::persist::{Change, Happened, Recorder, Stale, Write, persist};
use super::{App, now};

/// The result of saving one step.
#[derive(Debug)]
pub struct Saved {
    pub applied: Applied,
    pub answers: Answers,
    /// What is wrong with the values now saved (missing ones are not errors yet).
    pub errors: FormErrors,
}

/// What an applicant sent with one step: typed pairs, fields that could not be decoded, files,
/// and the file they asked to remove.
#[derive(Debug, Default)]
pub struct StepInput {
    pub pairs: Vec<(String, String)>,
    pub undecodable: Vec<String>,
    pub uploads: Vec<Upload>,
    pub remove: Option<i64>,
}

/// Saves what was typed on one step, with its files. Every value is kept, valid or not; values
/// no field could hold, and files refused, are reported. Concurrent saves (two tabs) are
/// retried on the fresh row, so neither loses what it wrote.
#[tracing::instrument(skip_all, fields(demande = id, step))]
pub async fn save_step(
    app: &App,
    current: &CurrentUser,
    id: i64,
    step: usize,
    input: StepInput,
) -> Result<Saved, AppError> {
    let StepInput {
        pairs,
        undecodable,
        uploads,
        remove,
    } = input;
    let file = find_for_applicant(app, current, id).await?;
    if !can_edit(current, &file.demande) {
        return Err(AppError::Forbidden);
    }
    let provider = app.provider_of(&file.demande)?;
    if step >= provider.form.steps.len() {
        return Err(AppError::NotFound);
    }
    // Files are judged and stored once, before the step's transaction records them.
    let reception =
        attachments::receive(app, current, provider, step, id, &file.answers, uploads).await?;
    let received = std::sync::Arc::new(reception.received);
    for _attempt in 0..5 {
        let file = find_for_applicant(app, current, id).await?;
        if !can_edit(current, &file.demande) {
            break;
        }
        let outcome = transition(
            Some(file.state),
            Event::Update,
            &Ctx {
                reopening: file.demande.reopening,
                ..Ctx::new(ActorKind::Applicant)
            },
        )?;
        let mut answers = file.answers.clone();
        let mut applied = form::apply_step(&provider.form, step, &mut answers, &pairs);
        applied.rejected.extend(reception.refused.iter().cloned());
        // A value that could not be read keeps its previous version.
        for key in &undecodable {
            match file.answers.get(key) {
                Some(previous) => answers.insert(key.clone(), previous.clone()),
                None => answers.remove(key),
            };
            applied.rejected.push((
                key.clone(),
                "Ce texte contient des caractères invalides (caractère nul ou encodage non UTF-8) : il n'a pas été enregistré, corrigez-le.".to_string(),
            ));
        }
        if received.is_empty() && remove.is_none() && form::diff(&file.answers, &answers).is_empty()
        {
            let errors = form::check(&provider.form, &answers, Strictness::Draft);
            return Ok(Saved {
                applied,
                answers,
                errors,
            });
        }
        let demande = file.demande.clone();
        let before = file.answers.clone();
        let current_for_db = current.clone();
        let provider_for_db = provider.clone();
        let received_for_db = received.clone();
        let recorder = Recorder::of(app);
        let written = app
            .db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    let at = now();
                    let gone = attachments::record(
                        conn,
                        &current_for_db,
                        &demande,
                        &received_for_db,
                        remove,
                        &mut answers,
                        at,
                    )?;
                    let changes = form::diff(&before, &answers);
                    // A removal that removed nothing (a file of another demande): no event.
                    if changes.is_empty() {
                        return Ok((answers, gone));
                    }
                    let answers_json =
                        serde_json::to_string(&answers).map_err(anyhow::Error::from)?;
                    let scopes_json = serde_json::to_string(&form::chosen_scopes(
                        &provider_for_db.form,
                        &answers,
                    ))
                    .map_err(anyhow::Error::from)?;
                    let diff_json = serde_json::to_string(&changes).map_err(anyhow::Error::from)?;
                    let intitule = intitule_of(&answers);
                    let change = Change {
                        diff: Some(&diff_json),
                        ..Change::of(
                            Some(&demande),
                            Write::Answers {
                                answers: &answers_json,
                                scopes: &scopes_json,
                                intitule: &intitule,
                            },
                            Happened::Event(Event::Update),
                            &outcome,
                            actor_of(&current_for_db.user),
                        )
                    };
                    match persist(conn, &recorder, &provider_for_db, &change, at)? {
                        Ok(_) => Ok((answers, gone)),
                        // Undone whole (the files' rows too), then tried again on the fresh row.
                        Err(Stale) => Err(AppError::Conflict(STALE.to_string())),
                    }
                })
            })
            .await;
        match written {
            Ok((answers, gone)) => {
                attachments::discard(app, gone.into_iter().map(|a| a.storage_key).collect()).await;
                let errors = form::check(&provider.form, &answers, Strictness::Draft);
                return Ok(Saved {
                    applied,
                    answers,
                    errors,
                });
            }
            Err(AppError::Conflict(m)) if m == STALE => continue,
            Err(e) => {
                attachments::discard(app, received.iter().map(|r| r.key.clone()).collect()).await;
                return Err(e);
            }
        }
    }
    attachments::discard(app, received.iter().map(|r| r.key.clone()).collect()).await;
    Err(AppError::Conflict(STALE.to_string()))
}

const STALE: &str =
    "La demande est modifiée ailleurs en ce moment : rechargez la page et recommencez.";
