//! Who is told what, by email: outbox rows written in the transaction of the event.
//! Each email is rendered once, when queued, so a retry sends exactly the same message.

mod kinds;
mod links;
mod mails;
mod recipients;
mod tell;
mod tools;

use chrono::NaiveDateTime;

use crate::catalog::Provider;
use crate::db::DbConnection;
use crate::db::models::Demande;
use crate::db::outbox::{self, Kind as RowKind, NewOutboxRow};
use crate::domain::demande::public_id;
use crate::error::AppError;

pub use kinds::{Kind, Topic, holders, receivable};
pub use links::Links;
pub use mails::{
    DigestData, MailData, WaitingDemande, check_provider_mails, render, render_digest,
};
use recipients::To;
pub use tell::{digest, on_message, on_transition, preview_to_applicant};
pub use tools::{on_opinion, on_opinion_withdrawn, on_transfer_away};

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

/// Where the emails of one event go: the transaction's connection, the demande, who acted and
/// when (the clock is the caller's).
pub struct Out<'a> {
    pub conn: &'a mut DbConnection,
    pub links: &'a Links,
    pub provider: &'a Provider,
    pub demande: &'a Demande,
    pub author: &'a Author<'a>,
    pub now: NaiveDateTime,
}

impl<'a> Out<'a> {
    /// What emails about `demande` need, by `author`, at the portal's clock.
    pub fn new(
        conn: &'a mut DbConnection,
        links: &'a Links,
        (provider, demande): (&'a Provider, &'a Demande),
        author: &'a Author<'a>,
    ) -> Out<'a> {
        Out {
            conn,
            links,
            provider,
            demande,
            author,
            now: super::now(),
        }
    }
}

impl Out<'_> {
    /// The data every email about this demande shows, with the link to `path`.
    fn base(&self, path: &str) -> MailData {
        base(self.provider, self.demande, self.links, path)
    }
}

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
    at: NaiveDateTime,
) -> Result<(), AppError> {
    outbox::insert(
        conn,
        &NewOutboxRow {
            kind: RowKind::Email.into(),
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
            secret_env: None,
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

/// Writes one email per person (once per address; never to the author; never to whom
/// switched this kind off), each with their own unsubscribe link.
/// Each recipient's own copy of the email (their link, their unsubscribe link): nobody twice,
/// never the author, nobody who switched this kind off.
fn personal(
    out: &mut Out,
    topic: Topic,
    to: Vec<To>,
    data: &MailData,
) -> Result<Vec<(String, MailData)>, AppError> {
    let mut copies: Vec<(String, MailData)> = Vec::new();
    let slug = &out.provider.slug;
    for person in to {
        let email = person.email.trim().to_lowercase();
        if email.is_empty()
            || email == out.author.email.to_lowercase()
            || copies.iter().any(|(e, _)| *e == email)
        {
            continue;
        }
        let unsubscribe = match (person.user_id, topic.kind()) {
            (Some(user), Some(kind)) => {
                if !wants(out.conn, user, slug, kind)? {
                    continue;
                }
                Some(out.links.unsubscribe_url(user, slug, kind.as_str()))
            }
            _ => None,
        };
        let data = MailData {
            unsubscribe,
            link: person.link.unwrap_or_else(|| data.link.clone()),
            ..data.clone()
        };
        copies.push((email, data));
    }
    Ok(copies)
}

fn queue(out: &mut Out, topic: Topic, to: Vec<To>, data: &MailData) -> Result<(), AppError> {
    for (email, data) in personal(out, topic, to, data)? {
        let rendered = render(out.provider, topic, &data)?;
        let id = Some(out.demande.id);
        write(out.conn, topic, id, &email, &data, rendered, out.now)?;
    }
    Ok(())
}

/// An email as it would leave, without queueing it: to whom, its subject, text and HTML.
#[derive(Debug, Clone)]
pub struct Preview {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The first recipient's copy, rendered exactly as [`queue`] would.
fn preview(
    out: &mut Out,
    topic: Topic,
    to: Vec<To>,
    data: &MailData,
) -> Result<Option<Preview>, AppError> {
    let Some((email, data)) = personal(out, topic, to, data)?.into_iter().next() else {
        return Ok(None);
    };
    // The applicant's own signed unsubscribe link is theirs alone: shown as a placeholder.
    let data = MailData {
        unsubscribe: data
            .unsubscribe
            .as_ref()
            .map(|_| "(lien de désabonnement personnel du destinataire)".to_string()),
        ..data
    };
    let (text, html) = render(out.provider, topic, &data)?;
    Ok(Some(Preview {
        to: email,
        subject: data.subject.clone(),
        text,
        html,
    }))
}
