//! One habilitation on its own page: what it grants, its history (granted, extended, revoked,
//! replaced, expired), and for the provider's instructors the two things done to it alone:
//! extending it, revoking it. Both go through the demande's transition and `persist`, like
//! every change.

use chrono::NaiveDateTime;

use crate::db::models::Habilitation;
use crate::db::write_transaction;
use crate::domain::demande::{ActorKind, Ctx, Event, is_offered, transition};
use crate::domain::habilitation::{Standing, Stored};
use crate::domain::policy::{self, Action};
use crate::domain::renewal::renewal;
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::demandes::{DemandeFile, actor_of};
use super::instruction::{Decision, decide, find};
use super::persist::{Change, Happened, Recorder, Stale, Write, persist};
use super::{App, facts, now};

/// One line of a habilitation's history.
#[derive(Debug, Clone)]
pub struct HistoryLine {
    pub when: NaiveDateTime,
    pub what: String,
    /// "Given Family (address)", or empty for what the portal itself notes (an expiry).
    pub who: String,
    pub note: Option<String>,
}

/// A habilitation with its demande, its history and what the reader may do to it.
pub struct HabilitationFile {
    pub file: DemandeFile,
    pub habilitation: Habilitation,
    pub history: Vec<HistoryLine>,
    pub may_renew: bool,
    pub may_revoke: bool,
}

/// What an extension's event keeps (its `diff`): the habilitation and its ends.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Extended {
    habilitation: i64,
    before: NaiveDateTime,
    after: NaiveDateTime,
}

fn date(t: &NaiveDateTime) -> String {
    t.format("%d/%m/%Y").to_string()
}

/// The history, oldest first, from the demande's events and habilitations.
fn history(file: &DemandeFile, h: &Habilitation, at: NaiveDateTime) -> Vec<HistoryLine> {
    let who = |actor: &Option<(String, String, String)>| {
        actor
            .as_ref()
            .map(|(g, f, m)| format!("{g} {f} ({m})"))
            .unwrap_or_default()
    };
    let mut lines = vec![];
    let granted_by = file
        .events
        .iter()
        .find(|(e, _)| e.name == Event::Approve.as_str() && e.created_at == h.granted_at);
    lines.push(HistoryLine {
        when: h.granted_at,
        what: format!(
            "Accordée à la validation de la demande {}",
            crate::domain::demande::public_id(file.demande.id)
        ),
        who: granted_by.map(|(_, a)| who(a)).unwrap_or_default(),
        note: None,
    });
    for (e, actor) in &file.events {
        let extended = (e.name == Event::Renew.as_str())
            .then_some(e.diff.as_deref())
            .flatten()
            .and_then(|d| serde_json::from_str::<Extended>(d).ok())
            .filter(|x| x.habilitation == h.id);
        if let Some(x) = extended {
            lines.push(HistoryLine {
                when: e.created_at,
                what: format!(
                    "Prolongée jusqu'au {} (fin précédente : {})",
                    date(&x.after),
                    date(&x.before)
                ),
                who: who(actor),
                note: e.reason.clone(),
            });
        }
    }
    match Stored::parse(&h.state) {
        Stored::Revoked => {
            let revoked = file
                .events
                .iter()
                .find(|(e, _)| e.name == Event::Revoke.as_str() && e.created_at >= h.granted_at);
            if let Some((e, actor)) = revoked {
                lines.push(HistoryLine {
                    when: e.created_at,
                    what: "Révoquée".to_string(),
                    who: who(actor),
                    note: e.reason.clone(),
                });
            }
        }
        Stored::Obsolete => {
            let next = file
                .habilitations
                .iter()
                .filter(|o| o.id > h.id)
                .min_by_key(|o| o.id);
            if let Some(next) = next {
                lines.push(HistoryLine {
                    when: next.granted_at,
                    what: format!(
                        "Remplacée par l'habilitation {} (mise à jour de la demande validée)",
                        next.public_id()
                    ),
                    who: String::new(),
                    note: None,
                });
            }
        }
        Stored::Active if h.expires_at <= at => lines.push(HistoryLine {
            when: h.expires_at,
            what: "Expirée".to_string(),
            who: String::new(),
            note: None,
        }),
        Stored::Active => {}
    }
    lines.sort_by_key(|l| l.when);
    lines
}

/// The habilitation `id` for someone who sees its demande in the instruction workspace.
pub async fn open(app: &App, current: &CurrentUser, id: i64) -> Result<HabilitationFile, AppError> {
    let demande_id = app
        .db
        .run(move |conn| Ok::<_, AppError>(crate::db::habilitations::demande_of(conn, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let file = find(app, current, demande_id).await?;
    let habilitation = file
        .habilitations
        .iter()
        .find(|h| h.id == id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let at = now();
    let instructs = policy::can(&current.actor, Action::Instruct, &facts(&file.demande));
    let standing = habilitation.standing_at(at);
    let active_row = Stored::parse(&habilitation.state) == Stored::Active;
    let reopening = file.demande.reopening;
    Ok(HabilitationFile {
        history: history(&file, &habilitation, at),
        may_renew: instructs
            && active_row
            && is_offered(file.state, Event::Renew, ActorKind::Instructor, reopening),
        may_revoke: instructs
            && active_row
            && matches!(standing, Standing::Active | Standing::Expired)
            && is_offered(file.state, Event::Revoke, ActorKind::Instructor, reopening),
        file,
        habilitation,
    })
}

fn not_instructor() -> AppError {
    AppError::ForbiddenBecause(
        "Seuls les instructeurs de ce fournisseur prolongent ou révoquent une habilitation."
            .to_string(),
    )
}

/// Extends the habilitation `id` by `months` from today, with an optional note; the applicant
/// is emailed, the provider's system told (webhook `renew`), the decision audited.
pub async fn renew(
    app: &App,
    current: &CurrentUser,
    id: i64,
    months: &str,
    note: &str,
) -> Result<NaiveDateTime, AppError> {
    let opened = open(app, current, id).await?;
    if !policy::can(
        &current.actor,
        Action::Instruct,
        &facts(&opened.file.demande),
    ) {
        return Err(not_instructor());
    }
    let provider = app.provider_of(&opened.file.demande)?.clone();
    let h = &opened.habilitation;
    let at = now();
    let until = renewal(
        (h.standing_at(at), h.expires_at),
        at,
        months,
        provider.validity_months,
    )
    .map_err(|e| AppError::Unprocessable(e.to_string()))?;
    let note = note.trim();
    if note.chars().count() > 2_000 {
        return Err(AppError::Unprocessable(
            "La note ne doit pas dépasser 2 000 caractères.".to_string(),
        ));
    }
    let reason = match note {
        "" => format!(
            "Habilitation {} : fin au {} au lieu du {}.",
            h.public_id(),
            date(&until),
            date(&h.expires_at)
        ),
        note => format!(
            "Habilitation {} : fin au {} au lieu du {}. Note : {note}",
            h.public_id(),
            date(&until),
            date(&h.expires_at)
        ),
    };
    let outcome = transition(
        Some(opened.file.state),
        Event::Renew,
        &Ctx {
            reason: Some(&reason),
            reopening: opened.file.demande.reopening,
            ..Ctx::new(ActorKind::Instructor)
        },
    )
    .map_err(|e| AppError::Unprocessable(e.to_string()))?;
    let diff = serde_json::to_string(&Extended {
        habilitation: h.id,
        before: h.expires_at,
        after: until,
    })
    .map_err(anyhow::Error::from)?;
    let (demande, habilitation_id) = (opened.file.demande, h.id);
    let (user, recorder) = (current.user.clone(), Recorder::of(app));
    app.db
        .run(move |conn| {
            let change = Change {
                reason: Some(&reason),
                diff: Some(&diff),
                until: Some(until),
                ..Change::of(
                    Some(&demande),
                    Write::Renewal {
                        habilitation_id,
                        until,
                    },
                    Happened::Event(Event::Renew),
                    &outcome,
                    actor_of(&user),
                )
            };
            write_transaction(conn, |conn| {
                persist(conn, &recorder, &provider, &change, now())
            })?
            .map(|_| until)
            .map_err(|Stale| {
                AppError::Conflict(
                    "La demande a changé entre-temps : rechargez la page.".to_string(),
                )
            })
        })
        .await
}

/// Revokes the habilitation `id`, with a reason: the revocation of its demande, the one path
/// of every revocation (its state, emails, webhook and audit).
pub async fn revoke(
    app: &App,
    current: &CurrentUser,
    id: i64,
    reason: &str,
) -> Result<i64, AppError> {
    let opened = open(app, current, id).await?;
    if !policy::can(
        &current.actor,
        Action::Instruct,
        &facts(&opened.file.demande),
    ) {
        return Err(not_instructor());
    }
    if !opened.may_revoke {
        return Err(AppError::Unprocessable(format!(
            "L'habilitation {} n'est plus active : il n'y a rien à révoquer.",
            opened.habilitation.public_id()
        )));
    }
    let demande = opened.file.demande.id;
    let decision = Decision {
        reason: Some(reason.to_string()),
        ..Decision::default()
    };
    decide(app, current, demande, Event::Revoke, decision).await?;
    Ok(demande)
}
