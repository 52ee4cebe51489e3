//! A provider's form as data, and the checks of answers against it.
//!
//! Answers are kept as typed, valid or not: a draft never loses what someone wrote.
//! [`check`] says what is wrong, field by field, in French.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use regex::Regex;
use serde::{Deserialize, Serialize};
use validator::ValidateUrl;

use super::email::Email;
use super::siret::Siret;

/// No single answer may be longer than this, whatever the field (a hard cap against abuse).
pub const MAX_VALUE_CHARS: usize = 10_000;

/// The key under which the chosen scopes are kept in the answers.
pub const SCOPES_KEY: &str = "scopes";

/// One answer: a single value, or several for checkboxes and scopes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    One(String),
    Many(Vec<String>),
}

impl Value {
    pub fn is_blank(&self) -> bool {
        match self {
            Value::One(s) => s.trim().is_empty(),
            Value::Many(v) => v.is_empty(),
        }
    }

    /// The values as a list (a single value is a list of one).
    pub fn items(&self) -> Vec<&str> {
        match self {
            Value::One(s) => vec![s.as_str()],
            Value::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }

    /// How the value reads on a summary page.
    pub fn display(&self) -> String {
        self.items().join(", ")
    }
}

pub type Answers = BTreeMap<String, Value>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Textarea,
    Email,
    Phone,
    Url,
    Number,
    Date,
    Select,
    Radio,
    Checkbox,
    Checkboxes,
    Siret,
    Contact,
    Scopes,
}

impl FieldKind {
    pub const ALL: [FieldKind; 14] = [
        FieldKind::Text,
        FieldKind::Textarea,
        FieldKind::Email,
        FieldKind::Phone,
        FieldKind::Url,
        FieldKind::Number,
        FieldKind::Date,
        FieldKind::Select,
        FieldKind::Radio,
        FieldKind::Checkbox,
        FieldKind::Checkboxes,
        FieldKind::Siret,
        FieldKind::Contact,
        FieldKind::Scopes,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Textarea => "textarea",
            FieldKind::Email => "email",
            FieldKind::Phone => "phone",
            FieldKind::Url => "url",
            FieldKind::Number => "number",
            FieldKind::Date => "date",
            FieldKind::Select => "select",
            FieldKind::Radio => "radio",
            FieldKind::Checkbox => "checkbox",
            FieldKind::Checkboxes => "checkboxes",
            FieldKind::Siret => "siret",
            FieldKind::Contact => "contact",
            FieldKind::Scopes => "scopes",
        }
    }

    pub fn parse(name: &str) -> Option<FieldKind> {
        FieldKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Kinds whose answer is a list.
    pub fn is_multi(self) -> bool {
        matches!(self, FieldKind::Checkboxes | FieldKind::Scopes)
    }

    pub fn has_options(self) -> bool {
        matches!(
            self,
            FieldKind::Select | FieldKind::Radio | FieldKind::Checkboxes
        )
    }
}

/// The parts of a contact block, each its own input (`<field>_<part>`).
pub const CONTACT_PARTS: [(&str, &str, FieldKind); 5] = [
    ("family_name", "Nom", FieldKind::Text),
    ("given_name", "Prénom", FieldKind::Text),
    ("email", "Adresse électronique", FieldKind::Email),
    ("phone_number", "Téléphone", FieldKind::Phone),
    ("job_title", "Fonction", FieldKind::Text),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// "Required when another field's number is greater than ..."
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub field: String,
    pub greater_than: f64,
}

#[derive(Debug, Clone)]
pub struct Pattern {
    pub regex: Regex,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub id: String,
    pub kind: FieldKind,
    pub label: String,
    pub hint: Option<String>,
    pub required: bool,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub pattern: Option<Pattern>,
    pub options: Vec<Choice>,
    pub required_if_scope: Option<String>,
    pub required_if: Option<Condition>,
}

impl Field {
    /// A field with only an id, a kind and a label; the rest is set by the caller.
    pub fn new(id: &str, kind: FieldKind, label: &str) -> Self {
        Field {
            id: id.to_string(),
            kind,
            label: label.to_string(),
            hint: None,
            required: false,
            min_length: None,
            max_length: None,
            min: None,
            max: None,
            pattern: None,
            options: vec![],
            required_if_scope: None,
            required_if: None,
        }
    }

    /// The input keys this field owns in the answers.
    pub fn keys(&self) -> Vec<String> {
        match self.kind {
            FieldKind::Contact => CONTACT_PARTS
                .iter()
                .map(|(p, _, _)| format!("{}_{p}", self.id))
                .collect(),
            _ => vec![self.id.clone()],
        }
    }
}

#[derive(Debug, Clone)]
pub struct Step {
    pub id: String,
    pub title: String,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeDef {
    pub id: String,
    pub label: String,
    pub group: String,
    pub sensitive: bool,
    /// Always granted, shown ticked and locked.
    pub included: bool,
    /// Hidden from new choices; kept on demandes that already have it.
    pub deprecated: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeRules {
    /// At least this many scopes overall.
    pub min: usize,
    /// (group, minimum) pairs.
    pub group_min: Vec<(String, usize)>,
    /// Pairs that cannot be asked together.
    pub incompatible: Vec<(String, String)>,
    /// Scopes that must be asked alone.
    pub exclusive: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Form {
    pub steps: Vec<Step>,
    pub scopes: Vec<ScopeDef>,
    pub scope_rules: ScopeRules,
}

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

impl Form {
    pub fn scope(&self, id: &str) -> Option<&ScopeDef> {
        self.scopes.iter().find(|s| s.id == id)
    }

    /// The field that owns an input key, with the contact part when it is one.
    pub fn field_for_key(&self, key: &str) -> Option<(usize, &Field, Option<usize>)> {
        for (i, step) in self.steps.iter().enumerate() {
            for field in &step.fields {
                if field.id == key && field.kind != FieldKind::Contact {
                    return Some((i, field, None));
                }
                if field.kind == FieldKind::Contact
                    && let Some(part) = key
                        .strip_prefix(&field.id)
                        .and_then(|r| r.strip_prefix('_'))
                    && let Some(p) = CONTACT_PARTS.iter().position(|(name, _, _)| *name == part)
                {
                    return Some((i, field, Some(p)));
                }
            }
        }
        None
    }

    /// Scopes always granted.
    pub fn included_scopes(&self) -> Vec<String> {
        self.scopes
            .iter()
            .filter(|s| s.included)
            .map(|s| s.id.clone())
            .collect()
    }

    pub fn field(&self, id: &str) -> Option<&Field> {
        self.steps
            .iter()
            .flat_map(|s| &s.fields)
            .find(|f| f.id == id)
    }
}

/// The chosen scopes, with the included ones always there.
pub fn chosen_scopes(form: &Form, answers: &Answers) -> Vec<String> {
    let mut out: Vec<String> = answers
        .get(SCOPES_KEY)
        .map(|v| v.items().into_iter().map(str::to_string).collect())
        .unwrap_or_default();
    for id in form.included_scopes() {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    // Keep the provider's order, whatever order the browser sent.
    out.sort_by_key(|id| {
        form.scopes
            .iter()
            .position(|s| &s.id == id)
            .unwrap_or(usize::MAX)
    });
    out
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
        }
    }
    FormErrors(errors)
}

fn key_label(field: &Field, part: Option<usize>) -> String {
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
                "Saisissez une date valide, au format AAAA-MM-JJ (par exemple 2027-01-31)."
                    .to_string()
            }),
        FieldKind::Select | FieldKind::Radio => (!field.options.iter().any(|o| o.value == text))
            .then(|| "Choisissez une des options proposées.".to_string()),
        FieldKind::Checkbox => {
            (text != "oui").then(|| "Valeur de case à cocher invalide.".to_string())
        }
        FieldKind::Siret => Siret::parse(text).err().map(|e| e.to_string()),
        FieldKind::Checkboxes | FieldKind::Scopes | FieldKind::Contact => None,
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n).collect::<String>())
    } else {
        s.to_string()
    }
}

/// A scope rule of the provider that a set of scopes breaks, with the labels to name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokenScopeRule {
    TooFew { min: usize },
    GroupMin { group: String, min: usize },
    Incompatible(String, String),
    NotAlone(String),
}

impl BrokenScopeRule {
    /// Said to the applicant choosing scopes.
    pub fn for_applicant(&self) -> String {
        match self {
            BrokenScopeRule::TooFew { .. } => {
                "Cochez au moins une des données demandées.".to_string()
            }
            BrokenScopeRule::GroupMin { group, min } => {
                format!("Cochez au moins {min} donnée(s) du groupe « {group} ».")
            }
            BrokenScopeRule::Incompatible(a, b) => {
                format!("Les données « {a} » et « {b} » ne peuvent pas être demandées ensemble.")
            }
            BrokenScopeRule::NotAlone(a) => format!("La donnée « {a} » doit être demandée seule."),
        }
    }

    /// Said to the instructor granting fewer scopes than asked.
    pub fn for_grant(&self) -> String {
        let rule = match self {
            BrokenScopeRule::TooFew { min } => {
                format!("au moins {min} donnée(s) doit être accordée")
            }
            BrokenScopeRule::GroupMin { group, min } => {
                format!("au moins {min} donnée(s) du groupe « {group} » doit être accordée")
            }
            BrokenScopeRule::Incompatible(a, b) => {
                format!("les données « {a} » et « {b} » ne peuvent pas être accordées ensemble")
            }
            BrokenScopeRule::NotAlone(a) => format!("la donnée « {a} » doit être accordée seule"),
        };
        format!("Les données accordées ne respectent pas les règles du formulaire : {rule}.")
    }
}

/// The first scope rule these scopes break, if any.
pub fn broken_scope_rule(form: &Form, scopes: &[String]) -> Option<BrokenScopeRule> {
    let rules = &form.scope_rules;
    let label = |id: &str| {
        form.scope(id)
            .map(|s| s.label.clone())
            .unwrap_or_else(|| id.to_string())
    };
    if scopes.len() < rules.min.max(1) {
        return Some(BrokenScopeRule::TooFew {
            min: rules.min.max(1),
        });
    }
    for (group, min) in &rules.group_min {
        let n = scopes
            .iter()
            .filter(|id| form.scope(id).is_some_and(|s| &s.group == group))
            .count();
        if n < *min {
            return Some(BrokenScopeRule::GroupMin {
                group: group.clone(),
                min: *min,
            });
        }
    }
    for (a, b) in &rules.incompatible {
        if scopes.contains(a) && scopes.contains(b) {
            return Some(BrokenScopeRule::Incompatible(label(a), label(b)));
        }
    }
    for alone in &rules.exclusive {
        if scopes.contains(alone) && scopes.len() > 1 {
            return Some(BrokenScopeRule::NotAlone(label(alone)));
        }
    }
    None
}

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
    for (key, _) in input {
        let known = step.fields.iter().any(|f| f.keys().contains(key));
        if !known && !key.starts_with('_') && !applied.unknown_keys.contains(key) {
            applied.unknown_keys.push(key.clone());
        }
    }
    for field in &step.fields {
        for key in field.keys() {
            let posted: Vec<&str> = input
                .iter()
                .filter(|(k, _)| *k == key)
                .map(|(_, v)| v.as_str())
                .collect();
            if field.kind.is_multi() {
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
                continue;
            }
            match posted.as_slice() {
                [] => {
                    answers.remove(&key);
                }
                [raw] => {
                    let value = normalise(raw, field.kind);
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
    }
    applied
}

fn normalise(raw: &str, kind: FieldKind) -> String {
    let unified = raw.replace("\r\n", "\n");
    match kind {
        FieldKind::Textarea => unified.trim().to_string(),
        _ => unified.replace('\n', " ").trim().to_string(),
    }
}

/// One changed answer: before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub key: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// The answers that differ between two versions, in key order.
pub fn diff(before: &Answers, after: &Answers) -> Vec<Change> {
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| Change {
            key: k.clone(),
            before: before.get(k).cloned(),
            after: after.get(k).cloned(),
        })
        .collect()
}

/// Several successive diffs folded into one: each key's first "before" and last "after",
/// keys that came back to where they were dropped.
pub fn compose(diffs: &[Vec<Change>]) -> Vec<Change> {
    let mut folded: Vec<Change> = Vec::new();
    for change in diffs.iter().flatten() {
        match folded.iter_mut().find(|c| c.key == change.key) {
            Some(existing) => existing.after = change.after.clone(),
            None => folded.push(change.clone()),
        }
    }
    folded.retain(|c| c.before != c.after);
    folded.sort_by(|a, b| a.key.cmp(&b.key));
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Form {
        let mut intitule = Field::new("intitule", FieldKind::Text, "Nom du projet");
        intitule.required = true;
        intitule.max_length = Some(20);
        let mut duree = Field::new("duree", FieldKind::Number, "Durée de conservation");
        duree.required = true;
        duree.min = Some(0.0);
        duree.max = Some(1200.0);
        let mut justification = Field::new("justification", FieldKind::Textarea, "Justification");
        justification.required_if = Some(Condition {
            field: "duree".into(),
            greater_than: 36.0,
        });
        let mut rt = Field::new("rt", FieldKind::Contact, "Responsable de traitement");
        rt.required = true;
        let mut volumetrie = Field::new("volumetrie", FieldKind::Select, "Volumétrie");
        volumetrie.options = vec![Choice {
            value: "50".into(),
            label: "50".into(),
        }];
        let mut rfr_note = Field::new("rfr_note", FieldKind::Textarea, "Usage du RFR");
        rfr_note.required_if_scope = Some("rfr".into());
        let mut scopes = Field::new(SCOPES_KEY, FieldKind::Scopes, "Les données");
        scopes.required = true;
        let scope = |id: &str, group: &str, included: bool| ScopeDef {
            id: id.into(),
            label: id.to_uppercase(),
            group: group.into(),
            sensitive: false,
            included,
            deprecated: false,
        };
        Form {
            steps: vec![
                Step {
                    id: "projet".into(),
                    title: "Mon projet".into(),
                    fields: vec![intitule, duree, justification, volumetrie],
                },
                Step {
                    id: "donnees".into(),
                    title: "Les données".into(),
                    fields: vec![scopes, rfr_note, rt],
                },
            ],
            scopes: vec![
                scope("annee_n1", "Années", false),
                scope("rfr", "Agrégats", false),
                scope("lep", "LEP", false),
                scope("ifi", "Agrégats", false),
                scope("openid", "Technique", true),
            ],
            scope_rules: ScopeRules {
                min: 1,
                group_min: vec![("Années".into(), 1)],
                incompatible: vec![("ifi".into(), "lep".into())],
                exclusive: vec!["lep".into()],
            },
        }
    }

    fn one(s: &str) -> Value {
        Value::One(s.into())
    }

    fn complete() -> Answers {
        let mut a = Answers::new();
        a.insert("intitule".into(), one("Cantine"));
        a.insert("duree".into(), one("12"));
        a.insert(SCOPES_KEY.into(), Value::Many(vec!["annee_n1".into()]));
        for (part, v) in [
            ("family_name", "Dupont"),
            ("given_name", "Marie"),
            ("email", "marie@lyon.fr"),
            ("phone_number", "04 72 10 30 30"),
            ("job_title", "DGS"),
        ] {
            a.insert(format!("rt_{part}"), one(v));
        }
        a
    }

    #[test]
    fn a_complete_form_has_no_error() {
        assert_eq!(
            check(&form(), &complete(), Strictness::Submit),
            FormErrors::default()
        );
    }

    #[test]
    fn a_draft_only_flags_wrong_values_but_a_submission_wants_everything() {
        let mut a = Answers::new();
        a.insert("duree".into(), one("beaucoup"));
        let draft = check(&form(), &a, Strictness::Draft);
        assert_eq!(draft.0.len(), 1);
        assert_eq!(
            draft.get("duree"),
            Some("Saisissez un nombre, par exemple 36.")
        );
        let submit = check(&form(), &a, Strictness::Submit);
        assert_eq!(submit.get("intitule"), Some("Ce champ est obligatoire."));
        assert_eq!(submit.get("rt_email"), Some("Ce champ est obligatoire."));
        assert_eq!(
            submit.get(SCOPES_KEY),
            Some("Cochez au moins une des données demandées.")
        );
        // Errors come in the order of the form.
        assert_eq!(submit.0[0].key, "intitule");
        assert_eq!(
            submit.for_step(1).first().map(|e| e.key.as_str()),
            Some(SCOPES_KEY)
        );
    }

    #[test]
    fn each_kind_says_what_is_wrong() {
        let f = form();
        let cases = [
            (
                "intitule",
                "Un intitulé beaucoup trop long",
                "20 caractères au maximum (30 saisis).",
            ),
            ("duree", "-1", "Le nombre doit être au moins 0."),
            ("duree", "5000", "Le nombre doit être au plus 1200."),
            ("volumetrie", "75", "Choisissez une des options proposées."),
            (
                "rt_email",
                "marie",
                "Saisissez une adresse électronique valide, par exemple prenom.nom@exemple.fr.",
            ),
            (
                "rt_phone_number",
                "12",
                "Saisissez un numéro de téléphone valide, par exemple 01 23 45 67 89.",
            ),
        ];
        for (key, value, message) in cases {
            let mut a = complete();
            a.insert(key.into(), one(value));
            assert_eq!(
                check(&f, &a, Strictness::Submit).get(key),
                Some(message),
                "{key}={value}"
            );
        }
    }

    #[test]
    fn conditional_requirements_follow_other_answers() {
        let f = form();
        let mut a = complete();
        a.insert("duree".into(), one("48"));
        assert_eq!(
            check(&f, &a, Strictness::Submit).get("justification"),
            Some("Ce champ est obligatoire.")
        );
        a.insert("duree".into(), one("36"));
        assert_eq!(check(&f, &a, Strictness::Submit).get("justification"), None);
        a.insert(
            SCOPES_KEY.into(),
            Value::Many(vec!["annee_n1".into(), "rfr".into()]),
        );
        assert_eq!(
            check(&f, &a, Strictness::Submit).get("rfr_note"),
            Some("Ce champ est obligatoire.")
        );
    }

    #[test]
    fn scope_rules_are_enforced() {
        let f = form();
        let with = |ids: &[&str]| {
            let mut a = complete();
            a.insert(
                SCOPES_KEY.into(),
                Value::Many(ids.iter().map(|s| s.to_string()).collect()),
            );
            check(&f, &a, Strictness::Submit)
                .get(SCOPES_KEY)
                .map(str::to_string)
        };
        assert_eq!(
            with(&["rfr"]).as_deref(),
            Some("Cochez au moins 1 donnée(s) du groupe « Années ».")
        );
        assert_eq!(
            with(&["annee_n1", "ifi", "lep"]).as_deref(),
            Some("Les données « IFI » et « LEP » ne peuvent pas être demandées ensemble.")
        );
        assert!(with(&["annee_n1", "lep"]).is_some_and(|m| m.contains("doit être demandée seule")));
        assert_eq!(
            with(&["annee_n1", "inconnu"]).as_deref(),
            Some("« inconnu » ne fait pas partie des choix proposés.")
        );
    }

    #[test]
    fn included_scopes_are_always_chosen_in_provider_order() {
        let f = form();
        let mut a = Answers::new();
        a.insert(
            SCOPES_KEY.into(),
            Value::Many(vec!["rfr".into(), "annee_n1".into()]),
        );
        assert_eq!(chosen_scopes(&f, &a), vec!["annee_n1", "rfr", "openid"]);
    }

    #[test]
    fn applying_a_step_keeps_invalid_values_and_reports_strangers() {
        let f = form();
        let mut a = Answers::new();
        a.insert("volumetrie".into(), one("50"));
        let input = vec![
            ("_csrf".to_string(), "t".to_string()),
            (
                "intitule".to_string(),
                "  Un intitulé beaucoup trop long  ".to_string(),
            ),
            ("duree".to_string(), "x".repeat(MAX_VALUE_CHARS + 1)),
            ("pirate".to_string(), "1".to_string()),
        ];
        let applied = apply_step(&f, 0, &mut a, &input);
        assert_eq!(applied.unknown_keys, vec!["pirate"]);
        assert_eq!(applied.rejected.len(), 1);
        assert_eq!(applied.rejected[0].0, "duree");
        assert_eq!(
            a.get("intitule"),
            Some(&one("Un intitulé beaucoup trop long"))
        );
        assert_eq!(a.get("duree"), None);
        // A select left empty clears the previous answer.
        assert_eq!(a.get("volumetrie"), None);
    }

    #[test]
    fn applying_checkboxes_replaces_the_selection() {
        let f = form();
        let mut a = complete();
        let input = vec![
            (SCOPES_KEY.to_string(), "rfr".to_string()),
            (SCOPES_KEY.to_string(), "annee_n1".to_string()),
        ];
        apply_step(&f, 1, &mut a, &input);
        assert_eq!(
            a.get(SCOPES_KEY),
            Some(&Value::Many(vec!["rfr".into(), "annee_n1".into()]))
        );
        apply_step(&f, 1, &mut a, &[]);
        assert_eq!(a.get(SCOPES_KEY), None);
    }

    #[test]
    fn a_diff_lists_only_what_changed() {
        let before = complete();
        let mut after = complete();
        after.insert("intitule".into(), one("Cantine 2027"));
        after.remove("duree");
        let changes = diff(&before, &after);
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].key, "duree");
        assert_eq!(changes[0].after, None);
        assert_eq!(changes[1].after, Some(one("Cantine 2027")));
    }

    #[test]
    fn successive_diffs_fold_into_what_changed_overall() {
        let change = |key: &str, before: Option<&str>, after: Option<&str>| Change {
            key: key.into(),
            before: before.map(one),
            after: after.map(one),
        };
        let folded = compose(&[
            vec![
                change("intitule", Some("A"), Some("B")),
                change("duree", Some("12"), Some("48")),
            ],
            vec![
                change("intitule", Some("B"), Some("C")),
                change("duree", Some("48"), Some("12")),
            ],
        ]);
        assert_eq!(folded, vec![change("intitule", Some("A"), Some("C"))]);
    }

    #[test]
    fn contact_keys_map_back_to_their_field() {
        let f = form();
        let (step, field, part) = f.field_for_key("rt_email").unwrap();
        assert_eq!((step, field.id.as_str(), part), (1, "rt", Some(2)));
        assert!(f.field_for_key("rt_shoe_size").is_none());
    }
}
