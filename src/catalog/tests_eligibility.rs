//! The eligibility questionnaire of a provider file: what loads, and each mistake at its key.

use super::tests::{VALID, error_of, parse};

const QUESTION: &str = r#"
[[eligibility]]
id = "organisme"
question = "Êtes-vous une administration ?"

  [[eligibility.answers]]
  value = "oui"
  label = "Oui"

  [[eligibility.answers]]
  value = "non"
  label = "Non"
  stop = "Réservé aux **administrations** : voir [api.gouv.fr](https://api.gouv.fr)."
"#;

fn with(question: &str) -> String {
    format!("{VALID}{question}")
}

#[test]
fn a_questionnaire_loads_with_its_explanations_rendered() {
    let p = parse(&with(QUESTION)).unwrap();
    assert_eq!(p.eligibility.len(), 1);
    let q = &p.eligibility[0];
    assert_eq!((q.id.as_str(), q.answers.len()), ("organisme", 2));
    assert_eq!(q.answers[0].stop, None);
    assert_eq!(
        q.answers[1].stop.as_deref(),
        Some(
            "<p>Réservé aux <strong>administrations</strong> : voir <a href=\"https://api.gouv.fr\">api.gouv.fr</a>.</p>\n"
        )
    );
}

#[test]
fn a_question_every_answer_of_which_stops_is_refused() {
    let text = with(&QUESTION.replace(
        "label = \"Oui\"\n",
        "label = \"Oui\"\n  stop = \"Non plus.\"\n",
    ));
    assert_eq!(
        error_of(&text),
        "providers/api-test.toml: eligibility[0].answers : toutes les réponses arrêtent la demande : au moins une doit permettre de continuer"
    );
}

#[test]
fn a_lone_or_repeated_answer_and_html_in_an_explanation_are_named() {
    let lone = with(
        "[[eligibility]]\nid = \"organisme\"\nquestion = \"?\"\n[[eligibility.answers]]\nvalue = \"oui\"\nlabel = \"Oui\"\n",
    );
    assert_eq!(
        error_of(&lone),
        "providers/api-test.toml: eligibility[0].answers : une question propose au moins deux réponses"
    );
    let repeated = with(&QUESTION.replace("value = \"non\"", "value = \"oui\""));
    assert_eq!(
        error_of(&repeated),
        "providers/api-test.toml: eligibility[0].answers[1].value : la réponse « oui » est proposée deux fois"
    );
    let html = with(&QUESTION.replace("Réservé aux", "<b>Réservé</b> aux"));
    assert_eq!(
        error_of(&html),
        "providers/api-test.toml: eligibility[0].answers[1].stop : le HTML n'est pas permis (« <b> ») : écrivez en Markdown"
    );
}

#[test]
fn a_question_may_not_take_a_key_of_the_form_or_the_template_s() {
    for id in ["intitule", "formulaire"] {
        let text = with(&QUESTION.replace("id = \"organisme\"", &format!("id = \"{id}\"")));
        assert_eq!(
            error_of(&text),
            format!(
                "providers/api-test.toml: eligibility[0].id : « {id} » est déjà une clé du formulaire : choisissez un autre identifiant"
            )
        );
    }
}
