//! What a habilitation allows beyond its scopes, as asked and as granted: read from a
//! demande's answers, narrowed by an instructor (never widened), kept as JSON and read back.

use crate::catalog::Provider;
use crate::db::models::Habilitation;
use crate::domain::form::{Answers, SCOPES_KEY, Value, apply_rights, read_rights};
use crate::domain::rights::describe::narrowed;
use crate::domain::rights::{Grant, GrantRecord, Widening, narrowing};
use crate::error::AppError;

/// The rights a demande's answers ask, for the provider's validity (whatever is wrong in them
/// left out: a submitted demande has nothing wrong).
pub fn asked(provider: &Provider, answers_json: &str) -> Grant {
    let answers: Answers = serde_json::from_str(answers_json).unwrap_or_default();
    read_rights(&provider.form, &answers, provider.validity_months, false).0
}

/// The rights a habilitation grants: as kept when it was granted, or as its answers asked
/// (habilitations granted before rights were kept, and seeded ones).
pub fn granted(provider: &Provider, habilitation: &Habilitation) -> Grant {
    let months = provider.validity_months;
    match GrantRecord::parse(&habilitation.rights) {
        Some(record) => record.grant(&provider.form.rights, months),
        None => asked(provider, &habilitation.answers),
    }
}

/// The rights an approval grants for `scopes` and `months`: those asked, or, when the
/// instructor's form listed them, the inputs posted (`droits.*`), which may only narrow what
/// was asked and must still follow the provider's rules. With what granted holds less than
/// asked, one French line each.
pub fn to_grant(
    provider: &Provider,
    answers_json: &str,
    scopes: &[String],
    months: u32,
    posted: Option<&[(String, String)]>,
) -> Result<(Grant, Vec<String>), AppError> {
    let mut asked = asked(provider, answers_json);
    asked.scopes.retain(|s, _| scopes.contains(s));
    let granted = granting(provider, &asked, scopes, months, posted)?;
    let label = |id: &str| {
        provider
            .form
            .scope(id)
            .map_or(id.to_string(), |s| s.label.clone())
    };
    let lines = narrowed(&provider.form.rights, &asked, &granted, label);
    Ok((granted, lines))
}

fn granting(
    provider: &Provider,
    asked: &Grant,
    scopes: &[String],
    months: u32,
    posted: Option<&[(String, String)]>,
) -> Result<Grant, AppError> {
    let Some(posted) = posted else {
        return Ok(Grant {
            months,
            ..asked.clone()
        });
    };
    let mut inputs = apply_rights(&provider.form, posted);
    inputs.insert(SCOPES_KEY.to_string(), Value::Many(scopes.to_vec()));
    let (proposed, errors) = read_rights(&provider.form, &inputs, months, true);
    if let Some(e) = errors.first() {
        return Err(AppError::Unprocessable(format!(
            "{} : {}",
            e.label, e.message
        )));
    }
    narrowing(asked, &proposed, &provider.form.rights.filters)
        .map_err(|w| AppError::Unprocessable(widening_words(provider, w)))?;
    Ok(proposed)
}

/// Why a grant widens what was asked, with the provider's labels.
fn widening_words(provider: &Provider, widening: Widening) -> String {
    let rights = &provider.form.rights;
    let scope = |id: &str| {
        provider
            .form
            .scope(id)
            .map_or(id.to_string(), |s| s.label.clone())
    };
    match widening {
        Widening::Scope(s) => Widening::Scope(scope(&s)).to_string(),
        Widening::Action { scope: s, action } => Widening::Action {
            scope: scope(&s),
            action: rights.action_label(&action).to_string(),
        }
        .to_string(),
        Widening::Filter { scope: s, filter } => Widening::Filter {
            scope: scope(&s),
            filter: rights
                .filter(&filter)
                .map_or(filter.clone(), |f| f.label.clone()),
        }
        .to_string(),
        other => other.to_string(),
    }
}

/// The grant as the habilitation keeps it; empty when the provider declares no rights.
pub fn kept(provider: &Provider, grant: &Grant) -> String {
    if provider.form.rights.is_empty() {
        return String::new();
    }
    serde_json::to_string(&GrantRecord::of(&provider.form.rights, grant)).unwrap_or_default()
}

/// A demande's answers as providers' systems may read them: the fields marked with a level
/// its grant does not reach withheld (the active habilitation's level, or else the level
/// asked), with the keys withheld.
pub fn readable_answers(
    provider: &Provider,
    answers_json: &str,
    active: Option<&Habilitation>,
) -> (serde_json::Value, Vec<String>) {
    let mut answers: Answers = serde_json::from_str(answers_json).unwrap_or_default();
    let level = match active {
        Some(h) => granted(provider, h).max_level,
        None => read_rights(&provider.form, &answers, 0, false).0.max_level,
    };
    let withheld = crate::domain::form::withhold(&provider.form, &mut answers, level);
    (serde_json::to_value(&answers).unwrap_or_default(), withheld)
}
