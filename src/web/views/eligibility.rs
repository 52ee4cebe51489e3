//! The eligibility questionnaire asked before a demande is created, as a page.

use actix_web::http::StatusCode;
use askama::Template;

use crate::catalog::Provider;
use crate::domain::eligibility::{Question, Verdict};
use crate::domain::form;

use crate::web::ctx::PageCtx;

use super::Layout;

const SECTION: &str = "demandes";

/// One question, with the answer already chosen.
pub struct QuestionView<'a> {
    pub question: &'a Question,
    pub chosen: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "demandes/eligibility.html")]
pub struct EligibilityPage<'a> {
    pub layout: Layout,
    pub provider: &'a Provider,
    /// The questions up to the one to answer now (or the one whose answer stops).
    pub questions: Vec<QuestionView<'a>>,
    /// Why the answer given stops the demande (HTML from the provider's checked Markdown).
    pub stopped: Option<&'a str>,
    /// (link, label, message) for the error summary: a value the question does not offer.
    pub errors: Vec<(String, String, String)>,
    /// What the link prefills, kept through the questions.
    pub carried: Vec<(String, String)>,
}

impl<'a> EligibilityPage<'a> {
    /// 400 when a question was given a value it does not offer; 200 when one is still to answer
    /// or an answer stops.
    pub fn status(&self) -> StatusCode {
        if self.errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        }
    }

    /// The page for a verdict other than [`Verdict::Eligible`], the answers given kept.
    pub fn new(
        ctx: &PageCtx,
        provider: &'a Provider,
        verdict: Verdict<'a>,
        given: &'a std::collections::BTreeMap<String, String>,
        values: &[(String, String)],
    ) -> EligibilityPage<'a> {
        // The template and the values the link prefills ride along with the answers.
        let carried = values
            .iter()
            .filter(|(k, _)| k == form::TEMPLATE_KEY || provider.form.field_for_key(k).is_some())
            .cloned()
            .collect();
        let (shown, stopped, wrong) = match verdict {
            Verdict::Eligible => (provider.eligibility.len(), None, None),
            Verdict::Unanswered { index, wrong } => (index + 1, None, wrong.then_some(index)),
            Verdict::Stopped { question, answer } => {
                let index = provider
                    .eligibility
                    .iter()
                    .position(|q| q.id == question.id)
                    .unwrap_or(0);
                (index + 1, answer.stop.as_deref(), None)
            }
        };
        let questions = provider
            .eligibility
            .iter()
            .take(shown)
            .enumerate()
            .map(|(i, question)| QuestionView {
                question,
                chosen: given
                    .get(&question.id)
                    .map(String::as_str)
                    .filter(|_| Some(i) != wrong),
            })
            .collect();
        let errors = wrong
            .and_then(|i| provider.eligibility.get(i))
            .map(|q| {
                vec![(
                    format!("#eligibilite-{}", q.id),
                    q.text.clone(),
                    "choisissez une des réponses proposées".to_string(),
                )]
            })
            .unwrap_or_default();
        EligibilityPage {
            layout: ctx.layout(SECTION),
            provider,
            questions,
            stopped,
            errors,
            carried,
        }
    }
}
