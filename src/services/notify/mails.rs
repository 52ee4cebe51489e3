//! What mail templates show, and which template renders each topic.

use askama::Template;

use crate::error::AppError;

use super::Topic;

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
    /// Where the reader opens the demande; empty when they have no page to open.
    pub link: String,
    pub link_label: String,
    pub unsubscribe: Option<String>,
    pub resubmission: bool,
    pub until: Option<String>,
    /// For contacts: "responsable de traitement"...
    pub role: String,
    pub revoked: bool,
    /// The body holding the data ("DGFiP") and its address, for questions.
    pub provider_body: String,
    pub contact_email: String,
    pub applicant_email: String,
    /// The provider's usual time to decide, when its file gives one.
    pub delay_days: Option<u32>,
    /// For reporters: what was decided ("validée", "refusée", "révoquée").
    pub decision: String,
}

/// A provider's week, for its weekly digest.
#[derive(Debug, Clone, Default)]
pub struct DigestData {
    /// (state label, count, link to the dashboard filtered on that state).
    pub counts: Vec<(String, i64, String)>,
    /// Demandes waiting longest for a decision.
    pub oldest: Vec<WaitingDemande>,
    /// The dashboard filtered on the provider's waiting demandes, oldest first.
    pub waiting_link: String,
}

#[derive(Debug, Clone)]
pub struct WaitingDemande {
    pub public_id: String,
    pub intitule: String,
    pub organisation: String,
    pub since: String,
    pub link: String,
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
    receipt: "mail/receipt.txt", "mail/receipt.html";
    changes_requested: "mail/changes_requested.txt", "mail/changes_requested.html";
    refused: "mail/refused.txt", "mail/refused.html";
    approved: "mail/approved.txt", "mail/approved.html";
    revoked: "mail/revoked.txt", "mail/revoked.html";
    decided: "mail/decided.txt", "mail/decided.html";
    contact: "mail/contact.txt", "mail/contact.html";
    message: "mail/message.txt", "mail/message.html";
    reminder: "mail/reminder.txt", "mail/reminder.html";
    dgfip_approved: "mail/api-impot-particulier/approved.txt", "mail/api-impot-particulier/approved.html";
}

mod digest {
    use askama::Template;
    #[derive(Template)]
    #[template(path = "mail/digest.txt")]
    pub struct Text<'a> {
        pub m: &'a super::MailData,
        pub d: &'a super::DigestData,
    }
    #[derive(Template)]
    #[template(path = "mail/digest.html")]
    pub struct Html<'a> {
        pub m: &'a super::MailData,
        pub d: &'a super::DigestData,
    }
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
        (_, Topic::Receipt) => pair(receipt::Text { m }, receipt::Html { m }),
        (_, Topic::ChangesRequested) => {
            pair(changes_requested::Text { m }, changes_requested::Html { m })
        }
        (_, Topic::Refused) => pair(refused::Text { m }, refused::Html { m }),
        (_, Topic::Approved) => pair(approved::Text { m }, approved::Html { m }),
        (_, Topic::Revoked) => pair(revoked::Text { m }, revoked::Html { m }),
        (_, Topic::Decided) => pair(decided::Text { m }, decided::Html { m }),
        (_, Topic::ContactApproved | Topic::ContactRevoked) => {
            pair(contact::Text { m }, contact::Html { m })
        }
        (_, Topic::MessageToInstructors | Topic::MessageToApplicant) => {
            pair(message::Text { m }, message::Html { m })
        }
        (_, Topic::Reminder(_)) => pair(reminder::Text { m }, reminder::Html { m }),
        (_, Topic::WeeklyDigest) => Err(AppError::Internal(anyhow::anyhow!(
            "le résumé hebdomadaire se rend avec render_digest"
        ))),
    }
}

/// Renders a weekly digest.
pub fn render_digest(m: &MailData, d: &DigestData) -> Result<(String, String), AppError> {
    pair(digest::Text { m, d }, digest::Html { m, d })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn html_parts_escape_what_people_typed_and_keep_its_line_breaks() {
        let m = MailData {
            quote: "Ligne un\r\nLigne deux <script>alert(1)</script>".into(),
            ..MailData::default()
        };
        for topic in [
            Topic::Refused,
            Topic::ChangesRequested,
            Topic::Revoked,
            Topic::Decided,
            Topic::MessageToApplicant,
            Topic::Reminder("reminder_draft"),
        ] {
            let (text, html) = render("x", topic, &m).unwrap();
            assert!(text.contains("<script>"), "the text part is plain text");
            assert!(!html.contains("<script>"), "{topic:?}");
            assert!(html.contains("&#60;script&#62;"), "{topic:?}: {html}");
            assert!(
                html.contains("Ligne un<br/>Ligne deux"),
                "{topic:?}: {html}"
            );
        }
    }
}
