//! The steps and their fields: ids, types, choices, bounds and patterns, each error at its key.

use regex::Regex;
use strum::VariantArray;

use super::blocks;
use super::error::Errors;
use super::markdown;
use super::raw::{RawChoice, RawField, RawProvider};
use crate::domain::attachment::{FileKind, FileRule, MB};
use crate::domain::form::{
    Choice, Condition, Field, FieldKind, Pattern, SCOPES_KEY, ScopeDef, Step,
};

pub(super) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !id.starts_with('_')
}

/// Whether `id` is a valid identifier; if not, the problem is added at `key`, naming `what`
/// ("identifiant", "valeur").
pub(super) fn check_id(id: &str, key: String, what: &str, errors: &mut Errors) -> bool {
    let valid = valid_id(id);
    if !valid {
        errors.add(
            key,
            format!("{what} invalide « {id} » (minuscules, chiffres, _)"),
        );
    }
    valid
}

pub(super) fn check_steps(
    raw: &RawProvider,
    contacts: &[String],
    scopes: &[ScopeDef],
    errors: &mut Errors,
) -> Vec<Step> {
    if raw.steps.is_empty() {
        errors.add("steps", "le formulaire doit avoir au moins une étape");
    }
    let mut steps: Vec<Step> = Vec::new();
    // Where each input key was first defined, to name both places of a duplicate.
    let mut seen: Vec<(String, String)> = Vec::new();
    for (si, raw_step) in raw.steps.iter().enumerate() {
        check_id(
            &raw_step.id,
            format!("steps[{si}].id"),
            "identifiant",
            errors,
        );
        if steps.iter().any(|s| s.id == raw_step.id) {
            errors.add(
                format!("steps[{si}].id"),
                format!("l'étape « {} » est déclarée deux fois", raw_step.id),
            );
        }
        let mut fields = Vec::new();
        for (bi, block) in raw_step.blocks.iter().enumerate() {
            match blocks::fields(block, contacts) {
                Some(mut list) => {
                    for f in &list {
                        note_keys(f, &format!("steps[{si}].blocks[{bi}]"), &mut seen, errors);
                    }
                    fields.append(&mut list);
                }
                None => errors.add(
                    format!("steps[{si}].blocks[{bi}]"),
                    format!(
                        "bloc inconnu « {block} » (attendus : {})",
                        blocks::BLOCKS.join(", ")
                    ),
                ),
            }
        }
        for (fi, raw_field) in raw_step.fields.iter().enumerate() {
            let key = format!("steps[{si}].fields[{fi}]");
            if let Some(field) = check_field(raw_field, &key, errors) {
                note_keys(&field, &format!("{key}.id"), &mut seen, errors);
                fields.push(field);
            }
        }
        if fields.is_empty() {
            errors.add(
                format!("steps[{si}]"),
                "l'étape ne contient ni bloc ni champ",
            );
        }
        let introduction = raw_step
            .introduction
            .as_deref()
            .and_then(|text| markdown::render(text, &format!("steps[{si}].introduction"), errors));
        steps.push(Step {
            id: raw_step.id.clone(),
            title: raw_step.title.clone(),
            introduction,
            fields,
        });
    }
    let scope_fields = steps
        .iter()
        .flat_map(|s| &s.fields)
        .filter(|f| f.kind == FieldKind::Scopes)
        .count();
    if !scopes.is_empty() && scope_fields == 0 {
        errors.add(
            "scopes",
            "des données sont déclarées mais aucune étape ne contient le bloc « scopes »",
        );
    }
    if scopes.is_empty() && scope_fields > 0 {
        errors.add(
            "scopes",
            "le bloc « scopes » est utilisé mais aucune donnée n'est déclarée",
        );
    }
    steps
}

fn note_keys(field: &Field, key: &str, seen: &mut Vec<(String, String)>, errors: &mut Errors) {
    for input in field.keys() {
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == input) {
            errors.add(
                key,
                format!("identifiant de champ « {input} » en double (déjà défini en {first})"),
            );
        } else {
            seen.push((input, key.to_string()));
        }
    }
}

fn check_field(raw: &RawField, key: &str, errors: &mut Errors) -> Option<Field> {
    let Some(kind) = FieldKind::parse(&raw.kind) else {
        let expected: Vec<&str> = FieldKind::VARIANTS.iter().map(|k| k.as_str()).collect();
        errors.add(
            format!("{key}.type"),
            format!(
                "type inconnu « {} » (attendus : {})",
                raw.kind,
                expected.join(", ")
            ),
        );
        return None;
    };
    check_id(&raw.id, format!("{key}.id"), "identifiant", errors);
    if kind == FieldKind::Scopes && raw.id != SCOPES_KEY {
        errors.add(
            format!("{key}.id"),
            format!("un champ de type scopes doit s'appeler « {SCOPES_KEY} »"),
        );
    }
    if raw.label.trim().is_empty() {
        errors.add(format!("{key}.label"), "ne peut pas être vide");
    }
    let options: Vec<Choice> = raw
        .options
        .iter()
        .map(|o| match o {
            RawChoice::Plain(v) => Choice {
                value: v.clone(),
                label: v.clone(),
            },
            RawChoice::Full { value, label } => Choice {
                value: value.clone(),
                label: label.clone(),
            },
        })
        .collect();
    if kind.has_options() && options.is_empty() {
        errors.add(
            format!("{key}.options"),
            format!(
                "un champ de type {} doit proposer des options",
                kind.as_str()
            ),
        );
    }
    if !kind.has_options() && !options.is_empty() {
        errors.add(
            format!("{key}.options"),
            format!("un champ de type {} ne prend pas d'options", kind.as_str()),
        );
    }
    if let (Some(min), Some(max)) = (raw.min_length, raw.max_length)
        && min > max
    {
        errors.add(format!("{key}.min_length"), "min_length dépasse max_length");
    }
    let pattern = match &raw.pattern {
        // Anchored: the whole answer must match, not a part of it.
        Some(p) => match Regex::new(&format!("^(?:{p})$")) {
            Ok(regex) => Some(Pattern {
                regex,
                message: raw
                    .pattern_message
                    .clone()
                    .unwrap_or_else(|| "Le format n'est pas valide.".to_string()),
            }),
            Err(e) => {
                errors.add(
                    format!("{key}.pattern"),
                    format!("expression régulière invalide : {e}"),
                );
                None
            }
        },
        None => None,
    };
    let mut field = Field::new(&raw.id, kind, &raw.label);
    field.hint = raw.hint.clone();
    field.required = raw.required;
    field.min_length = raw.min_length;
    field.max_length = raw.max_length;
    field.min = raw.min;
    field.max = raw.max;
    field.pattern = pattern;
    field.options = options;
    field.required_if_scope = raw.required_if_scope.clone();
    field.required_if = raw.required_if.as_ref().map(|c| Condition {
        field: c.field.clone(),
        greater_than: c.greater_than,
    });
    field.required_unless = raw.required_unless.clone();
    field.level = raw.level.clone();
    field.file = check_file_rule(raw, kind, key, errors);
    Some(field)
}

/// The largest file a field may accept: a form body holds it whole in memory.
pub const MAX_FILE_MB: u64 = 50;

/// What a `file` field accepts; the file keys on another kind are errors.
fn check_file_rule(
    raw: &RawField,
    kind: FieldKind,
    key: &str,
    errors: &mut Errors,
) -> Option<FileRule> {
    if kind != FieldKind::File {
        for (name, given) in [
            ("accept", raw.accept.is_some()),
            ("max_size_mb", raw.max_size_mb.is_some()),
            ("max_files", raw.max_files.is_some()),
        ] {
            if given {
                errors.add(
                    format!("{key}.{name}"),
                    format!(
                        "réservé aux champs de type file (ce champ est de type {})",
                        kind.as_str()
                    ),
                );
            }
        }
        return None;
    }
    let mut rule = FileRule::pdf();
    if let Some(accept) = &raw.accept {
        let expected: Vec<&str> = FileKind::VARIANTS.iter().map(|k| k.as_str()).collect();
        rule.accept = Vec::new();
        for (i, name) in accept.iter().enumerate() {
            match FileKind::parse(name) {
                Some(k) if !rule.accept.contains(&k) => rule.accept.push(k),
                Some(_) => errors.add(
                    format!("{key}.accept[{i}]"),
                    format!("« {name} » est en double"),
                ),
                None => errors.add(
                    format!("{key}.accept[{i}]"),
                    format!(
                        "format inconnu « {name} » (attendus : {})",
                        expected.join(", ")
                    ),
                ),
            }
        }
        if accept.is_empty() {
            errors.add(format!("{key}.accept"), "au moins un format est attendu");
        }
    }
    if let Some(mb) = raw.max_size_mb {
        if mb == 0 || mb > MAX_FILE_MB {
            errors.add(
                format!("{key}.max_size_mb"),
                format!("entre 1 et {MAX_FILE_MB} Mo ({mb} donné)"),
            );
        }
        rule.max_bytes = mb.clamp(1, MAX_FILE_MB) * MB;
    }
    if let Some(n) = raw.max_files {
        if !(1..=20).contains(&n) {
            errors.add(
                format!("{key}.max_files"),
                format!("entre 1 et 20 ({n} donné)"),
            );
        }
        rule.max_files = n.clamp(1, 20);
    }
    Some(rule)
}
