//! The applicant filling the form in: one step at a time, then the summary before submitting,
//! each with its errors.

use askama::Template;

use crate::catalog::Provider;
use crate::domain::demande::{State, public_id};
use crate::domain::form::{FieldError, FormErrors};
use crate::error::AppError;
use crate::services::demandes::DemandeFile;
use crate::services::submission::Refusal;
use crate::web::ctx::PageCtx;

use super::Layout;
use super::file::latest_reason;
use super::form::{FieldView, StepLink, field_view, input_id, step_links};
use super::rights::{RightsInputs, rights_inputs};
use super::summary::{StepSummary, summaries};

const SECTION: &str = "demandes";

/// The reason shown on top while the applicant has changes to make.
fn changes_reason(file: &DemandeFile) -> Option<String> {
    (file.state == State::ChangesRequested)
        .then(|| latest_reason(&file.events))
        .flatten()
}

#[derive(Template)]
#[template(path = "demandes/step.html")]
pub struct StepPage {
    pub layout: Layout,
    pub id: i64,
    pub public_id: String,
    pub provider_name: String,
    pub state_label: &'static str,
    pub reason: Option<String>,
    pub number: usize,
    pub count: usize,
    pub title: String,
    /// The provider's introduction to the step (HTML from its checked Markdown).
    pub introduction: Option<String>,
    /// The title of the step after this one, none on the last.
    pub next_title: Option<String>,
    /// The other steps with something to fix, named under the stepper (the summary links them).
    pub to_fix: Vec<StepLink>,
    pub fields: Vec<FieldView>,
    /// On the scopes step, the actions, filters and level asked for each scope.
    pub rights: RightsInputs,
    /// (link, label, message) for the error summary.
    pub errors: Vec<(String, String, String)>,
    pub notices: Vec<String>,
    pub saved: bool,
    /// The step has file fields: its form is sent as multipart.
    pub multipart: bool,
    /// On the first step, the form the demande was started from, and its introduction.
    pub form_name: Option<String>,
    pub form_introduction: Option<String>,
}

/// What the step page says about the last save.
#[derive(Default)]
pub struct Feedback {
    pub errors: FormErrors,
    pub notices: Vec<String>,
    pub saved: bool,
}

impl Feedback {
    /// After a save that refused some values or keys: each refused value is flagged beside its
    /// field; what was valid is already saved.
    pub fn refused(
        provider: &Provider,
        index: usize,
        mut errors: FormErrors,
        rejected: &[(String, String)],
        unknown_keys: &[String],
    ) -> Option<Feedback> {
        if unknown_keys.is_empty() && rejected.is_empty() {
            return None;
        }
        for (key, message) in rejected {
            if let Some((_, field, _)) = provider.form.field_for_key(key) {
                errors.0.retain(|e| &e.key != key);
                errors.0.push(FieldError {
                    key: key.clone(),
                    label: field.label.clone(),
                    message: message.clone(),
                    step: index,
                });
            }
        }
        let mut notices = vec!["Vos autres réponses ont été enregistrées.".to_string()];
        notices.extend(unknown_keys.iter().map(|k| {
            format!(
                "Le champ « {} » n'existe pas dans cette étape : il a été ignoré.",
                k.chars().take(60).collect::<String>()
            )
        }));
        Some(Feedback {
            errors,
            notices,
            saved: false,
        })
    }
}

impl StepPage {
    /// Step `index` (from 0) of the demande's form; a step that does not exist is not found.
    pub fn new(
        ctx: &PageCtx,
        provider: &Provider,
        file: &DemandeFile,
        index: usize,
        feedback: Feedback,
    ) -> Result<StepPage, AppError> {
        let Feedback {
            errors,
            notices,
            saved,
        } = feedback;
        let step = provider.form.steps.get(index).ok_or(AppError::NotFound)?;
        let fields = step
            .fields
            .iter()
            .map(|f| field_view(provider, f, file, &errors))
            .collect();
        let summary = errors
            .for_step(index)
            .iter()
            .map(|e| {
                (
                    format!("#{}", input_id(provider, &e.key)),
                    e.label.clone(),
                    e.message.clone(),
                )
            })
            .collect();
        let has_scopes = step
            .fields
            .iter()
            .any(|f| f.kind == crate::domain::form::FieldKind::Scopes);
        let rights = if has_scopes {
            rights_inputs(provider, &file.answers, &errors, None)
        } else {
            RightsInputs::default()
        };
        Ok(StepPage {
            rights,
            layout: ctx.layout(SECTION),
            id: file.demande.id,
            public_id: public_id(file.demande.id),
            provider_name: provider.name.clone(),
            state_label: file.state.label(),
            reason: changes_reason(file),
            number: index + 1,
            count: provider.form.steps.len(),
            title: step.title.clone(),
            introduction: step.introduction.clone(),
            next_title: provider.form.steps.get(index + 1).map(|s| s.title.clone()),
            to_fix: step_links(provider, index, &errors)
                .into_iter()
                .filter(|s| s.has_errors && !s.current)
                .collect(),
            multipart: step
                .fields
                .iter()
                .any(|f| f.kind == crate::domain::form::FieldKind::File),
            form_name: provider
                .shaped_by
                .as_ref()
                .filter(|_| index == 0)
                .map(|t| t.name.clone()),
            form_introduction: provider
                .shaped_by
                .as_ref()
                .filter(|_| index == 0)
                .and_then(|t| t.introduction.clone()),
            fields,
            errors: summary,
            notices,
            saved,
        })
    }
}

#[derive(Template)]
#[template(path = "demandes/summary.html")]
pub struct SummaryPage {
    pub layout: Layout,
    pub id: i64,
    pub public_id: String,
    pub provider_name: String,
    pub cgu_url: String,
    pub state_label: &'static str,
    pub reason: Option<String>,
    pub steps: Vec<StepSummary>,
    /// (link, label, message): what stands between the demande and its submission.
    pub errors: Vec<(String, String, String)>,
    pub cgu_error: Option<String>,
    /// The terms box was ticked on the refused submission: it stays ticked.
    pub cgu_ticked: bool,
    /// Shown after a refused submission (422), rather than before the button is pressed.
    pub refused: bool,
    pub last_step: usize,
}

const CGU_LABEL: &str = "Conditions générales d'utilisation";
const CGU_TO_TICK: &str =
    "Cochez la case d'acceptation des conditions générales d'utilisation avant de soumettre.";
const CGU_NOT_TICKED: &str =
    "Cochez cette case pour accepter les conditions générales d'utilisation.";

/// What `submission::check` found, as the errors the summary lists.
pub fn check_errors(check: Result<FormErrors, Refusal>) -> FormErrors {
    match check {
        Ok(errors) | Err(Refusal::Invalid(errors)) => errors,
        Err(Refusal::CguNotAccepted) => FormErrors::default(),
        Err(Refusal::ClosedEstablishment(message)) => FormErrors(vec![FieldError {
            key: "organisation".into(),
            label: "Établissement".into(),
            message,
            step: 0,
        }]),
    }
}

impl SummaryPage {
    /// Every answer before submitting, with what is missing or wrong linked to its step, and
    /// the terms box when there is something else to do or it was left unticked.
    pub fn new(
        ctx: &PageCtx,
        provider: &Provider,
        file: &DemandeFile,
        errors: &FormErrors,
        (cgu_error, cgu_ticked): (Option<String>, bool),
    ) -> SummaryPage {
        let id = file.demande.id;
        let mut links: Vec<(String, String, String)> = errors
            .0
            .iter()
            .map(|e| {
                let step = e.step + 1;
                let link = format!(
                    "/demandes/{id}/etapes/{step}?verifier=1#{}",
                    input_id(provider, &e.key)
                );
                (link, e.label.clone(), e.message.clone())
            })
            .collect();
        if !cgu_ticked && (!links.is_empty() || cgu_error.is_some()) {
            let message = cgu_error.as_deref().unwrap_or(CGU_TO_TICK);
            links.push((
                "#cgu".to_string(),
                CGU_LABEL.to_string(),
                message.to_string(),
            ));
        }
        SummaryPage {
            layout: ctx.layout(SECTION),
            id,
            public_id: public_id(id),
            provider_name: provider.name.clone(),
            cgu_url: provider.cgu_url.clone(),
            state_label: file.state.label(),
            reason: changes_reason(file),
            steps: summaries(provider, file, errors),
            errors: links,
            cgu_error,
            cgu_ticked,
            refused: false,
            last_step: provider.form.steps.len(),
        }
    }

    /// The summary again after a refused submission, saying why.
    pub fn refused(
        ctx: &PageCtx,
        provider: &Provider,
        file: &DemandeFile,
        refusal: Refusal,
        cgu_ticked: bool,
    ) -> SummaryPage {
        let cgu_error =
            matches!(refusal, Refusal::CguNotAccepted).then(|| CGU_NOT_TICKED.to_string());
        let errors = check_errors(Err(refusal));
        SummaryPage {
            refused: true,
            ..SummaryPage::new(ctx, provider, file, &errors, (cgu_error, cgu_ticked))
        }
    }
}
