//! The applicant's page models: the list of demandes, starting one, and the demande page.
//! Filling the form in is in `steps`.

use std::collections::BTreeMap;

use askama::Template;

use crate::catalog::Provider;
use crate::db::models::{Demande, Habilitation};
use crate::domain::delay::Observed;
use crate::domain::demande::{State, public_id};
use crate::domain::form::{self, FormErrors};
use crate::domain::policy::{self, Offered};
use crate::error::AppError;
use crate::services::App;
use crate::services::demandes::DemandeFile;
use crate::services::messages::Message;
use crate::web::ctx::PageCtx;

use super::done::{Confirmation, Done};
use super::file::{
    DemandeHead, DemandeRow, EventView, HabilitationView, MessageView, StageView,
    habilitation_view, latest_reason, message_views, stage_view, timeline,
};
use super::summary::{StepSummary, summaries};
use super::{Layout, provider_at_stage};

const SECTION: &str = "demandes";

/// What the applicant may do on this demande.
pub fn offered_to(ctx: &PageCtx, file: &DemandeFile) -> Offered {
    let facts = crate::services::facts(&file.demande);
    policy::offered(
        &ctx.current.actor,
        &facts,
        file.state,
        file.demande.reopening,
    )
}

#[derive(Template)]
#[template(path = "demandes/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub organisation: Option<String>,
    /// Drafts, submitted and sent back for changes: what the person still has to follow.
    pub current: Vec<DemandeRow>,
    /// Decided, archived, revoked.
    pub others: Vec<DemandeRow>,
    pub habilitations: Vec<(i64, String, String, HabilitationView)>,
}

impl ListPage {
    /// The person's demandes (those with unread messages marked) and their habilitations.
    pub fn new(
        ctx: &PageCtx,
        app: &App,
        (list, habs): (Vec<Demande>, Vec<Habilitation>),
        unread: &[i64],
    ) -> ListPage {
        let (current, others) = list
            .iter()
            .map(|d| DemandeRow {
                unread: unread.contains(&d.id),
                ..DemandeRow::new(
                    &d.listed(),
                    &provider_at_stage(&app.catalog, &d.provider, d.stage.as_deref()),
                )
            })
            .partition(|r| in_progress(r.state));
        let habilitations = habs
            .iter()
            .filter_map(|h| {
                let p = app.catalog.get(&h.provider)?;
                let view = habilitation_view(p, h);
                Some((h.demande_id, public_id(h.demande_id), p.name.clone(), view))
            })
            .collect();
        ListPage {
            layout: ctx.layout(SECTION),
            organisation: ctx.current.current_organisation().map(|o| o.name.clone()),
            current,
            others,
            habilitations,
        }
    }
}

/// A demande still on its way (its row's state name): being written, waiting for a decision,
/// or sent back for changes.
fn in_progress(state: &str) -> bool {
    matches!(
        State::parse(state),
        Some(State::Draft | State::Submitted | State::ChangesRequested)
    )
}

const NO_ORGANISATION: &str =
    "Votre compte n'est rattaché à aucune organisation : vous ne pouvez pas faire de demande.";

#[derive(Template)]
#[template(path = "demandes/new.html")]
pub struct NewPage<'a> {
    pub layout: Layout,
    pub provider: &'a Provider,
    pub organisation: String,
    /// The organisation's NAF code is outside the provider's list (a warning, not a block).
    pub naf_warning: Option<String>,
    /// The answers to the provider's eligibility questions, carried to the creation.
    pub eligibility: String,
    pub prefill: Prefill,
    /// How long the provider takes to decide, in a sentence: observed, or as it announces it.
    pub delay: Option<String>,
}

/// The query string of a link to a new demande, split: the answers to the provider's
/// eligibility questions, and the rest (a template, values to prefill). Read leniently: what
/// cannot be decoded is left out.
pub fn start_query(
    provider: &Provider,
    query: &str,
) -> (BTreeMap<String, String>, Vec<(String, String)>) {
    let (answers, values): (Vec<_>, Vec<_>) = crate::web::input::parse(query.as_bytes())
        .unwrap_or_default()
        .into_iter()
        .partition(|(k, _)| provider.eligibility.iter().any(|q| &q.id == k));
    (answers.into_iter().collect(), values)
}

/// The provider's time to decide: the median of its recent decisions, or else the delay it
/// announces in its file.
fn delay_sentence(provider: &Provider, observed: Option<Observed>) -> Option<String> {
    match (observed, provider.usual_delay_days) {
        (Some(o), _) => Some(format!(
            "Délai de décision constaté ces {} derniers jours : {} (médiane de {} décisions).",
            crate::services::delays::WINDOW_DAYS,
            match o.days {
                0 => "moins d'un jour".to_string(),
                1 => "un jour".to_string(),
                n => format!("{n} jours"),
            },
            o.decisions
        )),
        (None, Some(days)) => Some(format!(
            "Délai de décision habituel annoncé par {} : {days} jours.",
            provider.provider
        )),
        (None, None) => None,
    }
}

/// What a provider's own site sends to start a demande (`?formulaire=..&intitule=..`), as the
/// page that starts it shows it and carries it to the creation.
#[derive(Debug, Default)]
pub struct Prefill {
    /// The template ("formulaire") the link chose, when the provider has it.
    pub template: Option<String>,
    /// (label, value) of each field prefilled.
    pub shown: Vec<(String, String)>,
    /// The prefilled pairs, form-encoded.
    pub carried: String,
    /// The values left out, and why.
    pub refused: Vec<String>,
}

impl Prefill {
    /// Reads `pairs` (the query string, the eligibility answers taken out) as the creation will.
    /// Also returns the keys of no field, ignored.
    pub fn of(provider: &Provider, pairs: &[(String, String)]) -> (Prefill, Vec<String>) {
        let template = pairs
            .iter()
            .find(|(k, _)| k == form::TEMPLATE_KEY)
            .map(|(_, v)| v.clone());
        let values: Vec<(String, String)> = pairs
            .iter()
            .filter(|(k, _)| k != form::TEMPLATE_KEY)
            .cloned()
            .collect();
        let mut answers = form::Answers::default();
        let applied = form::prefill(&provider.form, &mut answers, &values);
        let mut unknown = applied.unknown_keys;
        let template = match template {
            Some(id) if provider.template(&id).is_some() => Some(id),
            Some(id) => {
                unknown.push(format!("{}={id}", form::TEMPLATE_KEY));
                None
            }
            None => None,
        };
        let shown = answers
            .iter()
            .filter_map(|(key, value)| {
                let (_, field, part) = provider.form.field_for_key(key)?;
                Some((form::key_label(field, part), value.display()))
            })
            .collect();
        let kept: Vec<(String, String)> = values
            .into_iter()
            .filter(|(k, _)| answers.contains_key(k))
            .collect();
        let refused = applied
            .rejected
            .iter()
            .filter_map(|(key, why)| {
                let (_, field, part) = provider.form.field_for_key(key)?;
                Some(format!("{} : {why}", form::key_label(field, part)))
            })
            .collect();
        let prefill = Prefill {
            template,
            shown,
            carried: serde_html_form::to_string(&kept).unwrap_or_default(),
            refused,
        };
        (prefill, unknown)
    }
}

impl<'a> NewPage<'a> {
    /// Refused to a person who acts for no organisation.
    pub fn new(
        ctx: &PageCtx,
        provider: &'a Provider,
        eligibility: String,
        prefill: Prefill,
        observed: Option<Observed>,
    ) -> Result<NewPage<'a>, AppError> {
        let org = ctx
            .current
            .current_organisation()
            .ok_or_else(|| AppError::ForbiddenBecause(NO_ORGANISATION.to_string()))?;
        let naf_warning = match &org.naf {
            Some(naf)
                if !provider.eligible_naf.is_empty() && !provider.eligible_naf.contains(naf) =>
            {
                Some(format!(
                    "Votre organisme (code NAF {naf}) ne semble pas éligible à {} : vérifiez que vous y avez droit avant de faire la demande.",
                    provider.name
                ))
            }
            _ => None,
        };
        Ok(NewPage {
            layout: ctx.layout(SECTION),
            provider,
            organisation: org.name.clone(),
            naf_warning,
            eligibility,
            prefill,
            delay: delay_sentence(provider, observed),
        })
    }
}

#[derive(Template)]
#[template(path = "demandes/show.html")]
pub struct ShowPage {
    pub layout: Layout,
    /// A draft an instructor prepared for the organisation, waiting for an agent to claim it.
    pub prepared: Option<crate::services::prepared::Offered>,
    /// With whom its active habilitation is shared (set by the page when there is one).
    pub sharing: Option<super::teams::SharingView>,
    pub head: DemandeHead,
    /// The procedure's stage, the chain of demandes, and the next stage offered.
    pub stage: Option<StageView>,
    pub reason: Option<String>,
    pub can_edit: bool,
    pub can_archive: bool,
    /// Nothing prefilled in the applicant's message box.
    pub message_prefill: String,
    /// Take the archived demande back.
    pub can_restore: bool,
    pub steps: Vec<StepSummary>,
    pub timeline: Vec<EventView>,
    pub habilitations: Vec<HabilitationView>,
    pub messages: Vec<MessageView>,
    /// Where the message form posts ("" when writing is not possible).
    pub message_action: String,
    pub message_error: Option<String>,
    pub can_copy: bool,
    pub can_transfer: bool,
    pub can_reopen: bool,
    pub can_cancel_reopening: bool,
    /// A validated demande being updated.
    pub reopening: bool,
    pub transfer_error: Option<String>,
    /// What the person just did, said at the top or beside the messages.
    pub done: Option<Confirmation>,
}

/// Errors of the forms on the demande page, shown back on it.
#[derive(Default)]
pub struct ShowFeedback {
    pub message_error: Option<String>,
    pub transfer_error: Option<String>,
    /// The action just done, from the redirect that led here.
    pub done: Option<Done>,
}

impl ShowPage {
    /// The demande as its organisation sees it, with the actions offered to this person.
    pub fn new(
        ctx: &PageCtx,
        provider: &Provider,
        file: &DemandeFile,
        thread: &[Message],
        feedback: ShowFeedback,
    ) -> ShowPage {
        let id = file.demande.id;
        let offered = offered_to(ctx, file);
        let reason = match file.state {
            State::ChangesRequested | State::Refused => latest_reason(&file.events),
            _ => None,
        };
        ShowPage {
            prepared: None,
            sharing: None,
            layout: ctx.layout(SECTION),
            head: DemandeHead::new(&file.demande, file.state, provider.name.clone()),
            reason,
            can_edit: offered.edit,
            can_archive: offered.archive,
            message_prefill: String::new(),
            // Only what its applicant or the portal archived comes back.
            can_restore: offered.restore
                && file
                    .events
                    .iter()
                    .rev()
                    .find(|(e, _)| e.name == "archive")
                    .is_some_and(|(e, _)| {
                        e.actor_id.is_none_or(|by| by == file.demande.applicant_id)
                    }),
            steps: summaries(provider, file, &FormErrors::default()),
            timeline: timeline(&file.events),
            habilitations: file
                .habilitations
                .iter()
                .map(|h| habilitation_view(provider, h))
                .collect(),
            messages: message_views(thread),
            message_action: if file.state != State::Archived {
                format!("/demandes/{id}/messages")
            } else {
                String::new()
            },
            message_error: feedback.message_error,
            can_copy: true,
            can_transfer: offered.transfer,
            transfer_error: feedback.transfer_error,
            can_reopen: offered.reopen,
            can_cancel_reopening: offered.cancel_reopening,
            stage: stage_view(provider, file, "/demandes/", offered.advance_stage),
            reopening: file.demande.reopening,
            done: feedback.done.and_then(|d| d.for_applicant(provider)),
        }
    }
}
