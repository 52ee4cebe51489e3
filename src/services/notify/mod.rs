//! Who is told what, by email: outbox rows written in the transaction of the event.
//! Each email is rendered once, when queued, so a retry sends exactly the same message.

mod kinds;
mod links;
mod mails;
mod recipients;

use chrono::NaiveDateTime;

use crate::catalog::Provider;
use crate::db::models::{Demande, User};
use crate::db::outbox::{self, NewEmail};
use crate::db::{DbConnection, users};
use crate::domain::demande::{Notice, public_id};
use crate::error::AppError;

pub use kinds::{Kind, Topic, holders, receivable};
pub use links::Links;
pub use mails::{DigestData, MailData, WaitingDemande, render, render_digest};
use recipients::{To, applicant, applicant_path, contacts, instruction_path, people, staff};

/// Who did what (never told of their own action).
pub struct Author<'a> {
    pub email: &'a str,
    pub name: &'a str,
}

/// Nobody: for what the portal itself sends (receipts, reminders).
const NOBODY: Author<'static> = Author {
    email: "",
    name: "",
};

fn base(provider: &Provider, demande: &Demande, links: &Links, path: &str) -> MailData {
    MailData {
        public_id: public_id(demande.id),
        intitule: if demande.intitule.is_empty() {
            "(sans titre)".to_string()
        } else {
            demande.intitule.clone()
        },
        organisation: demande.organisation_name.clone(),
        provider_name: provider.name.clone(),
        link: links.to(path),
        link_label: "Voir la demande sur habilis".to_string(),
        provider_body: provider.provider.clone(),
        contact_email: provider.contact_email.clone(),
        applicant_email: demande.applicant_email.clone(),
        delay_days: provider.usual_delay_days,
        ..MailData::default()
    }
}

/// Writes one email to the outbox.
fn write(
    conn: &mut DbConnection,
    topic: Topic,
    demande_id: Option<i64>,
    email: &str,
    data: &MailData,
    (text, html): (String, String),
) -> Result<(), AppError> {
    let at = crate::services::now();
    outbox::insert(
        conn,
        &NewEmail {
            kind: "email",
            topic: topic.as_str(),
            demande_id,
            recipient: email,
            subject: &data.subject,
            body_text: &text,
            body_html: &html,
            unsubscribe_url: data.unsubscribe.as_deref(),
            attempts: 0,
            next_attempt_at: at,
            created_at: at,
        },
    )?;
    Ok(())
}

/// Whether a person receives a kind from a provider (their choice, or the kind's default).
pub fn wants(
    conn: &mut DbConnection,
    user_id: i64,
    provider: &str,
    kind: Kind,
) -> Result<bool, AppError> {
    Ok(outbox::preference(conn, user_id, provider, kind.as_str())?.unwrap_or(kind.on_by_default()))
}

#[allow(clippy::too_many_arguments)]
fn queue(
    conn: &mut DbConnection,
    links: &Links,
    provider: &Provider,
    demande: &Demande,
    topic: Topic,
    to: Vec<To>,
    data: &MailData,
    author: &Author,
) -> Result<(), AppError> {
    let mut seen: Vec<String> = Vec::new();
    for person in to {
        let email = person.email.trim().to_lowercase();
        if email.is_empty() || email == author.email.to_lowercase() || seen.contains(&email) {
            continue;
        }
        seen.push(email.clone());
        let unsubscribe = match (person.user_id, topic.kind()) {
            (Some(user), Some(kind)) => {
                if !wants(conn, user, &provider.slug, kind)? {
                    continue;
                }
                Some(links.unsubscribe_url(user, &provider.slug, kind.as_str()))
            }
            _ => None,
        };
        let data = MailData {
            unsubscribe,
            link: person.link.unwrap_or_else(|| data.link.clone()),
            ..data.clone()
        };
        let rendered = render(&provider.slug, topic, &data)?;
        write(conn, topic, Some(demande.id), &email, &data, rendered)?;
    }
    Ok(())
}

/// A submission: the provider's people, and a receipt to the applicant.
fn on_submit(
    conn: &mut DbConnection,
    links: &Links,
    provider: &Provider,
    demande: &Demande,
    resubmission: bool,
    author: &Author,
) -> Result<(), AppError> {
    let id = public_id(demande.id);
    let mut data = base(provider, demande, links, &instruction_path(demande));
    data.actor_name = format!("{} ({})", author.name, author.email);
    data.resubmission = resubmission;
    data.subject = if resubmission {
        format!(
            "[habilis] Demande {id} modifiée et soumise à nouveau – {}",
            provider.name
        )
    } else {
        format!("[habilis] Nouvelle demande {id} – {}", provider.name)
    };
    let to = staff(conn, links, provider, demande, Kind::NewDemandes)?;
    let topic = if resubmission {
        Topic::Resubmitted
    } else {
        Topic::Submitted
    };
    queue(conn, links, provider, demande, topic, to, &data, author)?;

    let receipt = MailData {
        subject: if resubmission {
            format!("[habilis] Vos modifications de la demande {id} sont bien reçues")
        } else {
            format!("[habilis] Votre demande {id} est bien reçue")
        },
        resubmission,
        link_label: "Suivre votre demande sur habilis".to_string(),
        ..base(provider, demande, links, &applicant_path(demande))
    };
    let to = applicant(conn, demande)?;
    queue(
        conn,
        links,
        provider,
        demande,
        Topic::Receipt,
        to,
        &receipt,
        &NOBODY,
    )
}

/// The emails a transition sends. Called inside its transaction.
#[allow(clippy::too_many_arguments)]
pub fn on_transition(
    conn: &mut DbConnection,
    links: &Links,
    provider: &Provider,
    demande: &Demande,
    notice: Notice,
    author: &Author,
    reason: Option<&str>,
    until: Option<NaiveDateTime>,
) -> Result<(), AppError> {
    let quote = reason.unwrap_or_default().to_string();
    let until = until.map(|u| u.format("%d/%m/%Y").to_string());
    let id = public_id(demande.id);
    let (topic, subject, decision) = match notice {
        Notice::Submitted { resubmission } => {
            return on_submit(conn, links, provider, demande, resubmission, author);
        }
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
    };
    let data = MailData {
        subject,
        quote: quote.clone(),
        until: until.clone(),
        ..base(provider, demande, links, &applicant_path(demande))
    };
    let to = applicant(conn, demande)?;
    // One email per address for this event: a contact who is also the applicant, or
    // named twice, is told once.
    let mut told: Vec<String> = to.iter().map(|t| t.email.trim().to_lowercase()).collect();
    queue(conn, links, provider, demande, topic, to, &data, author)?;

    if let Some(decision) = decision {
        let data = MailData {
            subject: format!("[habilis] Demande {id} {decision} – {}", provider.name),
            quote,
            until: until.clone(),
            actor_name: author.name.to_string(),
            decision: decision.to_string(),
            ..base(provider, demande, links, &instruction_path(demande))
        };
        let to = staff(conn, links, provider, demande, Kind::ProviderDecisions)?;
        queue(
            conn,
            links,
            provider,
            demande,
            Topic::Decided,
            to,
            &data,
            author,
        )?;
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
                ..base(provider, demande, links, "")
            };
            let to = vec![To {
                email,
                user_id: None,
                link: None,
            }];
            queue(conn, links, provider, demande, topic, to, &data, author)?;
        }
    }
    Ok(())
}

/// The emails a message sends: to the provider's instructors, or to the applicant.
pub fn on_message(
    conn: &mut DbConnection,
    links: &Links,
    provider: &Provider,
    demande: &Demande,
    from_instructor: bool,
    author: &Author,
    body: &str,
) -> Result<(), AppError> {
    let path = if from_instructor {
        applicant_path(demande)
    } else {
        instruction_path(demande)
    };
    let mut data = base(provider, demande, links, &path);
    data.subject = format!(
        "[habilis] Nouveau message sur la demande {}",
        public_id(demande.id)
    );
    data.actor_name = if from_instructor {
        format!("L'instruction ({})", provider.name)
    } else {
        format!("{} ({})", author.name, author.email)
    };
    data.quote = body.to_string();
    let (topic, to) = if from_instructor {
        (Topic::MessageToApplicant, applicant(conn, demande)?)
    } else {
        (
            Topic::MessageToInstructors,
            people(users::holders_of(
                conn,
                &provider.slug,
                holders(Kind::Messages),
            )?),
        )
    };
    queue(conn, links, provider, demande, topic, to, &data, author)
}

/// A reminder to the applicant (the reminder's text in `text`).
pub fn reminder(
    conn: &mut DbConnection,
    links: &Links,
    provider: &Provider,
    demande: &Demande,
    name: &'static str,
    subject: String,
    text: String,
) -> Result<(), AppError> {
    let data = MailData {
        subject,
        quote: text,
        ..base(provider, demande, links, &applicant_path(demande))
    };
    let to = applicant(conn, demande)?;
    queue(
        conn,
        links,
        provider,
        demande,
        Topic::Reminder(name),
        to,
        &data,
        &NOBODY,
    )
}

/// A weekly digest of a provider to one person, who asked for it.
pub fn digest(
    conn: &mut DbConnection,
    links: &Links,
    provider: &Provider,
    user: &User,
    data: &MailData,
    digest: &DigestData,
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
    )
}
