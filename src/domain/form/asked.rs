//! The rights asked beside the scopes (actions, filters, a confidentiality level), read from
//! the answers of the scopes step, with what is wrong in them, in French. The same keys carry
//! an instructor's narrowing, so one reading serves both.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::schema::{Answers, Form, Value};
use super::scopes::chosen_scopes;
pub use crate::domain::rights::describe::number as number_label;
use crate::domain::rights::{FilterDef, FilterKind, Grant, Restriction, ScopeGrant, territory};

/// The key of the confidentiality level asked.
pub const LEVEL_KEY: &str = "droits.niveau";

pub fn actions_key(scope: &str) -> String {
    format!("droits.{scope}.actions")
}

/// The key of an enumeration's ticked values, or a territory's typed codes.
pub fn filter_key(scope: &str, filter: &str) -> String {
    format!("droits.{scope}.{filter}")
}

/// The keys of a range's or a date range's two bounds.
pub fn bound_keys(scope: &str, filter: &str) -> [String; 2] {
    [
        format!("droits.{scope}.{filter}.de"),
        format!("droits.{scope}.{filter}.a"),
    ]
}

/// How an input of the rights is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RightsInput {
    /// Ticked boxes: a list.
    Many,
    /// Typed text (a territory's codes, a number).
    One,
    /// A date, typed as French people write it or as a browser sends it.
    Date,
}

/// Every input the scopes step holds for rights, whatever scopes are ticked.
pub fn rights_keys(form: &Form) -> Vec<(String, RightsInput)> {
    let rights = &form.rights;
    let mut keys = Vec::new();
    for scope in &form.scopes {
        if !rights.requestable_of(&scope.id).is_empty() {
            keys.push((actions_key(&scope.id), RightsInput::Many));
        }
        for (filter, _) in rights.filters_of(&scope.id) {
            match filter.kind {
                FilterKind::Enumeration(_) => {
                    keys.push((filter_key(&scope.id, &filter.id), RightsInput::Many))
                }
                FilterKind::Territory => {
                    keys.push((filter_key(&scope.id, &filter.id), RightsInput::One))
                }
                FilterKind::Range { .. } => {
                    keys.extend(bound_keys(&scope.id, &filter.id).map(|k| (k, RightsInput::One)))
                }
                FilterKind::Dates => {
                    keys.extend(bound_keys(&scope.id, &filter.id).map(|k| (k, RightsInput::Date)))
                }
            }
        }
    }
    if !rights.levels.is_empty() {
        keys.push((LEVEL_KEY.to_string(), RightsInput::One));
    }
    keys
}

/// What is wrong with one input of the rights: its key, how a person names it, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RightsError {
    pub key: String,
    pub label: String,
    pub message: String,
}

/// The rights the answers ask for the chosen scopes (or an instructor's inputs grant), for
/// `months`, and what is wrong with them. `complete` also requires what a submission (or a
/// decision) needs: an action per scope, the required filters, a level.
pub fn read_rights(
    form: &Form,
    answers: &Answers,
    months: u32,
    complete: bool,
) -> (Grant, Vec<RightsError>) {
    let rights = &form.rights;
    let mut grant = Grant {
        months,
        ..Grant::default()
    };
    let mut errors = Vec::new();
    let mut fail = |key: String, label: String, message: String| {
        errors.push(RightsError {
            key,
            label,
            message,
        })
    };
    for scope in chosen_scopes(form, answers) {
        let scope_label = form
            .scope(&scope)
            .map_or(scope.clone(), |s| s.label.clone());
        let mut granted = ScopeGrant::default();
        if !rights.actions.is_empty() {
            let key = actions_key(&scope);
            let requestable = rights.requestable_of(&scope);
            let ticked = items(answers, &key);
            for action in &ticked {
                if requestable.iter().any(|(id, _)| id == action) {
                    granted.actions.insert(action.clone());
                } else {
                    fail(
                        key.clone(),
                        format!("Actions – {scope_label}"),
                        format!("l'action « {} » ne peut pas être demandée.", clip(action)),
                    );
                }
            }
            if ticked.is_empty() {
                granted.actions = rights.defaults_of(&scope).into_iter().collect();
            }
            if complete && granted.actions.is_empty() {
                fail(
                    key,
                    format!("Actions – {scope_label}"),
                    "cochez au moins une action.".to_string(),
                );
            }
        }
        for (filter, required) in rights.filters_of(&scope) {
            let label = format!("{} – {scope_label}", filter.label);
            match read_filter(&scope, filter, answers) {
                Ok(Some(restriction)) => {
                    granted.filters.insert(filter.id.clone(), restriction);
                }
                Ok(None) if complete && required => {
                    let key = first_key(&scope, filter);
                    fail(key, label, "ce filtre est obligatoire.".to_string());
                }
                Ok(None) => {}
                Err((key, message)) => fail(key, label, message),
            }
        }
        grant.scopes.insert(scope, granted);
    }
    if !rights.levels.is_empty() {
        let label = "Niveau de confidentialité".to_string();
        match one(answers, LEVEL_KEY) {
            Some(level) => match rights.level_index(&level) {
                Some(index) => grant.max_level = Some(index),
                None => fail(
                    LEVEL_KEY.to_string(),
                    label,
                    format!("niveau inconnu « {} ».", clip(&level)),
                ),
            },
            None if complete => fail(
                LEVEL_KEY.to_string(),
                label,
                "choisissez un niveau de confidentialité.".to_string(),
            ),
            None => {}
        }
    }
    (grant, errors)
}

/// The key an error about a whole filter points at.
fn first_key(scope: &str, filter: &FilterDef) -> String {
    match filter.kind {
        FilterKind::Range { .. } | FilterKind::Dates => {
            let [from, _] = bound_keys(scope, &filter.id);
            from
        }
        _ => filter_key(scope, &filter.id),
    }
}

/// One filter's restriction as typed: none when left empty, or the key and why it is wrong.
fn read_filter(
    scope: &str,
    filter: &FilterDef,
    answers: &Answers,
) -> Result<Option<Restriction>, (String, String)> {
    let key = filter_key(scope, &filter.id);
    match &filter.kind {
        FilterKind::Enumeration(options) => {
            let ticked = items(answers, &key);
            if let Some(stranger) = ticked
                .iter()
                .find(|v| !options.iter().any(|(o, _)| o == *v))
            {
                return Err((key, format!("valeur inconnue « {} ».", clip(stranger))));
            }
            Ok((!ticked.is_empty()).then(|| Restriction::Values(ticked.into_iter().collect())))
        }
        FilterKind::Territory => {
            let typed = one(answers, &key).unwrap_or_default();
            let codes: BTreeSet<String> = typed
                .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
                .map(|c| c.trim().to_uppercase())
                .filter(|c| !c.is_empty())
                .collect();
            if let Some(unknown) = codes.iter().find(|c| !territory::is_known(c)) {
                return Err((
                    key,
                    format!(
                        "code inconnu « {} » : indiquez des départements (69, 2A, 974) ou des communes (code INSEE à 5 chiffres, 69123), séparés par des virgules.",
                        clip(unknown)
                    ),
                ));
            }
            Ok((!codes.is_empty()).then_some(Restriction::Values(codes)))
        }
        FilterKind::Range { min, max } => {
            let [from_key, to_key] = bound_keys(scope, &filter.id);
            let number = |key: &String| -> Result<Option<f64>, (String, String)> {
                match one(answers, key) {
                    None => Ok(None),
                    Some(raw) => match raw.replace(',', ".").replace(' ', "").parse::<f64>() {
                        Ok(n) if n.is_finite() && n >= *min && n <= *max => Ok(Some(n)),
                        _ => Err((
                            key.clone(),
                            format!(
                                "indiquez un nombre entre {} et {}.",
                                number_label(*min),
                                number_label(*max)
                            ),
                        )),
                    },
                }
            };
            match (number(&from_key)?, number(&to_key)?) {
                (None, None) => Ok(None),
                (Some(from), Some(to)) if from <= to => Ok(Some(Restriction::Range { from, to })),
                (Some(_), Some(_)) => Err((
                    from_key,
                    "la borne basse doit être inférieure ou égale à la borne haute.".to_string(),
                )),
                (None, Some(_)) => Err((from_key, "indiquez aussi la borne basse.".to_string())),
                (Some(_), None) => Err((to_key, "indiquez aussi la borne haute.".to_string())),
            }
        }
        FilterKind::Dates => {
            let [from_key, to_key] = bound_keys(scope, &filter.id);
            let date = |key: &String| -> Result<Option<NaiveDate>, (String, String)> {
                match one(answers, key) {
                    None => Ok(None),
                    Some(raw) => NaiveDate::parse_from_str(&raw, "%Y-%m-%d")
                        .map(Some)
                        .map_err(|_| {
                            (
                                key.clone(),
                                "indiquez une date au format JJ/MM/AAAA.".to_string(),
                            )
                        }),
                }
            };
            match (date(&from_key)?, date(&to_key)?) {
                (None, None) => Ok(None),
                (Some(from), Some(to)) if from <= to => Ok(Some(Restriction::Dates { from, to })),
                (Some(_), Some(_)) => Err((
                    from_key,
                    "la date de début doit précéder la date de fin.".to_string(),
                )),
                (None, Some(_)) => Err((from_key, "indiquez aussi la date de début.".to_string())),
                (Some(_), None) => Err((to_key, "indiquez aussi la date de fin.".to_string())),
            }
        }
    }
}

fn items(answers: &Answers, key: &str) -> Vec<String> {
    answers
        .get(key)
        .map(|v| v.items().into_iter().map(str::to_string).collect())
        .unwrap_or_default()
}

fn one(answers: &Answers, key: &str) -> Option<String> {
    match answers.get(key) {
        Some(Value::One(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Many(v)) => v.first().cloned(),
        _ => None,
    }
}

fn clip(s: &str) -> String {
    s.chars().take(60).collect()
}

/// The answers an existing grant reads as: what the instructor's form starts from.
pub fn grant_answers(form: &Form, grant: &Grant) -> Answers {
    let mut answers = Answers::new();
    for (scope, g) in &grant.scopes {
        if !g.actions.is_empty() {
            answers.insert(
                actions_key(scope),
                Value::Many(g.actions.iter().cloned().collect()),
            );
        }
        for (filter, restriction) in &g.filters {
            match restriction {
                Restriction::Values(values) => {
                    let many = matches!(
                        form.rights.filter(filter).map(|f| &f.kind),
                        Some(FilterKind::Enumeration(_))
                    );
                    let value = if many {
                        Value::Many(values.iter().cloned().collect())
                    } else {
                        Value::One(values.iter().cloned().collect::<Vec<_>>().join(", "))
                    };
                    answers.insert(filter_key(scope, filter), value);
                }
                Restriction::Range { from, to } => {
                    let [f, t] = bound_keys(scope, filter);
                    answers.insert(f, Value::One(number_label(*from)));
                    answers.insert(t, Value::One(number_label(*to)));
                }
                Restriction::Dates { from, to } => {
                    let [f, t] = bound_keys(scope, filter);
                    answers.insert(f, Value::One(from.format("%Y-%m-%d").to_string()));
                    answers.insert(t, Value::One(to.format("%Y-%m-%d").to_string()));
                }
            }
        }
    }
    if let Some((id, _)) = grant.max_level.and_then(|i| form.rights.levels.get(i)) {
        answers.insert(LEVEL_KEY.to_string(), Value::One(id.clone()));
    }
    answers.insert(
        super::schema::SCOPES_KEY.to_string(),
        Value::Many(grant.scopes.keys().cloned().collect()),
    );
    answers
}

/// Removes the answers of fields marked with a confidentiality level above `max_level`;
/// returns their keys. A grant with no level keeps only the unmarked fields.
pub fn withhold(form: &Form, answers: &mut Answers, max_level: Option<usize>) -> Vec<String> {
    let mut withheld = Vec::new();
    for field in form.steps.iter().flat_map(|s| &s.fields) {
        let Some(level) = &field.level else {
            continue;
        };
        if crate::domain::rights::shows(form.rights.level_index(level), max_level) {
            continue;
        }
        for key in field.keys() {
            if answers.remove(&key).is_some() {
                withheld.push(key);
            }
        }
    }
    withheld
}

/// How a person names an input of the rights: "Actions – Synthèse des observations",
/// "Période d'observation (début) – …", "Niveau de confidentialité"; none for another key.
pub fn rights_key_label(form: &Form, key: &str) -> Option<String> {
    if key == LEVEL_KEY {
        return Some("Niveau de confidentialité".to_string());
    }
    let rest = key.strip_prefix("droits.")?;
    let (scope, what) = rest.split_once('.')?;
    let scope_label = form.scope(scope).map_or(scope, |s| s.label.as_str());
    let (filter, bound) = match what.rsplit_once('.') {
        Some((filter, "de")) => (filter, " (début)"),
        Some((filter, "a")) => (filter, " (fin)"),
        _ => (what, ""),
    };
    let name = if what == "actions" {
        "Actions".to_string()
    } else {
        format!("{}{bound}", form.rights.filter(filter)?.label)
    };
    Some(format!("{name} – {scope_label}"))
}
