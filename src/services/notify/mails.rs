//! What mail templates show, and which template renders each topic.

use askama::Template;

use crate::catalog::mails::MailText;
use crate::catalog::{Catalog, Provider};
use crate::error::AppError;

use super::Topic;

/// What mail templates show (the built-in ones, and providers' own, as `m`).
#[derive(Debug, Clone, Default, serde::Serialize)]
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
    /// At an approval, what is granted less than asked, one line each.
    pub narrowed: Vec<String>,
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

/// A provider's own body inside habilis's layout.
mod custom {
    use askama::Template;
    #[derive(Template)]
    #[template(path = "mail/custom.txt")]
    pub struct Text<'a> {
        pub m: &'a super::MailData,
        pub body: &'a str,
    }
    #[derive(Template)]
    #[template(path = "mail/custom.html")]
    pub struct Html<'a> {
        pub m: &'a super::MailData,
        pub body: &'a str,
    }
}

/// Renders a provider's own wording of an email (`providers/<slug>/mails/<event>.*`).
fn render_custom(mail: &MailText, m: &MailData) -> Result<(String, String), String> {
    let env = crate::catalog::mails::environment();
    let ctx = minijinja::context! { m => minijinja::Value::from(minijinja::value::Serde(m)) };
    let body = |file: &std::path::Path, name: &str, source: &str| {
        env.template_from_named_str(name, source)
            .and_then(|t| t.render(&ctx))
            .map_err(|e| format!("{} : {e}", file.display()))
    };
    let text = body(&mail.text_file, "mail.txt", &mail.text)?;
    let html = body(&mail.html_file, "mail.html", &mail.html)?;
    pair(
        custom::Text { m, body: &text },
        custom::Html { m, body: &html },
    )
    .map_err(|e| e.to_string())
}

/// Renders a topic, with the provider's own wording when its folder has one.
pub fn render(
    provider: &Provider,
    topic: Topic,
    m: &MailData,
) -> Result<(String, String), AppError> {
    if let Some(mail) = provider.mails.get(topic.as_str()) {
        // A provider's template that fails on this email's data (start-up checked it on a
        // sample) must not cost the decision: the generic wording goes instead.
        match render_custom(mail, m) {
            Ok(rendered) => return Ok(rendered),
            Err(e) => tracing::error!(error = %e, "provider mail failed: generic email sent"),
        }
    }
    match (provider, topic) {
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

/// Renders every provider's own emails with sample data: a variable that does not exist, or a
/// template that fails, stops start-up (and `habilis providers check`) with its file named.
pub fn check_provider_mails(catalog: &Catalog) -> Result<(), Vec<String>> {
    let m = MailData {
        subject: "Objet".into(),
        public_id: "D1".into(),
        intitule: "Intitulé".into(),
        organisation: "Mairie".into(),
        provider_name: "Fournisseur".into(),
        actor_name: "Marie Dupont".into(),
        quote: "Motif\nsur deux lignes".into(),
        link: "https://habilis.example/demandes/1".into(),
        link_label: "Voir la demande".into(),
        unsubscribe: Some("https://habilis.example/desabonnement".into()),
        until: Some("01/01/2030".into()),
        role: "responsable de traitement".into(),
        delay_days: Some(30),
        decision: "validée".into(),
        ..MailData::default()
    };
    let errors: Vec<String> = catalog
        .all()
        .iter()
        .flat_map(|p| p.mails.values())
        .filter_map(|mail| render_custom(mail, &m).err())
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Renders a weekly digest.
pub fn render_digest(m: &MailData, d: &DigestData) -> Result<(String, String), AppError> {
    pair(digest::Text { m, d }, digest::Html { m, d })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Catalog {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("providers");
        crate::catalog::load_dir(&dir).unwrap()
    }

    #[test]
    fn a_provider_s_own_template_wins_over_the_generic_one() {
        let m = MailData {
            public_id: "D1".into(),
            intitule: "Cantine".into(),
            ..MailData::default()
        };
        let catalog = shipped();
        let dgfip = catalog.get("api-impot-particulier").unwrap();
        let (text, html) = render(dgfip, Topic::Approved, &m).unwrap();
        assert!(text.contains("homologation de sécurité"));
        assert!(
            text.contains("Se désabonner") || text.contains("--"),
            "{text}"
        );
        assert!(html.contains("<strong>D1</strong>"), "{html}");
        let particulier = catalog.get("api-particulier").unwrap();
        let (generic, html) = render(particulier, Topic::Approved, &m).unwrap();
        assert!(!generic.contains("homologation"));
        assert!(html.contains("<strong>D1</strong>"));
        assert_eq!(check_provider_mails(&catalog), Ok(()));
        let typed = MailData {
            intitule: "Cantine <script>".into(),
            ..m
        };
        let (text, html) = render(dgfip, Topic::Approved, &typed).unwrap();
        assert!(
            text.contains("Cantine <script>"),
            "the text part is plain text"
        );
        assert!(!html.contains("<script>"), "{html}");
    }

    #[test]
    fn html_parts_escape_what_people_typed_and_keep_its_line_breaks() {
        let catalog = shipped();
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
            let (text, html) = render(catalog.get("api-particulier").unwrap(), topic, &m).unwrap();
            assert!(text.contains("<script>"), "the text part is plain text");
            assert!(!html.contains("<script>"), "{topic:?}");
            assert!(html.contains("&#60;script&#62;"), "{topic:?}: {html}");
            assert!(
                html.contains("Ligne un<br/>Ligne deux"),
                "{topic:?}: {html}"
            );
        }
    }

    #[test]
    fn a_misspelt_variable_in_a_provider_s_mail_is_found_before_any_email() {
        let mut catalog = shipped();
        let mut provider = catalog.get("api-particulier").unwrap().clone();
        provider.mails.insert(
            "approved".into(),
            MailText {
                text: "Validée : {{ m.intitul }}".into(),
                html: "<p>{{ m.intitule }}</p>".into(),
                text_file: "providers/api-particulier/mails/approved.txt".into(),
                html_file: "providers/api-particulier/mails/approved.html".into(),
            },
        );
        catalog = Catalog::new(vec![provider]);
        let errors = check_provider_mails(&catalog).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].starts_with("providers/api-particulier/mails/approved.txt"),
            "{errors:?}"
        );
    }
}
