//! Reminders, run by the worker on a schedule with the clock passed in. Idempotent: each
//! reminder sent is an event row, and a reminder already recorded is not sent again.

use chrono::NaiveDateTime;

use crate::db::models::{Demande, NewEvent};
use crate::db::{DbConnection, demandes, events, habilitations, write_transaction};
use crate::domain::demande::public_id;
use crate::error::AppError;

use super::{App, notify};

/// Days a draft waits before its applicant is reminded.
pub const DRAFT_IDLE_DAYS: i64 = 15;
/// Days a demande waits in changes requested before its applicant is reminded.
pub const CHANGES_IDLE_DAYS: i64 = 30;
/// Days before the end of a habilitation its applicant is reminded, twice.
pub const EXPIRY_NOTICES: [i64; 2] = [60, 15];

/// How many reminders one pass sent.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sent {
    pub drafts: usize,
    pub changes: usize,
    pub expiries: usize,
}

/// One reminder to send, unless already sent.
struct Reminder<'a> {
    name: &'static str,
    /// Which habilitation, for expiry reminders (one per habilitation and notice).
    reason: Option<&'a str>,
    subject: String,
    text: String,
}

fn record(
    conn: &mut DbConnection,
    app: &App,
    demande: &Demande,
    reminder: Reminder,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let Reminder {
        name,
        reason,
        subject,
        text,
    } = reminder;
    let links = &app.links;
    let Some(provider) = app.catalog.get(&demande.provider) else {
        return Ok(false);
    };
    write_transaction(conn, |conn| {
        // Several instances run reminders: one at a time per demande, so none is sent twice.
        crate::db::lock_demande(conn, demande.id)?;
        // Since the last change for idle reminders; ever (per habilitation) for expiry ones.
        let since = if reason.is_some() {
            demande.created_at
        } else {
            demande.updated_at
        };
        if events::exists_since(conn, demande.id, name, reason, since)? {
            return Ok(false);
        }
        events::insert(
            conn,
            &NewEvent {
                demande_id: demande.id,
                actor_id: None,
                name,
                from_state: Some(&demande.state),
                to_state: &demande.state,
                reason,
                diff: None,
                created_at: now,
            },
        )?;
        notify::reminder(conn, links, provider, demande, name, subject, text)?;
        Ok(true)
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
            let before = now - chrono::Duration::days(DRAFT_IDLE_DAYS);
            for d in demandes::idle(conn, "draft", "reminder_draft", before, 500)? {
                let subject = format!("[habilis] Votre brouillon {} attend d'être terminé", public_id(d.id));
                let text = format!(
                    "Votre demande {} est en brouillon depuis plus de {DRAFT_IDLE_DAYS} jours. Terminez-la et soumettez-la, ou archivez-la si elle n'est plus utile.",
                    public_id(d.id)
                );
                sent.drafts += usize::from(record(conn, app, &d, Reminder { name: "reminder_draft", reason: None, subject, text }, now)?);
            }
            let before = now - chrono::Duration::days(CHANGES_IDLE_DAYS);
            for d in demandes::idle(conn, "changes_requested", "reminder_changes", before, 500)? {
                let subject = format!("[habilis] Des modifications sont attendues sur votre demande {}", public_id(d.id));
                let text = format!(
                    "L'instructeur a demandé des modifications sur votre demande {} il y a plus de {CHANGES_IDLE_DAYS} jours. Modifiez-la et soumettez-la à nouveau pour qu'elle soit instruite.",
                    public_id(d.id)
                );
                sent.changes += usize::from(record(conn, app, &d, Reminder { name: "reminder_changes", reason: None, subject, text }, now)?);
            }
            for days in EXPIRY_NOTICES {
                let name = if days == 60 { "reminder_expiry_60" } else { "reminder_expiry_15" };
                // Each notice has its own window: the 60-day one stops where the 15-day one starts.
                let from = if days == 60 { now + chrono::Duration::days(15) } else { now };
                for h in habilitations::expiring(conn, from, now + chrono::Duration::days(days))? {
                    // A habilitation granted inside the window was just announced: no reminder yet.
                    if h.granted_at > h.expires_at - chrono::Duration::days(days) {
                        continue;
                    }
                    let Some(d) = demandes::find(conn, h.demande_id)? else { continue };
                    let tag = h.public_id().to_string();
                    let subject = format!("[habilis] Votre habilitation {tag} expire le {}", h.expires_at.format("%d/%m/%Y"));
                    let text = format!(
                        "L'habilitation {tag} accordée à la suite de la demande {} prend fin le {}. Pour la prolonger, ouvrez la demande et choisissez « Mettre à jour ou renouveler la demande » : vos réponses sont reprises et l'habilitation reste active pendant l'instruction.",
                        public_id(d.id),
                        h.expires_at.format("%d/%m/%Y")
                    );
                    sent.expiries += usize::from(record(conn, app, &d, Reminder { name, reason: Some(&tag), subject, text }, now)?);
                }
            }
            Ok(sent)
        })
        .await
}
