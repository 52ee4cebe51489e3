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
    /// Its active habilitations are published at `/habilitations-publiques/<slug>`.
    pub public_list: bool,
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
    /// Ordered stages (sandbox, then production); none for most providers.
    pub stages: Vec<Stage>,
    /// The stage this view of the provider is of: its form holds that stage's steps and
    /// scopes, its validity is the stage's ([`super::Catalog::at_stage`]).
    pub stage: Option<StageAt>,
    /// The form (a template that shapes it) this view is of: its scopes locked or hidden,
    /// its name and introduction shown at the start of the demande.
    pub shaped_by: Option<Template>,
}

/// A stage as declared.
#[derive(Debug, Clone)]
pub struct Stage {
    pub id: String,
    pub name: String,
    pub steps: Vec<String>,
    pub scopes: Option<Vec<String>>,
    pub validity_months: Option<u32>,
}

/// Where a stage stands among the provider's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageAt {
    pub id: String,
    pub name: String,
    /// From 1.
    pub number: usize,
    pub count: usize,
    /// The next stage's id and name.
    pub next: Option<(String, String)>,
}

impl Provider {
    /// This provider seen at one of its stages: the stage's steps and scopes, its validity.
    pub fn staged(&self, index: usize) -> Option<Provider> {
        let stage = self.stages.get(index)?;
        let mut staged = self.clone();
        staged.form.steps.retain(|s| stage.steps.contains(&s.id));
        if let Some(scopes) = &stage.scopes {
            staged.form.scopes.retain(|s| scopes.contains(&s.id));
        }
        staged.validity_months = stage.validity_months.unwrap_or(self.validity_months);
        staged.stage = Some(StageAt {
            id: stage.id.clone(),
            name: stage.name.clone(),
            number: index + 1,
            count: self.stages.len(),
            next: self
                .stages
                .get(index + 1)
                .map(|n| (n.id.clone(), n.name.clone())),
        });
        Some(staged)
    }

    /// This view of the provider as a demande of `template` sees it: the template's locked
    /// scopes always granted, its hidden ones not offered.
    pub fn shaped(&self, template: &Template) -> Provider {
        let mut shaped = self.clone();
        shaped
            .form
            .scopes
            .retain(|s| !template.hidden_scopes.contains(&s.id));
        for scope in &mut shaped.form.scopes {
            if template.locked_scopes.contains(&scope.id) {
                scope.included = true;
            }
        }
        shaped.shaped_by = Some(template.clone());
        shaped
    }

    /// The id of the stage a new demande starts at.
    pub fn first_stage(&self) -> Option<&str> {
        self.stages.first().map(|s| s.id.as_str())
    }
}

/// Events the provider's systems hear of, signed with the secret.
#[derive(Debug, Clone)]
pub struct Webhook {
    pub url_env: String,
    pub secret_env: String,
    pub events: Vec<String>,
}

/// Events a webhook may ask for.
pub const WEBHOOK_EVENTS: [&str; 15] = [
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
    "advance_stage",
    "restore",
    "move_organisation",
    "renew",
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
    /// Shown at the start of a demande of this form (HTML from checked Markdown).
    pub introduction: Option<String>,
    /// Scopes always granted to a demande of this form, ticked and locked.
    pub locked_scopes: Vec<String>,
    /// Scopes a demande of this form is not offered.
    pub hidden_scopes: Vec<String>,
}

impl Template {
    /// Whether a demande of this form sees the provider's form differently.
    pub fn shapes_the_form(&self) -> bool {
        self.introduction.is_some()
            || !self.locked_scopes.is_empty()
            || !self.hidden_scopes.is_empty()
    }
}
