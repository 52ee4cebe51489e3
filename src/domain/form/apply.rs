//! Applying what an applicant posted on one step to the answers, typed values kept as typed.

use super::asked::RightsInput;
use super::schema::{Answers, FieldKind, Form, MAX_VALUE_CHARS, Value};

/// What an applicant posted on one step, applied to the answers.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Keys that are not part of this step.
    pub unknown_keys: Vec<String>,
    /// Keys whose value was refused outright (kept as before), with why.
    pub rejected: Vec<(String, String)>,
}

/// Applies the inputs of one step to the answers: every value is kept as typed, valid or not,
/// except values no field could hold (too long, several where one is expected).
/// Keys starting with `_` (CSRF token, button) are the page's own and ignored.
pub fn apply_step(
    form: &Form,
    step: usize,
    answers: &mut Answers,
    input: &[(String, String)],
) -> Applied {
    let mut applied = Applied::default();
    let Some(step) = form.steps.get(step) else {
        return applied;
    };
    // The scopes step also holds the rights asked for each scope.
    let rights_keys = if step.fields.iter().any(|f| f.kind == FieldKind::Scopes) {
        super::asked::rights_keys(form)
    } else {
        vec![]
    };
    for (key, _) in input {
        let known = step.fields.iter().any(|f| f.keys().contains(key))
            || rights_keys.iter().any(|(k, _)| k == key);
        if !known && !key.starts_with('_') && !applied.unknown_keys.contains(key) {
            applied.unknown_keys.push(key.clone());
        }
    }
    // Files come as uploads, never as typed text: their answers change only through them.
    for field in step.fields.iter().filter(|f| f.kind != FieldKind::File) {
        for key in field.keys() {
            let posted: Vec<&str> = input
                .iter()
                .filter(|(k, _)| *k == key)
                .map(|(_, v)| v.as_str())
                .collect();
            apply_key(field.kind, key, &posted, answers, &mut applied);
        }
    }
    apply_rights_keys(rights_keys, input, answers, &mut applied);
    applied
}

/// Applies an instructor's inputs of the rights (the scopes step's keys) to fresh answers.
pub fn apply_rights(form: &Form, input: &[(String, String)]) -> Answers {
    let mut answers = Answers::new();
    let mut applied = Applied::default();
    apply_rights_keys(
        super::asked::rights_keys(form),
        input,
        &mut answers,
        &mut applied,
    );
    answers
}

/// The posted values of the rights' inputs into the answers, each as its kind keeps it.
fn apply_rights_keys(
    keys: Vec<(String, RightsInput)>,
    input: &[(String, String)],
    answers: &mut Answers,
    applied: &mut Applied,
) {
    for (key, input_kind) in keys {
        let posted: Vec<&str> = input
            .iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
            .collect();
        let kind = match input_kind {
            RightsInput::Many => FieldKind::Checkboxes,
            RightsInput::One => FieldKind::Text,
            RightsInput::Date => FieldKind::Date,
        };
        apply_key(kind, key, &posted, answers, applied);
    }
}

/// The key of a link to a new demande that chooses its template (DataPass's "formulaire"),
/// beside the keys it prefills.
pub const TEMPLATE_KEY: &str = "formulaire";

/// Applies values sent from outside the form (a provider's own site prefilling a new demande)
/// as if typed: only the keys of the form's fields, each given key set and the others left as
/// they are. Keys of no field are returned as unknown, untouched.
pub fn prefill(form: &Form, answers: &mut Answers, input: &[(String, String)]) -> Applied {
    let mut applied = Applied::default();
    let mut done: Vec<&str> = Vec::new();
    for (key, _) in input {
        if done.contains(&key.as_str()) {
            continue;
        }
        done.push(key);
        let Some((_, field, _)) = form.field_for_key(key) else {
            applied.unknown_keys.push(key.clone());
            continue;
        };
        if field.kind == FieldKind::File {
            applied.rejected.push((
                key.clone(),
                "Un fichier ne peut pas être prérempli par un lien.".to_string(),
            ));
            continue;
        }
        let posted: Vec<&str> = input
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect();
        apply_key(field.kind, key.clone(), &posted, answers, &mut applied);
    }
    applied
}

/// One key's posted values into the answers (none posted: the answer goes).
fn apply_key(
    kind: FieldKind,
    key: String,
    posted: &[&str],
    answers: &mut Answers,
    applied: &mut Applied,
) {
    if kind.is_multi() {
        let mut values: Vec<String> = posted
            .iter()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect();
        values.dedup();
        if values.iter().any(|v| v.chars().count() > 200) || values.len() > 500 {
            applied
                .rejected
                .push((key, "Valeurs invalides.".to_string()));
        } else if values.is_empty() {
            answers.remove(&key);
        } else {
            answers.insert(key, Value::Many(values));
        }
        return;
    }
    match posted {
        [] => {
            answers.remove(&key);
        }
        [raw] => {
            let value = normalise(raw, kind);
            if value.chars().count() > MAX_VALUE_CHARS {
                applied.rejected.push((
                    key,
                    format!("Ce texte est trop long : {MAX_VALUE_CHARS} caractères au maximum. Il n'a pas été enregistré."),
                ));
            } else if value.is_empty() {
                answers.remove(&key);
            } else {
                answers.insert(key, Value::One(value));
            }
        }
        _ => applied
            .rejected
            .push((key, "Une seule valeur est attendue.".to_string())),
    }
}

fn normalise(raw: &str, kind: FieldKind) -> String {
    let unified = raw.replace("\r\n", "\n");
    match kind {
        FieldKind::Textarea => unified.trim().to_string(),
        // A date typed as French people write it (31/01/2027) is stored as the browser sends it.
        FieldKind::Date => {
            let text = unified.replace('\n', " ").trim().to_string();
            chrono::NaiveDate::parse_from_str(&text, "%d/%m/%Y")
                .map_or(text, |d| d.format("%Y-%m-%d").to_string())
        }
        _ => unified.replace('\n', " ").trim().to_string(),
    }
}
