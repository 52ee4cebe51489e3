//! What a habilitation of the provider speaks of beyond its scopes: the actions
//! (`[rights].actions`), the confidentiality levels, the filters (`[[filters]]`), and which of
//! them each scope allows; each mistake at its key.

use super::check_form::check_id;
use super::error::Errors;
use super::raw::{RawChoice, RawProvider};
use crate::domain::rights::{FilterDef, FilterKind, Rights, ScopeRights};

const KINDS: [&str; 4] = ["enumeration", "territory", "range", "dates"];

pub(super) fn check_rights(raw: &RawProvider, errors: &mut Errors) -> Rights {
    let mut rights = Rights::default();
    if let Some(r) = &raw.rights {
        rights.actions = labelled(&r.actions, "rights.actions", errors);
        rights.levels = labelled(&r.levels, "rights.levels", errors);
        let known = |id: &String| rights.actions.iter().any(|(a, _)| a == id);
        for (i, a) in r.default_actions.iter().enumerate() {
            if !known(a) {
                errors.add(
                    format!("rights.default_actions[{i}]"),
                    format!("action inconnue « {a} »"),
                );
            }
        }
        rights.default_actions = r.default_actions.clone();
        let requestable = r
            .requestable_actions
            .clone()
            .unwrap_or_else(|| rights.actions.iter().map(|(a, _)| a.clone()).collect());
        for (i, a) in requestable.iter().enumerate() {
            if !known(a) {
                errors.add(
                    format!("rights.requestable_actions[{i}]"),
                    format!("action inconnue « {a} »"),
                );
            }
        }
        rights.requestable_actions = requestable;
    }
    for (i, f) in raw.filters.iter().enumerate() {
        let key = format!("filters[{i}]");
        check_id(&f.id, format!("{key}.id"), "identifiant", errors);
        if rights.filters.iter().any(|o| o.id == f.id) {
            errors.add(
                format!("{key}.id"),
                format!("le filtre « {} » est déclaré deux fois", f.id),
            );
            continue;
        }
        let kind = match f.kind.as_str() {
            "enumeration" if f.options.is_empty() => {
                errors.add(
                    format!("{key}.options"),
                    "une énumération doit proposer des options",
                );
                FilterKind::Enumeration(vec![])
            }
            "enumeration" => FilterKind::Enumeration(
                f.options
                    .iter()
                    .map(|o| match o {
                        RawChoice::Plain(v) => (v.clone(), v.clone()),
                        RawChoice::Full { value, label } => (value.clone(), label.clone()),
                    })
                    .collect(),
            ),
            "territory" => FilterKind::Territory,
            "range" => match (f.min, f.max) {
                (Some(min), Some(max)) if min <= max => FilterKind::Range { min, max },
                _ => {
                    errors.add(
                        format!("{key}.min"),
                        "un intervalle demande min et max, min ≤ max",
                    );
                    FilterKind::Range { min: 0.0, max: 0.0 }
                }
            },
            "dates" => FilterKind::Dates,
            other => {
                errors.add(
                    format!("{key}.kind"),
                    format!(
                        "sorte inconnue « {other} » (attendues : {})",
                        KINDS.join(", ")
                    ),
                );
                continue;
            }
        };
        if !matches!(kind, FilterKind::Enumeration(_)) && !f.options.is_empty() {
            errors.add(
                format!("{key}.options"),
                "seule une énumération prend des options",
            );
        }
        rights.filters.push(FilterDef {
            id: f.id.clone(),
            label: f.label.clone(),
            kind,
        });
    }
    for (i, s) in raw.scopes.iter().enumerate() {
        let key = format!("scopes[{i}]");
        if s.actions.is_none() && s.filters.is_empty() && s.required_filters.is_empty() {
            continue;
        }
        let actions = s
            .actions
            .clone()
            .unwrap_or_else(|| rights.actions.iter().map(|(a, _)| a.clone()).collect());
        for (j, a) in actions.iter().enumerate() {
            if !rights.actions.iter().any(|(id, _)| id == a) {
                errors.add(
                    format!("{key}.actions[{j}]"),
                    format!("action inconnue « {a} » (voir [rights].actions)"),
                );
            }
        }
        for (j, f) in s.filters.iter().enumerate() {
            if !rights.filters.iter().any(|d| d.id == *f) {
                errors.add(
                    format!("{key}.filters[{j}]"),
                    format!("filtre inconnu « {f} » (voir [[filters]])"),
                );
            }
        }
        for (j, f) in s.required_filters.iter().enumerate() {
            if !s.filters.contains(f) {
                errors.add(
                    format!("{key}.required_filters[{j}]"),
                    format!("« {f} » doit d'abord figurer dans filters"),
                );
            }
        }
        rights.scopes.insert(
            s.id.clone(),
            ScopeRights {
                actions,
                filters: s.filters.clone(),
                required_filters: s.required_filters.clone(),
            },
        );
    }
    rights
}

fn labelled(
    items: &[super::raw::RawLabelled],
    key: &str,
    errors: &mut Errors,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        check_id(&item.id, format!("{key}[{i}].id"), "identifiant", errors);
        if out.iter().any(|(id, _)| *id == item.id) {
            errors.add(
                format!("{key}[{i}].id"),
                format!("« {} » est déclaré deux fois", item.id),
            );
            continue;
        }
        out.push((item.id.clone(), item.label.clone()));
    }
    out
}
