//! A provider's eligibility questionnaire: a few questions asked before a demande is created,
//! each answer leading on to the next question or stopping with an explanation. Pure: the
//! answers given in, the verdict out.

use std::collections::BTreeMap;

/// One question, with the answers offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub hint: Option<String>,
    pub answers: Vec<Answer>,
}

/// One answer offered to a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub value: String,
    pub label: String,
    /// Why this answer stops the demande, with links onwards (HTML from the provider file's
    /// checked Markdown); `None` when it leads on.
    pub stop: Option<String>,
}

/// What the answers given say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict<'a> {
    /// Every question answered, each answer leading on (or no questionnaire).
    Eligible,
    /// Question `index` is still to answer, or was given a value it does not offer (`wrong`).
    Unanswered { index: usize, wrong: bool },
    /// The answer to `question` stops here.
    Stopped {
        question: &'a Question,
        answer: &'a Answer,
    },
}

/// Reads the questions in order: the first unanswered (or wrongly answered) one, or the first
/// answer that stops, decides; answers to later questions do not count.
pub fn judge<'a>(questions: &'a [Question], given: &BTreeMap<String, String>) -> Verdict<'a> {
    for (index, question) in questions.iter().enumerate() {
        let Some(value) = given.get(&question.id).filter(|v| !v.is_empty()) else {
            return Verdict::Unanswered {
                index,
                wrong: false,
            };
        };
        let Some(answer) = question.answers.iter().find(|a| &a.value == value) else {
            return Verdict::Unanswered { index, wrong: true };
        };
        if answer.stop.is_some() {
            return Verdict::Stopped { question, answer };
        }
    }
    Verdict::Eligible
}

/// Why a demande cannot be created with these answers, in French; `None` when it can.
pub fn refusal(verdict: Verdict<'_>, provider_name: &str, provider_slug: &str) -> Option<String> {
    match verdict {
        Verdict::Eligible => None,
        Verdict::Unanswered { .. } => Some(format!(
            "Répondez d'abord aux questions d'éligibilité de {provider_name} : /demandes/nouvelle/{provider_slug}"
        )),
        Verdict::Stopped { question, .. } => Some(format!(
            "D'après vos réponses aux questions d'éligibilité (« {} »), votre organisme ne peut pas demander {provider_name}.",
            question.text
        )),
    }
}

/// The answers as one form value (`id:value,id:value`), carried from the questionnaire to the
/// creation of the demande.
pub fn encode(questions: &[Question], given: &BTreeMap<String, String>) -> String {
    questions
        .iter()
        .filter_map(|q| given.get(&q.id).map(|v| format!("{}:{v}", q.id)))
        .collect::<Vec<_>>()
        .join(",")
}

/// The answers of [`encode`]'s value; pieces that are not `id:value` are left out.
pub fn decode(value: &str) -> BTreeMap<String, String> {
    value
        .split(',')
        .filter_map(|pair| pair.split_once(':'))
        .map(|(id, v)| (id.to_string(), v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn questions() -> Vec<Question> {
        let answer = |value: &str, stop: Option<&str>| Answer {
            value: value.into(),
            label: value.into(),
            stop: stop.map(Into::into),
        };
        vec![
            Question {
                id: "public".into(),
                text: "Êtes-vous une administration ?".into(),
                hint: None,
                answers: vec![answer("oui", None), answer("non", Some("<p>Réservé.</p>"))],
            },
            Question {
                id: "usage".into(),
                text: "Pour une démarche d'usager ?".into(),
                hint: None,
                answers: vec![answer("oui", None), answer("non", Some("<p>Non.</p>"))],
            },
        ]
    }

    fn given(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn every_answer_leading_on_is_eligible_and_no_questionnaire_too() {
        let q = questions();
        assert_eq!(
            judge(&q, &given(&[("public", "oui"), ("usage", "oui")])),
            Verdict::Eligible
        );
        assert_eq!(judge(&[], &given(&[])), Verdict::Eligible);
    }

    #[test]
    fn the_first_question_left_or_wrongly_answered_is_asked() {
        let q = questions();
        assert_eq!(
            judge(&q, &given(&[])),
            Verdict::Unanswered {
                index: 0,
                wrong: false
            }
        );
        assert_eq!(
            judge(&q, &given(&[("public", "oui"), ("usage", "")])),
            Verdict::Unanswered {
                index: 1,
                wrong: false
            }
        );
        assert_eq!(
            judge(&q, &given(&[("public", "peut-etre"), ("usage", "oui")])),
            Verdict::Unanswered {
                index: 0,
                wrong: true
            }
        );
    }

    #[test]
    fn an_answer_that_stops_stops_whatever_comes_after() {
        let q = questions();
        let Verdict::Stopped { question, answer } =
            judge(&q, &given(&[("public", "non"), ("usage", "oui")]))
        else {
            panic!("should stop");
        };
        assert_eq!(
            (question.id.as_str(), answer.value.as_str()),
            ("public", "non")
        );
    }

    #[test]
    fn only_an_eligible_verdict_lets_a_demande_be_created() {
        let q = questions();
        assert_eq!(refusal(Verdict::Eligible, "API", "api"), None);
        let unanswered = refusal(judge(&q, &given(&[])), "API", "api").unwrap();
        assert_eq!(
            unanswered,
            "Répondez d'abord aux questions d'éligibilité de API : /demandes/nouvelle/api"
        );
        let stopped = refusal(judge(&q, &given(&[("public", "non")])), "API", "api").unwrap();
        assert!(
            stopped.contains("(« Êtes-vous une administration ? »)"),
            "{stopped}"
        );
    }

    #[test]
    fn answers_travel_as_one_value() {
        let q = questions();
        let g = given(&[("public", "oui"), ("usage", "oui"), ("autre", "x")]);
        let value = encode(&q, &g);
        assert_eq!(value, "public:oui,usage:oui");
        assert_eq!(judge(&q, &decode(&value)), Verdict::Eligible);
        assert_eq!(decode("n'importe quoi"), BTreeMap::new());
    }
}
