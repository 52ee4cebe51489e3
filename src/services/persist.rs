//! The one path by which a demande changes. The domain decides (`transition`, `remind`) and
//! returns every effect as data; [`persist`] writes the demande's row (guarded: of two people
//! acting at once, one wins), its event, the habilitations, the emails and the webhook, in one
//! transaction. Nothing else in habilis writes an event or queues a webhook.

use chrono::{Months, NaiveDateTime};

use crate::catalog::Provider;
use crate::db::models::{Demande, NewDemande, NewEvent, NewHabilitation};
use crate::db::{DbConnection, demandes, events, habilitations, write_transaction};
use crate::domain::demande::{Effect, Event, Outcome, Reminder};
use crate::domain::form::{Answers, Value};
use crate::error::AppError;

use super::notify::{self, Author, Links, Out};

/// What is written on the demande's row.
pub enum Write<'a> {
    /// A new demande (created, or copied from another).
    Insert(NewDemande<'a>),
    /// The outcome's state; `submitted` stamps the submission date.
    State,
    /// Answers saved from a step.
    Answers {
        answers: &'a str,
        scopes: &'a str,
        intitule: &'a str,
    },
    /// Another applicant, of the same organisation.
    Applicant { id: i64, email: &'a str },
    /// Another organisation and applicant, the habilitations with it (a merger).
    Organisation(crate::db::demandes::NewHome<'a>),
    /// A new end for one active habilitation of the demande.
    Renewal {
        habilitation_id: i64,
        until: NaiveDateTime,
    },
    /// Nothing: a reminder only records that it was sent.
    Nothing,
}

/// The name of the event row: a transition's event, or a reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Happened {
    Event(Event),
    Reminder(Reminder),
}

impl Happened {
    pub fn as_str(self) -> &'static str {
        match self {
            Happened::Event(e) => e.as_str(),
            Happened::Reminder(r) => r.event_name(),
        }
    }
}

/// Who acted: a person, or the portal itself (reminders).
#[derive(Debug, Clone)]
pub struct Actor<'a> {
    pub id: Option<i64>,
    /// As emails name them (and to spare them an email about their own action).
    pub email: &'a str,
    pub name: String,
}

impl Actor<'_> {
    pub const PORTAL: Actor<'static> = Actor {
        id: None,
        email: "",
        name: String::new(),
    };
}

/// An instructor may grant fewer scopes than asked, for less time than the provider's validity.
#[derive(Debug, Clone)]
pub struct Grant {
    pub scopes: Vec<String>,
    pub months: u32,
    /// Actions, filters and level granted, as kept ([`crate::domain::rights::GrantRecord`]
    /// as JSON); empty when the provider declares none.
    pub rights: String,
    /// What is granted less than asked, one French line each (kept in the approval's event,
    /// told in its emails).
    pub narrowed: Vec<String>,
}

/// One change of a demande, as decided.
pub struct Change<'a> {
    /// The demande as read before the change (none for an insert).
    pub demande: Option<&'a Demande>,
    pub write: Write<'a>,
    pub happened: Happened,
    pub outcome: &'a Outcome,
    pub actor: Actor<'a>,
    pub reason: Option<&'a str>,
    pub diff: Option<&'a str>,
    /// What an approval grants; by default the scopes asked, for the provider's validity.
    pub grant: Option<Grant>,
    /// The date an email speaks of (a habilitation's end, for expiry reminders).
    pub until: Option<NaiveDateTime>,
}

impl<'a> Change<'a> {
    /// A change with no reason, diff, grant or date: set those that apply with `..`.
    pub fn of(
        demande: Option<&'a Demande>,
        write: Write<'a>,
        happened: Happened,
        outcome: &'a Outcome,
        actor: Actor<'a>,
    ) -> Change<'a> {
        Change {
            demande,
            write,
            happened,
            outcome,
            actor,
            reason: None,
            diff: None,
            grant: None,
            until: None,
        }
    }
}

/// Where the effects go besides the database rows: the links and keys emails and webhooks
/// need, and the key that chains the audit log.
#[derive(Clone)]
pub struct Recorder {
    pub links: Links,
    pub audit_key: secrecy::SecretString,
}

impl Recorder {
    pub fn of(app: &super::App) -> Recorder {
        Recorder {
            links: app.links.clone(),
            audit_key: app.settings.audit_key.clone(),
        }
    }
}

/// Someone changed the demande first: the guarded write touched nothing.
#[derive(Debug)]
pub struct Stale;

/// Writes a change and its effects. Call it inside a write transaction (`db::write_transaction`),
/// which the caller opens so that it can check something first under the same lock (reminders,
/// transfers) and so that the change and its effects commit or fail together. `Ok(Err(Stale))`
/// when someone changed the demande first: nothing is written; the caller says so or retries.
pub fn persist(
    conn: &mut DbConnection,
    recorder: &Recorder,
    provider: &Provider,
    change: &Change,
    now: NaiveDateTime,
) -> Result<Result<Demande, Stale>, AppError> {
    let links = &recorder.links;
    let Some(demande) = write_row(conn, change, now)? else {
        return Ok(Err(Stale));
    };
    let narrowed = change
        .grant
        .as_ref()
        .map_or(&[][..], |g| g.narrowed.as_slice());
    // An approval's event keeps what it granted less than asked, for the timeline.
    let granted_note = (!narrowed.is_empty())
        .then(|| serde_json::to_string(narrowed))
        .transpose()
        .map_err(anyhow::Error::from)?;
    events::insert(
        conn,
        &NewEvent {
            demande_id: demande.id,
            actor_id: change.actor.id,
            name: change.happened.as_str(),
            from_state: change.demande.map(|d| d.state.as_str()),
            to_state: change.outcome.to.as_str(),
            reason: change.reason,
            diff: change.diff.or(granted_note.as_deref()),
            created_at: now,
        },
    )?;
    let mut until = change.until;
    for effect in &change.outcome.effects {
        match effect {
            Effect::GrantHabilitation => {
                until = Some(grant(conn, provider, &demande, change.grant.as_ref(), now)?);
            }
            Effect::RevokeHabilitations => {
                habilitations::revoke_active(conn, demande.id)?;
            }
            Effect::ObsoleteHabilitations => {
                habilitations::obsolete_active(conn, demande.id)?;
            }
            Effect::RestoreValidatedAnswers => restore_validated(conn, demande.id)?,
            Effect::Notify(notice) => {
                let author = Author {
                    email: change.actor.email,
                    name: &change.actor.name,
                };
                let mut out = Out {
                    conn: &mut *conn,
                    links,
                    provider,
                    demande: &demande,
                    author: &author,
                    now,
                };
                notify::on_transition(&mut out, *notice, change.reason, until, narrowed)?;
            }
            Effect::Audit => audit(conn, recorder, change, &demande)?,
            Effect::Webhook => {
                if let Happened::Event(event) = change.happened {
                    let state = change.outcome.to;
                    super::hooks::enqueue(conn, links, provider, &demande, event, state, now)?;
                }
            }
        }
    }
    Ok(Ok(demande))
}

/// An instructor's decision in the audit log: the state before, and what was decided.
fn audit(
    conn: &mut DbConnection,
    recorder: &Recorder,
    change: &Change,
    demande: &Demande,
) -> Result<(), AppError> {
    let new = serde_json::json!({
        "state": change.outcome.to.as_str(),
        "reason": change.reason,
        "scopes": change.grant.as_ref().map(|g| &g.scopes),
        "months": change.grant.as_ref().map(|g| g.months),
        "narrowed": change.grant.as_ref().map(|g| &g.narrowed),
        "rights": change.grant.as_ref().and_then(|g| serde_json::from_str::<serde_json::Value>(&g.rights).ok()),
    })
    .to_string();
    super::audit::record(
        conn,
        &recorder.audit_key,
        change.actor.email,
        &format!("demande.{}", change.happened.as_str()),
        &format!("demande:{}", crate::domain::demande::public_id(demande.id)),
        change.demande.map(|d| d.state.as_str()),
        Some(&new),
    )
}

/// The demande's row after the write, or None when the guard found it changed.
fn write_row(
    conn: &mut DbConnection,
    change: &Change,
    now: NaiveDateTime,
) -> Result<Option<Demande>, AppError> {
    let (current, write) = match (&change.write, change.demande) {
        (Write::Insert(new), _) => return Ok(Some(demandes::insert(conn, new)?)),
        (write, Some(current)) => (current, write),
        (_, None) => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "changement sans demande : {}",
                change.happened.as_str()
            )));
        }
    };
    let outcome = change.outcome;
    let written = match write {
        Write::Insert(_) => 1,
        Write::State => demandes::set_state(
            conn,
            current,
            outcome.to.as_str(),
            outcome.reopening,
            change.happened == Happened::Event(Event::Submit),
            now,
        )?,
        Write::Answers {
            answers,
            scopes,
            intitule,
        } => demandes::save_answers(conn, current, answers, scopes, intitule, now)?,
        Write::Applicant { id, email } => demandes::transfer(conn, current, *id, email, now)?,
        Write::Organisation(home) => demandes::move_organisation(conn, current, *home, now)?,
        Write::Renewal {
            habilitation_id,
            until,
        } => demandes::renew(conn, current, *habilitation_id, *until, now)?,
        Write::Nothing => return Ok(Some(current.clone())),
    };
    if written != 1 {
        return Ok(None);
    }
    Ok(demandes::find(conn, current.id)?)
}

/// Creates the habilitation an approval grants; returns its end.
fn grant(
    conn: &mut DbConnection,
    provider: &Provider,
    demande: &Demande,
    grant: Option<&Grant>,
    now: NaiveDateTime,
) -> Result<NaiveDateTime, AppError> {
    let months = grant.map_or(provider.validity_months, |g| g.months);
    let scopes = match grant {
        Some(g) => serde_json::to_string(&g.scopes).map_err(anyhow::Error::from)?,
        None => demande.scopes.clone(),
    };
    let rights = grant.map_or("", |g| g.rights.as_str());
    let expires_at = now
        .checked_add_months(Months::new(months))
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("date d'expiration hors limites")))?;
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
            rights,
        },
    )?;
    Ok(expires_at)
}

/// Puts back the answers of the active habilitation (an update abandoned or refused).
fn restore_validated(conn: &mut DbConnection, demande_id: i64) -> Result<(), AppError> {
    if let Some(h) = habilitations::active_for(conn, demande_id)? {
        let answers: Answers = serde_json::from_str(&h.answers).unwrap_or_default();
        let intitule = match answers.get("intitule") {
            Some(Value::One(s)) => s.clone(),
            _ => String::new(),
        };
        demandes::restore_answers(conn, demande_id, &h.answers, &h.scopes, &intitule)?;
    }
    Ok(())
}

/// What a use case decided about an existing demande, to be written by [`apply`].
pub struct Decided {
    pub provider: Provider,
    pub demande: Demande,
    pub outcome: Outcome,
    pub event: Event,
    pub reason: Option<String>,
    pub grant: Option<Grant>,
}

/// Writes a decided state change on behalf of the signed-in person.
pub async fn apply(
    app: &super::App,
    current: &super::accounts::CurrentUser,
    decided: Decided,
) -> Result<(), AppError> {
    let recorder = Recorder::of(app);
    let user = current.user.clone();
    app.db
        .run(move |conn| {
            let change = Change {
                reason: decided.reason.as_deref(),
                grant: decided.grant,
                ..Change::of(
                    Some(&decided.demande),
                    Write::State,
                    Happened::Event(decided.event),
                    &decided.outcome,
                    Actor {
                    id: Some(user.id),
                    email: &user.email,
                    name: user.full_name(),
                },
                )
            };
            let written = write_transaction(conn, |conn| {
                persist(conn, &recorder, &decided.provider, &change, super::now())
            })?;
            match written {
                Ok(_) => Ok(()),
                Err(Stale) => Err(AppError::Conflict(
                    "Cette demande vient d'être traitée par quelqu'un d'autre : votre action n'a pas été appliquée.".to_string(),
                )),
            }
        })
        .await
}
