//! The instruction workspace's page models: the dashboard of demandes, and one demande with
//! the decisions offered on it.

use askama::Template;

use crate::catalog::Provider;
use crate::db::webhooks::Attempt;

use super::webhooks::{AttemptView, attempt_view};
use crate::domain::form::FormErrors;
use crate::domain::policy;
use crate::services::demandes::DemandeFile;
use crate::services::messages::Message;
use crate::web::ctx::PageCtx;

use super::Layout;
use super::file::{
    ChangeView, DemandeHead, EventView, HabilitationView, MessageView, StageView,
    changes_since_last_submission, habilitation_view, message_views, stage_view, timeline,
};
use super::form::scope_label;
use super::summary::{StepSummary, summaries};

const SECTION: &str = "instruction";
#[derive(Template)]
#[template(path = "instruction/show.html")]
pub struct InstructionPage {
    /// The name of the instructor the demande is assigned to, or empty.
    pub assignee: String,
    /// (id, "Name (address)") of whom it may be assigned to, when the reader may assign it.
    pub assign_to: Vec<(i64, String)>,
    pub me: i64,
    /// (id, "Kind : title") of the provider's templates, for the picker.
    pub templates: Vec<(i64, String)>,
    /// A picked template's text, for the decision's reason or the message.
    pub prefill_reason: String,
    pub message_prefill: String,
    /// The opinions asked on the demande (instruction side only).
    pub opinions: super::opinions::OpinionsBox,
    pub layout: Layout,
    pub head: DemandeHead,
    /// The procedure's stage and the chain of demandes, for a staged provider.
    pub stage: Option<StageView>,
    /// Webhook deliveries (for instructors and managers).
    pub attempts: Vec<AttemptView>,
    pub applicant: String,
    pub can_decide: bool,
    pub can_archive: bool,
    pub can_revoke: bool,
    /// Hand the demande to another agent of its organisation (its instructors, admins).
    pub can_transfer: bool,
    /// An admin may move it to another organisation (a merger).
    pub can_move: bool,
    pub typed_email: String,
    pub typed_siret: String,
    /// (id, label) of the scopes asked, offered for the approval.
    pub asked_scopes: Vec<(String, String)>,
    /// The actions, filters and level asked, offered for narrowing at the approval.
    pub grant_rights: super::rights::RightsInputs,
    pub validity_months: u32,
    pub changes: Vec<ChangeView>,
    pub messages: Vec<MessageView>,
    pub message_action: String,
    pub message_error: Option<String>,
    pub steps: Vec<StepSummary>,
    pub timeline: Vec<EventView>,
    pub habilitations: Vec<HabilitationView>,
    /// Why this instructor may not decide (their own organisation's demande).
    pub not_yours: Option<&'static str>,
    /// The decision form refused for a missing reason ("" when none), and why.
    pub error_action: &'static str,
    pub error_message: String,
    /// What the instructor had typed, given back with the error.
    pub typed_reason: String,
    /// The dashboard list this page was opened from, with its filters.
    pub back: String,
    /// The same list's parameters, carried through the decision form.
    pub retour: String,
    /// What the instructor just did (set from the redirect that led here).
    pub done: Option<super::done::Confirmation>,
}

impl InstructionPage {
    /// Whether the refused form is the decision block (validate, ask for changes, refuse).
    pub fn decision_refused(&self) -> bool {
        matches!(self.error_action, "valider" | "modifier" | "refuser")
    }
}

/// A form of the instruction page that was refused: which one ("valider", "message", ...),
/// why, and what had been typed.
pub struct Refused {
    pub action: &'static str,
    pub message: String,
    pub typed: String,
    /// The address typed in the transfer form.
    pub typed_email: String,
    /// The SIRET typed in the merger form.
    pub typed_siret: String,
}

impl InstructionPage {
    pub fn new(
        ctx: &PageCtx,
        provider: &Provider,
        file: &DemandeFile,
        (thread, attempts): (&[Message], Vec<Attempt>),
        refused: Option<Refused>,
    ) -> InstructionPage {
        let id = file.demande.id;
        let facts = crate::services::facts(&file.demande);
        let offered = policy::offered(
            &ctx.current.actor,
            &facts,
            file.state,
            file.demande.reopening,
        );
        let refused_message = refused.as_ref().filter(|r| r.action == "message");
        InstructionPage {
            assignee: String::new(),
            assign_to: vec![],
            me: ctx.current.user.id,
            layout: ctx.layout(SECTION),
            attempts: attempts.into_iter().map(attempt_view).collect(),
            head: DemandeHead::new(&file.demande, file.state, provider.name.clone()),
            applicant: file.demande.applicant_email.clone(),
            not_yours: offered
                .own_organisation
                .then_some(crate::domain::policy::OWN_ORGANISATION),
            can_decide: offered.decide,
            can_archive: offered.close,
            can_revoke: offered.revoke,
            can_transfer: (offered.instruct || ctx.current.actor.is_admin)
                && file.state != crate::domain::demande::State::Archived,
            can_move: ctx.current.actor.is_admin,
            typed_siret: refused
                .as_ref()
                .map(|r| r.typed_siret.clone())
                .unwrap_or_default(),
            typed_email: refused
                .as_ref()
                .map(|r| r.typed_email.clone())
                .unwrap_or_default(),
            asked_scopes: crate::services::scopes_of(&file.demande.scopes)
                .into_iter()
                .map(|id| {
                    let label = scope_label(provider, &id);
                    (id, label)
                })
                .collect(),
            grant_rights: super::rights::narrowing_inputs(provider, &file.demande.answers),
            validity_months: provider.validity_months,
            changes: changes_since_last_submission(provider, &file.events),
            stage: stage_view(provider, file, "/instruction/demandes/", false),
            messages: message_views(thread),
            message_action: if offered.write_as_instructor {
                format!("/instruction/demandes/{id}/messages")
            } else {
                String::new()
            },
            message_error: refused_message.map(|r| r.message.clone()),
            steps: summaries(provider, file, &FormErrors::default()),
            timeline: timeline(&file.events),
            habilitations: file
                .habilitations
                .iter()
                .map(|h| habilitation_view(provider, h))
                .collect(),
            error_action: refused.as_ref().map_or("", |r| r.action),
            typed_reason: refused
                .as_ref()
                .map(|r| r.typed.clone())
                .unwrap_or_default(),
            error_message: refused.map(|r| r.message).unwrap_or_default(),
            back: "/instruction".to_string(),
            retour: String::new(),
            done: None,
            opinions: super::opinions::OpinionsBox::default(),
            templates: vec![],
            prefill_reason: String::new(),
            message_prefill: String::new(),
        }
    }
}
