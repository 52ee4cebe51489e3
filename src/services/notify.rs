//! Who is told what, by email: outbox rows written in the transaction of the event.
//! Each email is rendered once, when queued, so a retry sends exactly the same message.

use askama::Template;
use chrono::NaiveDateTime;
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;

use crate::catalog::Provider;
use crate::config::Settings;
use crate::db::models::{Demande, User};
use crate::db::outbox::{self, NewEmail};
use crate::db::{DbConnection, users};
use crate::domain::demande::{Notice, public_id};
use crate::domain::form::{Answers, Value};
use crate::error::AppError;

/// Links in emails, and the key that signs unsubscribe links.
#[derive(Clone)]
pub struct Links {
    pub base_url: String,
    key: Vec<u8>,
    /// Webhook URLs and secrets, by the variable names providers' files give.
    pub webhook_env: std::sync::Arc<std::collections::HashMap<String, String>>,
}

impl Links {
    pub fn from_settings(settings: &Settings) -> Links {
        Links {
            base_url: settings.base_url.clone(),
            key: settings.session_key.expose_secret().as_bytes().to_vec(),
            webhook_env: std::sync::Arc::new(settings.webhook_env.clone()),
        }
    }

    /// HMAC accepts keys of any length, so this is always Some.
    fn mac(&self, user_id: i64, provider: &str, kind: &str) -> Option<Hmac<Sha256>> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).ok()?;
        mac.update(format!("desabonnement:{user_id}:{provider}:{kind}").as_bytes());
        Some(mac)
    }

    /// The token of an unsubscribe link: turns off exactly this kind, for this provider and person.
    pub fn unsubscribe_token(&self, user_id: i64, provider: &str, kind: &str) -> String {
        self.mac(user_id, provider, kind)
            .map(|mac| {
                mac.finalize()
                    .into_bytes()
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn verify_unsubscribe(
        &self,
        user_id: i64,
        provider: &str,
        kind: &str,
        token: &str,
    ) -> bool {
        let (Some(bytes), Some(mac)) = (decode_hex(token), self.mac(user_id, provider, kind))
        else {
            return false;
        };
        mac.verify_slice(&bytes).is_ok()
    }

    pub fn unsubscribe_url(&self, user_id: i64, provider: &str, kind: &str) -> String {
        let token = self.unsubscribe_token(user_id, provider, kind);
        format!(
            "{}/desabonnement?u={user_id}&f={provider}&k={kind}&t={token}",
            self.base_url
        )
    }
}

fn decode_hex(raw: &str) -> Option<Vec<u8>> {
    if !raw.len().is_multiple_of(2) || raw.len() > 128 {
        return None;
    }
    (0..raw.len())
        .step_by(2)
        .map(|i| {
            raw.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect()
}

/// Kinds of email a person may switch off, per provider.
pub const KINDS: [(&str, &str); 4] = [
    (
        "nouvelles_demandes",
        "Nouvelles demandes et demandes soumises à nouveau",
    ),
    (
        "decisions",
        "Décisions sur mes demandes (validation, refus, modifications demandées, révocation)",
    ),
    ("messages", "Messages sur les demandes"),
    (
        "rappels",
        "Rappels (brouillon en attente, modifications à faire, habilitation qui expire)",
    ),
];

/// What an email is about; its name is stored on the outbox row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Submitted,
    Resubmitted,
    ChangesRequested,
    Refused,
    Approved,
    Revoked,
    ContactApproved,
    ContactRevoked,
    MessageToInstructors,
    MessageToApplicant,
    Reminder(&'static str),
}

impl Topic {
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Submitted => "submitted",
            Topic::Resubmitted => "resubmitted",
            Topic::ChangesRequested => "changes_requested",
            Topic::Refused => "refused",
            Topic::Approved => "approved",
            Topic::Revoked => "revoked",
            Topic::ContactApproved => "contact_approved",
            Topic::ContactRevoked => "contact_revoked",
            Topic::MessageToInstructors => "message_to_instructors",
            Topic::MessageToApplicant => "message_to_applicant",
            Topic::Reminder(name) => name,
        }
    }

    /// The kind a person can switch off (none for the GDPR notices to contacts).
    pub fn kind(self) -> Option<&'static str> {
        match self {
            Topic::Submitted | Topic::Resubmitted => Some("nouvelles_demandes"),
            Topic::ChangesRequested | Topic::Refused | Topic::Approved | Topic::Revoked => {
                Some("decisions")
            }
            Topic::MessageToInstructors | Topic::MessageToApplicant => Some("messages"),
            Topic::Reminder(_) => Some("rappels"),
            Topic::ContactApproved | Topic::ContactRevoked => None,
        }
    }
}

/// What mail templates show.
#[derive(Debug, Clone, Default)]
pub struct MailData {
    pub subject: String,
    pub public_id: String,
    pub intitule: String,
    pub organisation: String,
    pub provider_name: String,
    pub actor_name: String,
    /// The reason, the note, the message or the reminder's text.
    pub quote: String,
    pub link: String,
    pub link_label: String,
    pub unsubscribe: Option<String>,
    pub resubmission: bool,
    pub until: Option<String>,
    /// For contacts: "responsable de traitement"...
    pub role: String,
    pub revoked: bool,
}

/// Declares the text and HTML template of each topic.
macro_rules! mail_templates {
    ($($module:ident: $txt:literal, $html:literal;)*) => {
        $(mod $module {
            use askama::Template;
            #[derive(Template)]
            #[template(path = $txt)]
            pub struct Text<'a> { pub m: &'a super::MailData }
            #[derive(Template)]
            #[template(path = $html)]
            pub struct Html<'a> { pub m: &'a super::MailData }
        })*
    };
}

mail_templates! {
    submitted: "mail/submitted.txt", "mail/submitted.html";
    changes_requested: "mail/changes_requested.txt", "mail/changes_requested.html";
    refused: "mail/refused.txt", "mail/refused.html";
    approved: "mail/approved.txt", "mail/approved.html";
    revoked: "mail/revoked.txt", "mail/revoked.html";
    contact: "mail/contact.txt", "mail/contact.html";
    message: "mail/message.txt", "mail/message.html";
    reminder: "mail/reminder.txt", "mail/reminder.html";
    dgfip_approved: "mail/api-impot-particulier/approved.txt", "mail/api-impot-particulier/approved.html";
}

fn pair(text: impl Template, html: impl Template) -> Result<(String, String), AppError> {
    let err = |e: askama::Error| AppError::Internal(anyhow::anyhow!("gabarit de courriel : {e}"));
    Ok((text.render().map_err(err)?, html.render().map_err(err)?))
}

/// Renders a topic, with a provider's own template when it has one (`mail/<provider>/<topic>`).
pub fn render(provider: &str, topic: Topic, m: &MailData) -> Result<(String, String), AppError> {
    match (provider, topic) {
        ("api-impot-particulier", Topic::Approved) => {
            pair(dgfip_approved::Text { m }, dgfip_approved::Html { m })
        }
        (_, Topic::Submitted | Topic::Resubmitted) => {
            pair(submitted::Text { m }, submitted::Html { m })
        }
        (_, Topic::ChangesRequested) => {
            pair(changes_requested::Text { m }, changes_requested::Html { m })
        }
        (_, Topic::Refused) => pair(refused::Text { m }, refused::Html { m }),
        (_, Topic::Approved) => pair(approved::Text { m }, approved::Html { m }),
        (_, Topic::Revoked) => pair(revoked::Text { m }, revoked::Html { m }),
        (_, Topic::ContactApproved | Topic::ContactRevoked) => {
            pair(contact::Text { m }, contact::Html { m })
        }
        (_, Topic::MessageToInstructors | Topic::MessageToApplicant) => {
            pair(message::Text { m }, message::Html { m })
        }
        (_, Topic::Reminder(_)) => pair(reminder::Text { m }, reminder::Html { m }),
    }
}

/// Who did what (never told of their own action).
pub struct Author<'a> {
    pub email: &'a str,
    pub name: &'a str,
}

/// One email to write: to a person with an account (who may switch it off) or to an address.
struct To {
    email: String,
    user_id: Option<i64>,
}

fn base(provider: &Provider, demande: &Demande, links: &Links, instruction: bool) -> MailData {
    let path = if instruction {
        format!("/instruction/demandes/{}", demande.id)
    } else {
        format!("/demandes/{}", demande.id)
    };
    MailData {
        public_id: public_id(demande.id),
        intitule: if demande.intitule.is_empty() {
            "(sans titre)".to_string()
        } else {
            demande.intitule.clone()
        },
        organisation: demande.organisation_name.clone(),
        provider_name: provider.name.clone(),
        link: format!("{}{path}", links.base_url),
        link_label: "Voir la demande sur habilis".to_string(),
        ..MailData::default()
    }
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
    let at = crate::services::now();
    let mut seen: Vec<String> = Vec::new();
    for person in to {
        let email = person.email.trim().to_lowercase();
        if email.is_empty() || email == author.email.to_lowercase() || seen.contains(&email) {
            continue;
        }
        seen.push(email.clone());
        let unsubscribe = match (person.user_id, topic.kind()) {
            (Some(user), Some(kind)) => {
                if outbox::is_switched_off(conn, user, &provider.slug, kind)? {
                    continue;
                }
                Some(links.unsubscribe_url(user, &provider.slug, kind))
            }
            _ => None,
        };
        let data = MailData {
            unsubscribe: unsubscribe.clone(),
            ..data.clone()
        };
        let (text, html) = render(&provider.slug, topic, &data)?;
        outbox::insert(
            conn,
            &NewEmail {
                kind: "email",
                topic: topic.as_str(),
                demande_id: Some(demande.id),
                recipient: &email,
                subject: &data.subject,
                body_text: &text,
                body_html: &html,
                unsubscribe_url: unsubscribe.as_deref(),
                attempts: 0,
                next_attempt_at: at,
                created_at: at,
            },
        )?;
    }
    Ok(())
}

fn people(list: Vec<User>) -> Vec<To> {
    list.into_iter()
        .map(|u| To {
            email: u.email,
            user_id: Some(u.id),
        })
        .collect()
}

fn applicant(conn: &mut DbConnection, demande: &Demande) -> Result<Vec<To>, AppError> {
    Ok(users::find(conn, demande.applicant_id)?
        .map(|u| {
            vec![To {
                email: u.email,
                user_id: Some(u.id),
            }]
        })
        .unwrap_or_default())
}

/// The GDPR contacts named in the answers: (address, their role in words).
fn contacts(answers: &Answers) -> Vec<(String, &'static str)> {
    [
        ("responsable_traitement_email", "responsable de traitement"),
        (
            "delegue_protection_donnees_email",
            "délégué(e) à la protection des données",
        ),
    ]
    .into_iter()
    .filter_map(|(key, role)| match answers.get(key) {
        Some(Value::One(email)) if crate::domain::email::Email::parse(email).is_ok() => {
            Some((email.clone(), role))
        }
        _ => None,
    })
    .collect()
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
    match notice {
        Notice::Submitted { resubmission } => {
            let mut data = base(provider, demande, links, true);
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
            let to = people(users::holders_of(
                conn,
                &provider.slug,
                &["subscriber", "instructor", "manager"],
            )?);
            let topic = if resubmission {
                Topic::Resubmitted
            } else {
                Topic::Submitted
            };
            queue(conn, links, provider, demande, topic, to, &data, author)
        }
        Notice::ChangesRequested | Notice::Refused | Notice::Approved | Notice::Revoked => {
            let (topic, subject) = match notice {
                Notice::ChangesRequested => (
                    Topic::ChangesRequested,
                    format!("[habilis] Modifications demandées sur votre demande {id}"),
                ),
                Notice::Refused => (
                    Topic::Refused,
                    format!("[habilis] Votre demande {id} a été refusée"),
                ),
                Notice::Approved => (
                    Topic::Approved,
                    format!("[habilis] Votre demande {id} est validée"),
                ),
                _ => (
                    Topic::Revoked,
                    format!("[habilis] L'habilitation de la demande {id} est révoquée"),
                ),
            };
            let data = MailData {
                subject,
                quote,
                until: until.clone(),
                ..base(provider, demande, links, false)
            };
            let to = applicant(conn, demande)?;
            // One email per address for this event: a contact who is also the applicant, or
            // named twice, is told once.
            let mut told: Vec<String> = to.iter().map(|t| t.email.trim().to_lowercase()).collect();
            queue(conn, links, provider, demande, topic, to, &data, author)?;
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
                    let data = MailData {
                        subject: format!(
                            "[habilis] Protection des données : demande {id} {}",
                            if revoked { "révoquée" } else { "validée" }
                        ),
                        role: role.to_string(),
                        revoked,
                        until: until.clone(),
                        ..base(provider, demande, links, false)
                    };
                    queue(
                        conn,
                        links,
                        provider,
                        demande,
                        topic,
                        vec![To {
                            email,
                            user_id: None,
                        }],
                        &data,
                        author,
                    )?;
                }
            }
            Ok(())
        }
    }
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
    let mut data = base(provider, demande, links, !from_instructor);
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
                &["instructor", "manager"],
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
        ..base(provider, demande, links, false)
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
        &Author {
            email: "",
            name: "",
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> Links {
        Links {
            base_url: "https://habilis.example".into(),
            key: b"secret".to_vec(),
            webhook_env: Default::default(),
        }
    }

    #[test]
    fn unsubscribe_tokens_turn_off_exactly_one_kind() {
        let l = links();
        let token = l.unsubscribe_token(7, "api-particulier", "messages");
        assert!(l.verify_unsubscribe(7, "api-particulier", "messages", &token));
        assert!(!l.verify_unsubscribe(8, "api-particulier", "messages", &token));
        assert!(!l.verify_unsubscribe(7, "api-entreprise", "messages", &token));
        assert!(!l.verify_unsubscribe(7, "api-particulier", "decisions", &token));
        assert!(!l.verify_unsubscribe(7, "api-particulier", "messages", "zz"));
        assert!(
            l.unsubscribe_url(7, "api-particulier", "messages")
                .starts_with("https://habilis.example/desabonnement?u=7&")
        );
    }

    #[test]
    fn a_provider_s_own_template_wins_over_the_generic_one() {
        let m = MailData {
            public_id: "D1".into(),
            intitule: "Cantine".into(),
            ..MailData::default()
        };
        let (dgfip, _) = render("api-impot-particulier", Topic::Approved, &m).unwrap();
        assert!(dgfip.contains("homologation de sécurité"));
        let (generic, html) = render("api-particulier", Topic::Approved, &m).unwrap();
        assert!(!generic.contains("homologation"));
        assert!(html.contains("<strong>D1</strong>"));
    }

    #[test]
    fn html_parts_escape_what_people_typed() {
        let m = MailData {
            quote: "<script>alert(1)</script>".into(),
            ..MailData::default()
        };
        let (text, html) = render("x", Topic::Refused, &m).unwrap();
        assert!(text.contains("<script>"), "the text part is plain text");
        assert!(!html.contains("<script>"));
    }
}
