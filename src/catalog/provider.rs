//! A checked provider: its form, use cases and webhook, as the rest of habilis reads them.

use crate::domain::eligibility::Question;
use crate::domain::form::{Answers, Form};

/// One provider's form and its settings.
#[derive(Debug, Clone)]
pub struct Provider {
    pub slug: String,
    pub name: String,
    /// The organisation that holds the data (DGFiP, DINUM...).
    pub provider: String,
    pub description: String,
    pub contact_email: String,
    pub validity_months: u32,
    /// The usual time to decide, in days, told to applicants in their receipt.
    pub usual_delay_days: Option<u32>,
    pub cgu_url: String,
    /// Shown before a demande is created: HTML rendered from the file's Markdown, which holds
    /// no raw HTML (checked when the file is read).
    pub introduction: Option<String>,
    pub eligible_naf: Vec<String>,
    /// Questions asked before a demande is created (none: straight to the form).
    pub eligibility: Vec<Question>,
    pub form: Form,
    pub templates: Vec<Template>,
    pub webhook: Option<Webhook>,
    /// The provider's logo (`providers/<slug>/logo.png`), served at `/fournisseurs/<slug>/logo`.
    pub logo: Option<super::logo::Logo>,
    /// The provider's own wording of emails, by event (`providers/<slug>/mails/`).
    pub mails: std::collections::BTreeMap<String, super::mails::MailText>,
}

/// Events the provider's systems hear of, signed with the secret.
#[derive(Debug, Clone)]
pub struct Webhook {
    pub url_env: String,
    pub secret_env: String,
    pub events: Vec<String>,
}

/// Events a webhook may ask for.
pub const WEBHOOK_EVENTS: [&str; 11] = [
    "create",
    "submit",
    "request_changes",
    "approve",
    "refuse",
    "revoke",
    "archive",
    "reopen",
    "cancel_reopening",
    "transfer",
    "update",
];

impl Provider {
    pub fn template(&self, id: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.id == id)
    }
}

/// A prefilled use case ("démarche").
#[derive(Debug, Clone)]
pub struct Template {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// Prefilled answers, scopes included under [`crate::domain::form::SCOPES_KEY`].
    pub values: Answers,
}
