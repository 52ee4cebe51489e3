//! Demandes left untouched too long are archived by the portal, after their idle reminder:
//! drafts after `archiving.drafts_after_days`, demandes waiting for changes after
//! `archiving.changes_after_days`. The applicant is emailed and may restore them. Run by the
//! worker with the clock passed in; each archiving is guarded (two workers, or the applicant
//! saving at that instant, never archive twice nor over a change).

use chrono::{Duration, NaiveDateTime};

use crate::db::models::Demande;
use crate::db::{DbConnection, demandes, write_transaction};
use crate::domain::demande::{Event, Reminder, archive_idle};
use crate::error::AppError;

use super::App;
use super::persist::{Actor, Change, Happened, Recorder, Write, persist};

/// How many demandes one pass archived.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Archived {
    pub drafts: usize,
    pub changes: usize,
}

fn archive(
    conn: &mut DbConnection,
    app: &App,
    demande: &Demande,
    days: i64,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let Some(provider) = app
        .catalog
        .at_stage(&demande.provider, demande.stage.as_deref())
    else {
        return Ok(false);
    };
    let Ok(outcome) = archive_idle(super::state_of(demande)?, demande.reopening) else {
        return Ok(false);
    };
    let reason = format!("elle n'avait pas été modifiée depuis plus de {days} jours");
    write_transaction(conn, |conn| {
        let change = Change {
            reason: Some(&reason),
            ..Change::of(
                Some(demande),
                Write::State,
                Happened::Event(Event::Archive),
                &outcome,
                Actor::PORTAL,
            )
        };
        // Guarded on the row as listed: a demande changed since is left alone.
        Ok(persist(conn, &Recorder::of(app), provider, &change, now)?.is_ok())
    })
}

/// Archives the demandes due at `now`.
pub async fn run(app: std::sync::Arc<App>, now: NaiveDateTime) -> Result<Archived, AppError> {
    let policy = app.settings.archiving;
    let job = app.clone();
    job.db
        .clone()
        .run(move |conn| {
            let app = &*job;
            let mut done = Archived::default();
            for (state, reminder, days, count) in [
                (
                    "draft",
                    Reminder::IdleDraft,
                    policy.drafts_after_days,
                    &mut done.drafts,
                ),
                (
                    "changes_requested",
                    Reminder::IdleChanges,
                    policy.changes_after_days,
                    &mut done.changes,
                ),
            ] {
                if days <= 0 {
                    continue;
                }
                let before = now - Duration::days(days);
                for d in demandes::unattended(conn, state, reminder.event_name(), before, 500)? {
                    *count += usize::from(archive(conn, app, &d, days, now)?);
                }
            }
            Ok(done)
        })
        .await
}
