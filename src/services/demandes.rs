//! The applicant's side: start, archive, list (filling a step: [`super::steps`]).

use std::collections::BTreeMap;

use crate::db::attachments::{self as db_attachments, Attachment};
use crate::db::events::TimelineRow;
use crate::db::models::{Demande, DraftOf, Habilitation, NewDemande};
use crate::db::{DbConnection, demandes, events, habilitations, write_transaction};
use crate::domain::demande::{ActorKind, Ctx, Event, State, transition};
use crate::domain::eligibility;
use crate::domain::form::{self, Answers, SCOPES_KEY, Value};
use crate::domain::policy::{self, Action};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::persist::{Actor, Change, Decided, Happened, Recorder, Stale, Write, apply, persist};
use super::{App, answers_of, facts, now, state_of};

/// A demande with what its pages show.
#[derive(Debug, Clone)]
pub struct DemandeFile {
    pub demande: Demande,
    pub state: State,
    pub answers: Answers,
    pub events: Vec<TimelineRow>,
    pub habilitations: Vec<Habilitation>,
    /// Its files, those removed since included (the history names them).
    pub attachments: Vec<Attachment>,
    /// The demandes of the previous stages it follows, nearest first.
    pub previous: Vec<Demande>,
    /// The demandes that follow it at the next stage.
    pub following: Vec<Demande>,
}

impl DemandeFile {
    /// Whether this person's latest act on the demande was this event, and nothing happened
    /// since: the same person repeating it (a double click) gets the done action, not a conflict.
    pub fn just_done_by(&self, event: Event, user_id: i64) -> bool {
        self.events.last().is_some_and(|(e, _)| {
            e.name == event.as_str()
                && e.actor_id == Some(user_id)
                && e.to_state == self.demande.state
        })
    }
}

/// Reads a demande, and when `may_see` accepts it, its timeline and habilitations; `None`
/// when it does not exist or may not be seen.
fn read_file(
    conn: &mut DbConnection,
    id: i64,
    may_see: impl FnOnce(&Demande) -> bool,
) -> Result<Option<DemandeFile>, AppError> {
    let Some(demande) = demandes::find(conn, id)? else {
        return Ok(None);
    };
    if !may_see(&demande) {
        return Ok(None);
    }
    let events = events::for_demande(conn, id)?;
    let habilitations = habilitations::for_demande(conn, id)?;
    let attachments = db_attachments::for_demande(conn, id)?;
    let mut previous: Vec<Demande> = Vec::new();
    let mut up = demande.previous_id;
    // A chain is a few stages long; the bound guards against a loop written by hand.
    while let Some(before) = up.filter(|_| previous.len() < 10) {
        let Some(found) = demandes::find(conn, before)? else {
            break;
        };
        up = found.previous_id;
        previous.push(found);
    }
    let following = demandes::following(conn, id)?;
    let state = state_of(&demande)?;
    let answers = answers_of(&demande);
    Ok(Some(DemandeFile {
        demande,
        state,
        answers,
        events,
        habilitations,
        attachments,
        previous,
        following,
    }))
}

/// Loads a demande and its timeline; `None` when it does not exist.
pub(super) async fn load_file(app: &App, id: i64) -> Result<Option<DemandeFile>, AppError> {
    app.db.run(move |conn| read_file(conn, id, |_| true)).await
}

/// A page's reads on one connection: the demande when `may_see` accepts it ("not found"
/// otherwise, before anything else is read), its timeline and habilitations, then `then`;
/// behind the organisations' wall when `wall` names them (the applicant side).
pub(super) async fn load_file_then<T, P, F>(
    app: &App,
    id: i64,
    (wall, may_see): (Option<Vec<i64>>, P),
    then: F,
) -> Result<(DemandeFile, T), AppError>
where
    P: FnOnce(&Demande) -> bool + Send + 'static,
    F: FnOnce(&mut DbConnection, &DemandeFile) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    app.db
        .run(move |conn| {
            let read = |conn: &mut DbConnection| {
                let file = read_file(conn, id, may_see)?.ok_or(AppError::NotFound)?;
                let more = then(conn, &file)?;
                Ok((file, more))
            };
            match wall {
                Some(organisations) => crate::db::within_organisations(conn, &organisations, read),
                None => read(conn),
            }
        })
        .await
}

/// A demande the person may see as applicant; anything else is "not found".
pub async fn find_for_applicant(
    app: &App,
    current: &CurrentUser,
    id: i64,
) -> Result<DemandeFile, AppError> {
    let orgs = current.actor.organisations.clone();
    let file = app
        .db
        .run(move |conn| {
            crate::db::within_organisations(conn, &orgs, |conn| read_file(conn, id, |_| true))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    if !policy::can(
        &current.actor,
        Action::ViewAsApplicant,
        &facts(&file.demande),
    ) {
        return Err(AppError::NotFound);
    }
    Ok(file)
}

/// Whether the person may change this demande (seen already).
pub(super) fn can_edit(current: &CurrentUser, demande: &Demande) -> bool {
    policy::can(&current.actor, Action::EditAsApplicant, &facts(demande))
}

/// What starts a demande: the provider, a template, the answers to the provider's eligibility
/// questions, and values the provider's own site prefills (`?intitule=..`).
pub struct Start<'a> {
    pub provider: &'a str,
    pub template: Option<&'a str>,
    pub eligibility: &'a BTreeMap<String, String>,
    pub prefill: &'a [(String, String)],
}

/// Starts a draft for the current organisation, blank or from a template, prefilled or not.
#[tracing::instrument(skip_all, fields(provider = %start.provider))]
pub async fn start(app: &App, current: &CurrentUser, start: Start<'_>) -> Result<i64, AppError> {
    let Start {
        provider: provider_slug,
        template: template_id,
        eligibility,
        prefill,
    } = start;
    let provider = app.provider(provider_slug)?;
    // A staged provider's demande starts at its first stage, with that stage's form.
    let stage = provider.first_stage().map(str::to_string);
    let provider = app
        .catalog
        .at_stage(provider_slug, stage.as_deref())
        .ok_or(AppError::NotFound)?;
    let organisation = current.current_organisation().ok_or_else(|| {
        AppError::ForbiddenBecause("Votre compte n'est rattaché à aucune organisation.".to_string())
    })?;
    if !policy::can_create_for(&current.actor, organisation.id) {
        return Err(AppError::Forbidden);
    }
    // The questions a provider asks first, answered again here: a form posted around them
    // creates nothing.
    let verdict = eligibility::judge(&provider.eligibility, eligibility);
    if let Some(why) = eligibility::refusal(verdict, &provider.name, &provider.slug) {
        return Err(AppError::BadRequest(why));
    }
    let template = match template_id.filter(|t| !t.is_empty()) {
        Some(id) => Some(provider.template(id).ok_or_else(|| {
            AppError::BadRequest(format!(
                "Le modèle « {id} » n'existe pas pour {}.",
                provider.name
            ))
        })?),
        None => None,
    };
    // A form that locks or hides scopes is seen through its own view from the start.
    let provider = match template {
        Some(t) => app
            .catalog
            .view(provider_slug, stage.as_deref(), Some(&t.id))
            .unwrap_or(provider),
        None => provider,
    };
    let outcome = transition(None, Event::Create, &Ctx::new(ActorKind::Applicant))?;
    let mut answers = template.map(|t| t.values.clone()).unwrap_or_default();
    // As if typed: kept as sent, checked on the steps like every answer.
    let prefilled = form::prefill(&provider.form, &mut answers, prefill);
    if !prefilled.unknown_keys.is_empty() || !prefilled.rejected.is_empty() {
        tracing::info!(
            provider = %provider.slug,
            unknown = ?prefilled.unknown_keys,
            refused = ?prefilled.rejected.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            "prefill: values ignored"
        );
    }
    let scopes = form::chosen_scopes(&provider.form, &answers);
    if !scopes.is_empty() {
        answers.insert(SCOPES_KEY.to_string(), Value::Many(scopes.clone()));
    }
    let answers_json = serde_json::to_string(&answers).map_err(anyhow::Error::from)?;
    let scopes_json = serde_json::to_string(&scopes).map_err(anyhow::Error::from)?;
    let intitule = intitule_of(&answers);
    let template_id = template.map(|t| t.id.clone());
    let organisation = organisation.clone();
    let user = current.user.clone();
    let provider = provider.clone();
    let recorder = Recorder::of(app);
    app.db
        .run(move |conn| {
            let at = now();
            let change = Change::of(
                None,
                Write::Insert(NewDemande {
                    state: outcome.to.as_str(),
                    ..NewDemande::draft(
                        DraftOf {
                            provider: &provider.slug,
                            stage: stage.as_deref(),
                            template: template_id.as_deref(),
                            answers: (&answers_json, &scopes_json),
                            intitule: &intitule,
                        },
                        &organisation,
                        &user,
                        at,
                    )
                }),
                Happened::Event(Event::Create),
                &outcome,
                actor_of(&user),
            );
            let created = write_transaction(conn, |conn| {
                persist(conn, &recorder, &provider, &change, at)
            })?;
            created.map(|d| d.id).map_err(|Stale| {
                AppError::Conflict("La demande n'a pas pu être créée.".to_string())
            })
        })
        .await
}

/// The person acting, as the event and the emails name them.
pub(super) fn actor_of(user: &crate::db::models::User) -> Actor<'_> {
    Actor {
        id: Some(user.id),
        email: &user.email,
        name: user.full_name(),
    }
}

pub(super) fn intitule_of(answers: &Answers) -> String {
    match answers.get("intitule") {
        Some(Value::One(s)) => s.chars().take(200).collect(),
        _ => String::new(),
    }
}

/// Archives a demande the applicant no longer needs.
/// A draft never submitted is the applicant's alone: archiving it deletes its files at once
/// (a submitted one keeps them for the retention period).
pub async fn archive(app: &App, current: &CurrentUser, id: i64) -> Result<(), AppError> {
    applicant_event(app, current, id, Event::Archive).await?;
    let file = find_for_applicant(app, current, id).await?;
    if file.demande.last_submitted_at.is_none() {
        super::attachments::delete_all(app, &file.attachments).await?;
    }
    Ok(())
}

/// Takes an archived demande back: it returns to the state it was archived from (a draft, a
/// demande waiting for changes, a refused one), with its answers.
pub async fn restore(app: &App, current: &CurrentUser, id: i64) -> Result<(), AppError> {
    let file = find_for_applicant(app, current, id).await?;
    let applicant = file.demande.applicant_id;
    let archived = app
        .db
        .run(move |conn| Ok::<_, AppError>(crate::db::events::archived_from(conn, id)?))
        .await?;
    // What the instruction side closed stays closed: only what its applicant or the portal
    // archived comes back.
    let archived_from = match archived {
        Some((before, None)) => before,
        Some((before, Some(by))) if by == applicant => before,
        Some(_) => {
            return Err(AppError::ForbiddenBecause(
                "Cette demande a été archivée par l'instruction : elle ne peut pas être restaurée. Copiez-la dans un nouveau brouillon si besoin.".to_string(),
            ));
        }
        None => None,
    };
    let archived_from = archived_from
        .as_deref()
        .and_then(crate::domain::demande::State::parse);
    applicant_event_from(app, current, id, Event::Restore, archived_from).await
}

/// Starts updating a validated demande: back to draft, its habilitation still active.
pub async fn reopen(app: &App, current: &CurrentUser, id: i64) -> Result<(), AppError> {
    applicant_event(app, current, id, Event::Reopen).await
}

/// Abandons an update: the validated demande and its answers come back.
pub async fn cancel_reopening(app: &App, current: &CurrentUser, id: i64) -> Result<(), AppError> {
    applicant_event(app, current, id, Event::CancelReopening).await
}

#[tracing::instrument(skip_all, fields(demande = id, event = event.as_str()))]
async fn applicant_event(
    app: &App,
    current: &CurrentUser,
    id: i64,
    event: Event,
) -> Result<(), AppError> {
    applicant_event_from(app, current, id, event, None).await
}

/// An applicant's event; `archived_from` for a restoration.
async fn applicant_event_from(
    app: &App,
    current: &CurrentUser,
    id: i64,
    event: Event,
    archived_from: Option<crate::domain::demande::State>,
) -> Result<(), AppError> {
    let file = find_for_applicant(app, current, id).await?;
    if !can_edit(current, &file.demande) {
        return Err(AppError::Forbidden);
    }
    let provider = app.provider_of(&file.demande)?.clone();
    let ctx = Ctx {
        reopening: file.demande.reopening,
        archived_from,
        ..Ctx::new(ActorKind::Applicant)
    };
    let outcome = transition(Some(file.state), event, &ctx)?;
    let decided = Decided {
        provider,
        demande: file.demande,
        outcome,
        event,
        reason: None,
        grant: None,
    };
    apply(app, current, decided).await
}

/// The demandes and habilitations of the person's organisations.
pub async fn list_mine(
    app: &App,
    current: &CurrentUser,
) -> Result<(Vec<Demande>, Vec<Habilitation>), AppError> {
    let orgs = current.actor.organisations.clone();
    app.db
        .run(move |conn| {
            crate::db::within_organisations(conn, &orgs, |conn| {
                let list = demandes::for_organisations(conn, &orgs, 500)?;
                let habs = habilitations::for_organisations(conn, &orgs, 500)?;
                Ok((list, habs))
            })
        })
        .await
}
