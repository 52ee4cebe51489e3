//! The data a provider grants (`[[scopes]]`) and the rules on choosing them (`[scope_rules]`).

use super::error::Errors;
use super::raw::RawProvider;
use crate::domain::form::{ScopeDef, ScopeRules};

pub(super) fn check_scopes(raw: &RawProvider, errors: &mut Errors) -> Vec<ScopeDef> {
    let mut out: Vec<ScopeDef> = Vec::new();
    for (i, s) in raw.scopes.iter().enumerate() {
        if s.id.is_empty()
            || s.id.len() > 100
            || s.id.chars().any(|c| c.is_whitespace() || c == ',')
        {
            errors.add(
                format!("scopes[{i}].id"),
                format!("identifiant invalide « {} »", s.id),
            );
        }
        if out.iter().any(|o| o.id == s.id) {
            errors.add(
                format!("scopes[{i}].id"),
                format!("la donnée « {} » est déclarée deux fois", s.id),
            );
            continue;
        }
        out.push(ScopeDef {
            id: s.id.clone(),
            label: s.label.clone(),
            group: s.group.clone(),
            sensitive: s.sensitive,
            included: s.included,
            deprecated: s.deprecated,
        });
    }
    out
}

pub(super) fn check_scope_rules(
    raw: &RawProvider,
    scopes: &[ScopeDef],
    errors: &mut Errors,
) -> ScopeRules {
    let rules = &raw.scope_rules;
    let known = |id: &str| scopes.iter().any(|s| s.id == id);
    for (i, g) in rules.groups.iter().enumerate() {
        if !scopes.iter().any(|s| s.group == g.group) {
            errors.add(
                format!("scope_rules.groups[{i}].group"),
                format!("groupe inconnu « {} »", g.group),
            );
        }
    }
    for (i, pair) in rules.incompatible.iter().enumerate() {
        for (j, id) in pair.iter().enumerate() {
            if !known(id) {
                errors.add(
                    format!("scope_rules.incompatible[{i}][{j}]"),
                    format!("donnée inconnue « {id} »"),
                );
            }
        }
    }
    for (i, id) in rules.exclusive.iter().enumerate() {
        if !known(id) {
            errors.add(
                format!("scope_rules.exclusive[{i}]"),
                format!("donnée inconnue « {id} »"),
            );
        }
    }
    ScopeRules {
        min: rules.min.unwrap_or(1),
        group_min: rules
            .groups
            .iter()
            .map(|g| (g.group.clone(), g.min))
            .collect(),
        incompatible: rules
            .incompatible
            .iter()
            .map(|[a, b]| (a.clone(), b.clone()))
            .collect(),
        exclusive: rules.exclusive.clone(),
    }
}
