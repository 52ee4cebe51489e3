//! What the instruction side's daily tools tell: transfers and mergers, opinions asked, given
//! or withdrawn, extensions of a habilitation, demandes archived for want of activity.

use chrono::NaiveDateTime;

use crate::db::models::User;
use crate::domain::demande::public_id;
use crate::error::AppError;

use super::recipients::{applicant, applicant_path, instruction_path, people};
use super::{MailData, Out, Topic, queue};

/// An instructor extended the demande's habilitation: the applicant is told its new end.
pub(super) fn renewed(
    out: &mut Out,
    note: Option<&str>,
    until: Option<NaiveDateTime>,
) -> Result<(), AppError> {
    let id = public_id(out.demande.id);
    let until = until
        .map(|u| u.format("%d/%m/%Y").to_string())
        .unwrap_or_default();
    let mut text = format!(
        "{} a prolongé l'habilitation accordée à la suite de votre demande {id} ({}) : elle est valable jusqu'au {until}. Rien d'autre ne change.",
        out.author.name, out.provider.name
    );
    if let Some(note) = note.filter(|n| !n.trim().is_empty()) {
        text.push_str(&format!(" Détail : {note}"));
    }
    let data = MailData {
        subject: format!("[habilis] Votre habilitation est prolongée jusqu'au {until}"),
        quote: text,
        ..out.base(&applicant_path(out.demande))
    };
    let to = applicant(out.conn, out.demande)?;
    queue(out, Topic::Reminder("renewed"), to, &data)
}

/// A demande the instruction side handed to another agent: the new applicant is told why.
pub(super) fn transferred(out: &mut Out, why: Option<&str>) -> Result<(), AppError> {
    let id = public_id(out.demande.id);
    let data = MailData {
        subject: format!("[habilis] La demande {id} vous a été transférée"),
        quote: format!(
            "{} vous a transféré la demande {id} ({}) : vous en êtes désormais le demandeur, et recevrez les courriels de son instruction. Motif : {}",
            out.author.name,
            out.provider.name,
            why.unwrap_or_default()
        ),
        ..out.base(&applicant_path(out.demande))
    };
    let to = applicant(out.conn, out.demande)?;
    queue(out, Topic::Reminder("transferred"), to, &data)
}

/// The applicant a demande was taken from by the instruction side is told to whom, and why.
/// In a merger (`elsewhere`: the organisation it moved to), the email says so.
pub fn on_transfer_away(
    out: &mut Out,
    to_whom: &str,
    (why, elsewhere): (&str, Option<&str>),
) -> Result<(), AppError> {
    let id = public_id(out.demande.id);
    let (subject, quote) = match elsewhere {
        None => (
            format!("[habilis] La demande {id} a été transférée à un collègue"),
            format!(
                "{} a transféré la demande {id} ({}) à {to_whom}, de votre organisation, qui en est désormais le demandeur. Motif : {why}",
                out.author.name, out.provider.name
            ),
        ),
        Some(organisation) => (
            format!("[habilis] La demande {id} est rattachée à {organisation}"),
            format!(
                "{} a rattaché la demande {id} ({}) et ses habilitations à {organisation} : {to_whom} en est désormais le demandeur. Motif : {why}",
                out.author.name, out.provider.name
            ),
        ),
    };
    let mut data = MailData {
        subject,
        quote,
        ..out.base(&applicant_path(out.demande))
    };
    // After a merger the demande is another organisation's: no link to a page they lost.
    if elsewhere.is_some() {
        data.link = String::new();
    }
    // Told even when they left the organisation: the reason of most such transfers.
    let to = vec![super::recipients::To {
        email: out.demande.applicant_email.clone(),
        user_id: Some(out.demande.applicant_id),
        link: None,
    }];
    queue(out, Topic::Reminder("transferred_away"), to, &data)
}

/// An opinion asked (to the person asked) or given (to the instructor who asked): the
/// instruction side only, never the applicant.
pub fn on_opinion(out: &mut Out, to: User, asked: bool, text: &str) -> Result<(), AppError> {
    let id = public_id(out.demande.id);
    let data = MailData {
        subject: if asked {
            format!("[habilis] Votre avis est demandé sur la demande {id}")
        } else {
            format!("[habilis] Avis rendu sur la demande {id}")
        },
        actor_name: format!("{} ({})", out.author.name, out.author.email),
        quote: text.to_string(),
        link_label: "Ouvrir la demande dans l'espace d'instruction".to_string(),
        ..out.base(&instruction_path(out.demande))
    };
    let topic = if asked {
        "opinion_asked"
    } else {
        "opinion_given"
    };
    queue(out, Topic::Reminder(topic), people(vec![to]), &data)
}

/// An opinion withdrawn before its answer: the person asked need not answer.
pub fn on_opinion_withdrawn(out: &mut Out, to: User, text: &str) -> Result<(), AppError> {
    let id = public_id(out.demande.id);
    let data = MailData {
        subject: format!("[habilis] Demande d'avis retirée sur la demande {id}"),
        actor_name: format!("{} ({})", out.author.name, out.author.email),
        quote: text.to_string(),
        link_label: "Ouvrir la demande dans l'espace d'instruction".to_string(),
        ..out.base(&instruction_path(out.demande))
    };
    queue(
        out,
        Topic::Reminder("opinion_withdrawn"),
        people(vec![to]),
        &data,
    )
}

/// A demande the portal archived for want of activity: the applicant may restore it.
pub(super) fn idle_archived(out: &mut Out, why: Option<&str>) -> Result<(), AppError> {
    let id = public_id(out.demande.id);
    let text = format!(
        "Votre demande {id} est archivée : {}. Si elle vous est encore utile, ouvrez-la et choisissez « Restaurer la demande » : elle reprend là où elle en était, avec vos réponses.",
        why.unwrap_or("elle n'avait pas été modifiée depuis longtemps")
    );
    let data = MailData {
        subject: format!("[habilis] Votre demande {id} a été archivée faute d'activité"),
        quote: text,
        ..out.base(&applicant_path(out.demande))
    };
    let to = applicant(out.conn, out.demande)?;
    queue(out, Topic::Reminder("idle_archived"), to, &data)
}
