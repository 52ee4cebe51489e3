//! The checks of answers against a form: what is wrong, field by field, in French.

use chrono::NaiveDate;
use validator::ValidateUrl;

use super::asked::read_rights;
use super::schema::{Answers, CONTACT_PARTS, Field, FieldKind, Form, MAX_VALUE_CHARS, Value};
use super::scopes::{broken_scope_rule, chosen_scopes};
use crate::domain::attachment;
use crate::domain::email::Email;
use crate::domain::siret::Siret;

/// What is wrong with one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub key: String,
    pub label: String,
    pub message: String,
    /// Index of the step that holds the field.
    pub step: usize,
}

/// Errors in the order of the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors(pub Vec<FieldError>);

impl FormErrors {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.key == key)
            .map(|e| e.message.as_str())
    }

    pub fn for_step(&self, step: usize) -> Vec<&FieldError> {
        self.0.iter().filter(|e| e.step == step).collect()
    }
}

/// How strict a check is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Flags values that are wrong; missing ones are fine in a draft.
    Draft,
    /// Everything a submission needs.
    Submit,
}

/// Checks answers against the form.
pub fn check(form: &Form, answers: &Answers, strictness: Strictness) -> FormErrors {
    let scopes = chosen_scopes(form, answers);
    let mut errors = Vec::new();
    for (step_index, step) in form.steps.iter().enumerate() {
        for field in &step.fields {
            for (part_index, key) in field.keys().into_iter().enumerate() {
                let part = (field.kind == FieldKind::Contact).then_some(part_index);
                let label = key_label(field, part);
                let value = answers.get(&key).filter(|v| !v.is_blank());
                let message = match value {
                    Some(value) => value_error(form, field, part, value),
                    // Scopes always granted count as chosen (their boxes are locked, not posted).
                    None if field.kind == FieldKind::Scopes && !scopes.is_empty() => None,
                    None if strictness == Strictness::Submit
                        && is_required(field, answers, &scopes) =>
                    {
                        Some(missing_message(field))
                    }
                    None => None,
                };
                if let Some(message) = message {
                    errors.push(FieldError {
                        key,
                        label,
                        message,
                        step: step_index,
                    });
                }
            }
            if field.kind == FieldKind::Scopes
                && strictness == Strictness::Submit
                && let Some(message) = broken_scope_rule(form, &scopes).map(|b| b.for_applicant())
                && !errors.iter().any(|e| e.key == field.id)
            {
                errors.push(FieldError {
                    key: field.id.clone(),
                    label: field.label.clone(),
                    message,
                    step: step_index,
                });
            }
            if field.kind == FieldKind::Scopes {
                let (_, wrong) = read_rights(form, answers, 0, strictness == Strictness::Submit);
                errors.extend(wrong.into_iter().map(|e| FieldError {
                    key: e.key,
                    label: e.label,
                    message: capitalised(&e.message),
                    step: step_index,
                }));
            }
        }
    }
    FormErrors(errors)
}

/// How a person names an input key: the field's label, and the part of a contact.
pub fn key_label(field: &Field, part: Option<usize>) -> String {
    match part {
        Some(p) => format!("{} – {}", field.label, CONTACT_PARTS[p].1),
        None => field.label.clone(),
    }
}

fn missing_message(field: &Field) -> String {
    match field.kind {
        FieldKind::Checkbox => "Cochez cette case pour continuer.".to_string(),
        FieldKind::Select | FieldKind::Radio => "Choisissez une option.".to_string(),
        FieldKind::Checkboxes => "Cochez au moins une option.".to_string(),
        FieldKind::Scopes => "Cochez au moins une des données demandées.".to_string(),
        FieldKind::File => "Joignez un fichier.".to_string(),
        _ => "Ce champ est obligatoire.".to_string(),
    }
}

fn is_required(field: &Field, answers: &Answers, scopes: &[String]) -> bool {
    if field.required {
        return true;
    }
    if let Some(scope) = &field.required_if_scope
        && scopes.contains(scope)
    {
        return true;
    }
    if let Some(other) = &field.required_unless
        && answers.get(other).is_none_or(Value::is_blank)
    {
        return true;
    }
    if let Some(cond) = &field.required_if {
        let number = answers.get(&cond.field).and_then(|v| match v {
            Value::One(s) => parse_number(s),
            Value::Many(_) => None,
        });
        if number.is_some_and(|n| n > cond.greater_than) {
            return true;
        }
    }
    false
}

fn parse_number(raw: &str) -> Option<f64> {
    raw.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// What is wrong with a value that is present (None when it is fine).
fn value_error(form: &Form, field: &Field, part: Option<usize>, value: &Value) -> Option<String> {
    let kind = part.map(|p| CONTACT_PARTS[p].2).unwrap_or(field.kind);
    if kind == FieldKind::File {
        return file_error(field, value);
    }
    if kind.is_multi() {
        let allowed = |v: &str| match kind {
            FieldKind::Scopes => form.scope(v).is_some(),
            _ => field.options.iter().any(|o| o.value == v),
        };
        return value.items().into_iter().find(|v| !allowed(v)).map(|v| {
            format!(
                "« {} » ne fait pas partie des choix proposés.",
                truncate(v, 40)
            )
        });
    }
    let text = match value {
        Value::One(s) => s.as_str(),
        Value::Many(_) => return Some("Une seule valeur est attendue.".to_string()),
    };
    let length = text.chars().count();
    if length > MAX_VALUE_CHARS {
        return Some(format!(
            "Ce texte est trop long : {MAX_VALUE_CHARS} caractères au maximum."
        ));
    }
    let rules_apply = part.is_none();
    match kind {
        FieldKind::Text | FieldKind::Textarea => {
            if rules_apply {
                if let Some(max) = field.max_length.filter(|max| length > *max) {
                    return Some(format!("{max} caractères au maximum ({length} saisis)."));
                }
                if let Some(min) = field.min_length.filter(|min| length < *min) {
                    return Some(format!("{min} caractères au minimum ({length} saisis)."));
                }
                if let Some(pattern) = &field.pattern
                    && !pattern.regex.is_match(text)
                {
                    return Some(pattern.message.clone());
                }
            }
            None
        }
        FieldKind::Email => Email::parse(text).err().map(|e| e.to_string()),
        FieldKind::Phone => {
            let digits: String = text
                .chars()
                .filter(|c| !matches!(c, ' ' | '.' | '-'))
                .collect();
            let body = digits.strip_prefix('+').unwrap_or(&digits);
            let ok = body.chars().all(|c| c.is_ascii_digit()) && (10..=15).contains(&body.len());
            (!ok).then(|| {
                "Saisissez un numéro de téléphone valide, par exemple 01 23 45 67 89.".to_string()
            })
        }
        FieldKind::Url => {
            let ok = (text.starts_with("https://") || text.starts_with("http://"))
                && text.validate_url();
            (!ok).then(|| "Saisissez un lien complet, commençant par https://.".to_string())
        }
        FieldKind::Number => match parse_number(text) {
            None => Some("Saisissez un nombre, par exemple 36.".to_string()),
            Some(n) if field.min.is_some_and(|min| n < min) => Some(format!(
                "Le nombre doit être au moins {}.",
                format_number(field.min.unwrap_or_default())
            )),
            Some(n) if field.max.is_some_and(|max| n > max) => Some(format!(
                "Le nombre doit être au plus {}.",
                format_number(field.max.unwrap_or_default())
            )),
            Some(_) => None,
        },
        FieldKind::Date => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .is_err()
            .then(|| {
                "Saisissez une date valide, au format jj/mm/aaaa (par exemple 31/01/2027)."
                    .to_string()
            }),
        FieldKind::Select | FieldKind::Radio => (!field.options.iter().any(|o| o.value == text))
            .then(|| "Choisissez une des options proposées.".to_string()),
        FieldKind::Checkbox => {
            (text != "oui").then(|| "Valeur de case à cocher invalide.".to_string())
        }
        FieldKind::Siret => Siret::parse(text).err().map(|e| e.to_string()),
        FieldKind::Checkboxes | FieldKind::Scopes | FieldKind::Contact | FieldKind::File => None,
    }
}

/// A file answer lists attachments the portal itself wrote (`<id>:<name>`), within the
/// field's count.
fn file_error(field: &Field, value: &Value) -> Option<String> {
    let items = value.items();
    if items.iter().any(|i| attachment::parse_item(i).is_none()) {
        return Some(
            "Pièce jointe invalide : retirez-la et joignez le fichier à nouveau.".to_string(),
        );
    }
    let max = field.file.as_ref().map_or(1, |r| r.max_files);
    (items.len() > max).then(|| format!("{max} fichier(s) au maximum : retirez-en."))
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n).collect::<String>())
    } else {
        s.to_string()
    }
}

/// A message that starts a sentence.
fn capitalised(message: &str) -> String {
    let mut chars = message.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
