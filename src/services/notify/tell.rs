//! What each notice says, and to whom: submissions (the provider's people, and a receipt to
//! the applicant), decisions (the applicant, reporters, the GDPR contacts), messages, reminders
//! and the weekly digest.

use chrono::NaiveDateTime;

use crate::catalog::Provider;
use crate::db::DbConnection;
use crate::db::models::User;
use crate::db::users;
use crate::domain::demande::{Notice, Reminder, public_id};
use crate::error::AppError;

use super::recipients::{To, applicant, applicant_path, contacts, instruction_path, people, staff};
use super::tools;
use super::{
    DigestData, Kind, Links, MailData, NOBODY, Out, Topic, holders, queue, render_digest, write,
};

/// A submission: the provider's people, and a receipt to the applicant.
fn on_submit(out: &mut Out, resubmission: bool) -> Result<(), AppError> {
    let (provider, demande) = (out.provider, out.demande);
    let id = public_id(demande.id);
    let mut data = out.base(&instruction_path(demande));
    data.actor_name = format!("{} ({})", out.author.name, out.author.email);
    data.resubmission = resubmission;
    data.subject = if resubmission {
        format!(
            "[habilis] Demande {id} modifiée et soumise à nouveau – {}",
            provider.name
        )
    } else {
        format!("[habilis] Nouvelle demande {id} – {}", provider.name)
    };
    let to = staff(out.conn, out.links, provider, demande, Kind::NewDemandes)?;
    let topic = if resubmission {
        Topic::Resubmitted
    } else {
        Topic::Submitted
    };
    queue(out, topic, to, &data)?;

    let receipt = MailData {
        subject: if resubmission {
            format!("[habilis] Vos modifications de la demande {id} sont bien reçues")
        } else {
            format!("[habilis] Votre demande {id} est bien reçue")
        },
        resubmission,
        link_label: "Suivre votre demande sur habilis".to_string(),
        ..out.base(&applicant_path(demande))
    };
    let to = applicant(out.conn, demande)?;
    let mut as_portal = Out {
        conn: &mut *out.conn,
        author: &NOBODY,
        ..*out
    };
    queue(&mut as_portal, Topic::Receipt, to, &receipt)
}

/// What the applicant is told of a decision: its topic, the word for the provider's people
/// ("refusée"…), and the email's data.
fn to_applicant(
    out: &Out,
    notice: Notice,
    reason: Option<&str>,
    until: Option<NaiveDateTime>,
    narrowed: &[String],
) -> Option<(Topic, Option<&'static str>, MailData)> {
    let id = public_id(out.demande.id);
    let (topic, subject, decision) = match notice {
        Notice::ChangesRequested => (
            Topic::ChangesRequested,
            format!("[habilis] Modifications demandées sur votre demande {id}"),
            None,
        ),
        Notice::Refused => (
            Topic::Refused,
            format!("[habilis] Votre demande {id} a été refusée"),
            Some("refusée"),
        ),
        Notice::Approved => (
            Topic::Approved,
            format!("[habilis] Votre demande {id} est validée"),
            Some("validée"),
        ),
        Notice::Revoked => (
            Topic::Revoked,
            format!("[habilis] L'habilitation de la demande {id} est révoquée"),
            Some("révoquée"),
        ),
        _ => return None,
    };
    let data = MailData {
        subject,
        quote: reason.unwrap_or_default().to_string(),
        until: until.map(|u| u.format("%d/%m/%Y").to_string()),
        narrowed: narrowed.to_vec(),
        ..out.base(&applicant_path(out.demande))
    };
    Some((topic, decision, data))
}

/// The email the applicant would receive for this decision, rendered as it would leave, not
/// queued: what an instructor reads before confirming.
pub fn preview_to_applicant(
    out: &mut Out,
    notice: Notice,
    reason: Option<&str>,
    until: Option<NaiveDateTime>,
    narrowed: &[String],
) -> Result<Option<super::Preview>, AppError> {
    let Some((topic, _, data)) = to_applicant(out, notice, reason, until, narrowed) else {
        return Ok(None);
    };
    let to = applicant(out.conn, out.demande)?;
    super::preview(out, topic, to, &data)
}

/// The emails a notice sends, inside the transaction of its event.
pub fn on_transition(
    out: &mut Out,
    notice: Notice,
    reason: Option<&str>,
    until: Option<NaiveDateTime>,
    narrowed: &[String],
) -> Result<(), AppError> {
    let quote = reason.unwrap_or_default().to_string();
    let (provider, demande) = (out.provider, out.demande);
    let id = public_id(demande.id);
    let (topic, decision, data) = match notice {
        Notice::Submitted { resubmission } => return on_submit(out, resubmission),
        Notice::Reminder(reminder) => {
            let until = until.map(|u| u.format("%d/%m/%Y").to_string());
            return remind(out, reminder, reason, until);
        }
        Notice::IdleArchived => return tools::idle_archived(out, reason),
        Notice::Transferred => return tools::transferred(out, reason),
        Notice::Renewed => return tools::renewed(out, reason, until),
        _ => match to_applicant(out, notice, reason, until, narrowed) {
            Some(told) => told,
            None => return Ok(()),
        },
    };
    let until = until.map(|u| u.format("%d/%m/%Y").to_string());
    let to = applicant(out.conn, demande)?;
    // One email per address for this event: a contact who is also the applicant, or
    // named twice, is told once.
    let mut told: Vec<String> = to.iter().map(|t| t.email.trim().to_lowercase()).collect();
    queue(out, topic, to, &data)?;

    if let Some(decision) = decision {
        let data = MailData {
            subject: format!("[habilis] Demande {id} {decision} – {}", provider.name),
            quote,
            until: until.clone(),
            actor_name: out.author.name.to_string(),
            decision: decision.to_string(),
            narrowed: narrowed.to_vec(),
            ..out.base(&instruction_path(demande))
        };
        let to = staff(
            out.conn,
            out.links,
            provider,
            demande,
            Kind::ProviderDecisions,
        )?;
        queue(out, Topic::Decided, to, &data)?;
    }

    if matches!(notice, Notice::Approved | Notice::Revoked) {
        let revoked = notice == Notice::Revoked;
        let topic = if revoked {
            Topic::ContactRevoked
        } else {
            Topic::ContactApproved
        };
        let answers = crate::services::answers_of(demande);
        for (email, role) in contacts(&answers) {
            let address = email.trim().to_lowercase();
            if told.contains(&address) {
                continue;
            }
            told.push(address);
            // Contacts may have no account: no link, but whom to ask.
            let data = MailData {
                subject: format!(
                    "[habilis] Protection des données : demande {id} {}",
                    if revoked { "révoquée" } else { "validée" }
                ),
                role: role.to_string(),
                revoked,
                until: until.clone(),
                link: String::new(),
                ..out.base("")
            };
            let to = vec![To {
                email,
                user_id: None,
                link: None,
            }];
            queue(out, topic, to, &data)?;
        }
    }
    Ok(())
}

/// The emails a message sends: to the provider's instructors, or to the applicant.
pub fn on_message(out: &mut Out, from_instructor: bool, body: &str) -> Result<(), AppError> {
    let (provider, demande) = (out.provider, out.demande);
    let path = if from_instructor {
        applicant_path(demande)
    } else {
        instruction_path(demande)
    };
    let mut data = out.base(&path);
    data.subject = format!(
        "[habilis] Nouveau message sur la demande {}",
        public_id(demande.id)
    );
    data.actor_name = if from_instructor {
        format!("L'instruction ({})", provider.name)
    } else {
        format!("{} ({})", out.author.name, out.author.email)
    };
    data.quote = body.to_string();
    let (topic, to) = if from_instructor {
        (Topic::MessageToApplicant, applicant(out.conn, demande)?)
    } else {
        let holders = users::holders_of(out.conn, &provider.slug, holders(Kind::Messages))?;
        (Topic::MessageToInstructors, people(holders))
    };
    queue(out, topic, to, &data)
}

/// A reminder to the applicant. For expiry ones, `tag` names the habilitation and `until` its
/// end.
fn remind(
    out: &mut Out,
    reminder: Reminder,
    tag: Option<&str>,
    until: Option<String>,
) -> Result<(), AppError> {
    let id = public_id(out.demande.id);
    let (tag, until) = (tag.unwrap_or_default(), until.unwrap_or_default());
    let (subject, text) = match reminder {
        Reminder::IdleDraft => (
            format!("[habilis] Votre brouillon {id} attend d'être terminé"),
            format!(
                "Votre demande {id} est en brouillon depuis plus de {} jours. Terminez-la et soumettez-la, ou archivez-la si elle n'est plus utile.",
                reminder.days()
            ),
        ),
        Reminder::IdleChanges => (
            format!("[habilis] Des modifications sont attendues sur votre demande {id}"),
            format!(
                "L'instructeur a demandé des modifications sur votre demande {id} il y a plus de {} jours. Modifiez-la et soumettez-la à nouveau pour qu'elle soit instruite.",
                reminder.days()
            ),
        ),
        Reminder::Expiry60 | Reminder::Expiry15 => (
            format!("[habilis] Votre habilitation {tag} expire le {until}"),
            format!(
                "L'habilitation {tag} accordée à la suite de la demande {id} prend fin le {until}. Pour la prolonger, ouvrez la demande et choisissez « Mettre à jour ou renouveler la demande » : vos réponses sont reprises et l'habilitation reste active pendant l'instruction."
            ),
        ),
    };
    let data = MailData {
        subject,
        quote: text,
        ..out.base(&applicant_path(out.demande))
    };
    let to = applicant(out.conn, out.demande)?;
    queue(out, Topic::Reminder(reminder.event_name()), to, &data)
}

/// A weekly digest of a provider to one person, who asked for it.
pub fn digest(
    conn: &mut DbConnection,
    links: &Links,
    provider: &Provider,
    user: &User,
    (data, digest): (&MailData, &DigestData),
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let kind = Kind::WeeklyDigest;
    let data = MailData {
        unsubscribe: Some(links.unsubscribe_url(user.id, &provider.slug, kind.as_str())),
        ..data.clone()
    };
    let rendered = render_digest(&data, digest)?;
    write(
        conn,
        Topic::WeeklyDigest,
        None,
        &user.email,
        &data,
        rendered,
        now,
    )
}
