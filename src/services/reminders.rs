//! Reminders, run by the worker on a schedule with the clock passed in. Idempotent: each
//! reminder sent is an event row, and a reminder already recorded is not sent again.

use chrono::{Duration, NaiveDateTime};

use crate::db::models::Demande;
use crate::db::{DbConnection, demandes, events, habilitations, write_transaction};
use crate::domain::demande::{Reminder, remind};
use crate::error::AppError;

use super::App;
use super::persist::{Actor, Change, Happened, Recorder, Write, persist};

/// How many reminders one pass sent.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sent {
    pub drafts: usize,
    pub changes: usize,
    pub expiries: usize,
}

/// One reminder to send, unless already sent: for expiry reminders, `tag` names the
/// habilitation (one per habilitation and notice) and `until` is its end.
struct Due {
    reminder: Reminder,
    tag: Option<String>,
    until: Option<NaiveDateTime>,
}

fn record(
    conn: &mut DbConnection,
    app: &App,
    demande: &Demande,
    due: Due,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let Some(provider) = app
        .catalog
        .at_stage(&demande.provider, demande.stage.as_deref())
    else {
        return Ok(false);
    };
    let state = super::state_of(demande)?;
    let outcome = remind(state, demande.reopening, due.reminder);
    let name = due.reminder.event_name();
    write_transaction(conn, |conn| {
        // Several instances run reminders: one at a time per demande, so none is sent twice.
        crate::db::lock_demande(conn, demande.id)?;
        // Read again under the lock: a demande changed since the pass listed it (a draft just
        // submitted) is left to the next pass.
        match demandes::find(conn, demande.id)? {
            Some(fresh)
                if fresh.state == demande.state && fresh.updated_at == demande.updated_at => {}
            _ => return Ok(false),
        }
        // Since the last change for idle reminders; for expiry ones (per habilitation), since
        // its last extension, which gives it a new end to be reminded of.
        let since = if due.tag.is_some() {
            events::last_at(
                conn,
                demande.id,
                crate::domain::demande::Event::Renew.as_str(),
            )?
            .map_or(demande.created_at, |renewed| {
                renewed.max(demande.created_at)
            })
        } else {
            demande.updated_at
        };
        if events::exists_since(conn, demande.id, name, due.tag.as_deref(), since)? {
            return Ok(false);
        }
        let change = Change {
            reason: due.tag.as_deref(),
            until: due.until,
            ..Change::of(
                Some(demande),
                Write::Nothing,
                Happened::Reminder(due.reminder),
                &outcome,
                Actor::PORTAL,
            )
        };
        Ok(persist(conn, &Recorder::of(app), provider, &change, now)?.is_ok())
    })
}

/// Sends the reminders due at `now`.
pub async fn run(app: std::sync::Arc<App>, now: NaiveDateTime) -> Result<Sent, AppError> {
    let job = app.clone();
    job.db
        .clone()
        .run(move |conn| {
            let app = &*job;
            let mut sent = Sent::default();
            let idle = |r: Reminder| Due {
                reminder: r,
                tag: None,
                until: None,
            };
            let before = now - Duration::days(Reminder::IdleDraft.days());
            for d in demandes::idle(conn, "draft", Reminder::IdleDraft.event_name(), before, 500)? {
                sent.drafts += usize::from(record(conn, app, &d, idle(Reminder::IdleDraft), now)?);
            }
            let before = now - Duration::days(Reminder::IdleChanges.days());
            for d in demandes::idle(
                conn,
                "changes_requested",
                Reminder::IdleChanges.event_name(),
                before,
                500,
            )? {
                sent.changes +=
                    usize::from(record(conn, app, &d, idle(Reminder::IdleChanges), now)?);
            }
            for reminder in [Reminder::Expiry60, Reminder::Expiry15] {
                let days = reminder.days();
                // Each notice has its own window: the 60-day one stops where the 15-day one starts.
                let from = match reminder {
                    Reminder::Expiry60 => now + Duration::days(Reminder::Expiry15.days()),
                    _ => now,
                };
                for h in habilitations::expiring(conn, from, now + Duration::days(days))? {
                    // A habilitation granted inside the window was just announced: no reminder yet.
                    if h.granted_at > h.expires_at - Duration::days(days) {
                        continue;
                    }
                    let Some(d) = demandes::find(conn, h.demande_id)? else {
                        continue;
                    };
                    let due = Due {
                        reminder,
                        tag: Some(h.public_id().to_string()),
                        until: Some(h.expires_at),
                    };
                    sent.expiries += usize::from(record(conn, app, &d, due, now)?);
                }
            }
            Ok(sent)
        })
        .await
}
