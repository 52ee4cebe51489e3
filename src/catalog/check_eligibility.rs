//! The eligibility questionnaire: ids, answers, and the explanations of the answers that stop.

use super::check_form::check_id;
use super::error::Errors;
use super::markdown;
use super::raw::RawProvider;
use crate::domain::eligibility::{Answer, Question};
use crate::domain::form::{Form, TEMPLATE_KEY};

pub(super) fn check_eligibility(
    raw: &RawProvider,
    form: &Form,
    errors: &mut Errors,
) -> Vec<Question> {
    let mut questions: Vec<Question> = Vec::new();
    for (qi, raw_q) in raw.eligibility.iter().enumerate() {
        let key = format!("eligibility[{qi}]");
        let id_ok = check_id(&raw_q.id, format!("{key}.id"), "identifiant", errors);
        if id_ok && (raw_q.id == TEMPLATE_KEY || form.field_for_key(&raw_q.id).is_some()) {
            // Answers and prefilled values share the query string of a new demande.
            errors.add(
                format!("{key}.id"),
                format!(
                    "« {} » est déjà une clé du formulaire : choisissez un autre identifiant",
                    raw_q.id
                ),
            );
        } else if id_ok && questions.iter().any(|q| q.id == raw_q.id) {
            errors.add(
                format!("{key}.id"),
                format!("la question « {} » est déclarée deux fois", raw_q.id),
            );
        }
        if raw_q.answers.len() < 2 {
            errors.add(
                format!("{key}.answers"),
                "une question propose au moins deux réponses",
            );
        }
        let mut answers: Vec<Answer> = Vec::new();
        for (ai, raw_a) in raw_q.answers.iter().enumerate() {
            let akey = format!("{key}.answers[{ai}]");
            let value_ok = check_id(&raw_a.value, format!("{akey}.value"), "valeur", errors);
            if value_ok && answers.iter().any(|a| a.value == raw_a.value) {
                errors.add(
                    format!("{akey}.value"),
                    format!("la réponse « {} » est proposée deux fois", raw_a.value),
                );
            }
            let stop = raw_a
                .stop
                .as_deref()
                .and_then(|text| markdown::render(text, &format!("{akey}.stop"), errors));
            answers.push(Answer {
                value: raw_a.value.clone(),
                label: raw_a.label.clone(),
                // An explanation refused above refuses the whole file: `None` is never used.
                stop,
            });
        }
        if !raw_q.answers.is_empty() && raw_q.answers.iter().all(|a| a.stop.is_some()) {
            errors.add(
                format!("{key}.answers"),
                "toutes les réponses arrêtent la demande : au moins une doit permettre de continuer",
            );
        }
        questions.push(Question {
            id: raw_q.id.clone(),
            text: raw_q.question.clone(),
            hint: raw_q.hint.clone(),
            answers,
        });
    }
    questions
}
