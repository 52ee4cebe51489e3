//! Stages (sandbox, then production): each names some of the form's steps, and may restrict
//! the scopes and the validity; every step belongs to a stage.

use super::check_form::check_id;
use super::error::Errors;
use super::provider::Stage;
use super::raw::RawProvider;
use crate::domain::form::{FieldKind, Form};

pub(super) fn check_stages(raw: &RawProvider, form: &Form, errors: &mut Errors) -> Vec<Stage> {
    let mut stages: Vec<Stage> = Vec::new();
    for (i, s) in raw.stages.iter().enumerate() {
        let key = format!("stages[{i}]");
        check_id(&s.id, format!("{key}.id"), "identifiant", errors);
        if stages.iter().any(|o| o.id == s.id) {
            errors.add(
                format!("{key}.id"),
                format!("l'étape de procédure « {} » est déclarée deux fois", s.id),
            );
        }
        if s.name.trim().is_empty() {
            errors.add(format!("{key}.name"), "ne peut pas être vide");
        }
        if s.steps.is_empty() {
            errors.add(
                format!("{key}.steps"),
                "au moins une étape du formulaire est attendue",
            );
        }
        for (j, step) in s.steps.iter().enumerate() {
            if !form.steps.iter().any(|f| f.id == *step) {
                errors.add(
                    format!("{key}.steps[{j}]"),
                    format!("étape inconnue « {step} » (voir [[steps]])"),
                );
            }
        }
        if let Some(scopes) = &s.scopes {
            let asks_scopes = form
                .steps
                .iter()
                .filter(|f| s.steps.contains(&f.id))
                .flat_map(|f| &f.fields)
                .any(|f| f.kind == FieldKind::Scopes);
            if !asks_scopes {
                errors.add(
                    format!("{key}.scopes"),
                    "cette étape de procédure ne contient pas l'étape du formulaire qui demande les données",
                );
            }
            for (j, scope) in scopes.iter().enumerate() {
                if form.scope(scope).is_none() {
                    errors.add(
                        format!("{key}.scopes[{j}]"),
                        format!("donnée inconnue « {scope} »"),
                    );
                }
            }
        }
        if s.validity_months == Some(0) {
            errors.add(
                format!("{key}.validity_months"),
                "doit être d'au moins 1 mois",
            );
        }
        stages.push(Stage {
            id: s.id.clone(),
            name: s.name.clone(),
            steps: s.steps.clone(),
            scopes: s.scopes.clone(),
            validity_months: s.validity_months,
        });
    }
    if stages.len() == 1 {
        errors.add(
            "stages",
            "une seule étape de procédure : déclarez-en au moins deux, ou aucune",
        );
    }
    if !stages.is_empty() {
        for (si, step) in form.steps.iter().enumerate() {
            if !stages.iter().any(|s| s.steps.contains(&step.id)) {
                errors.add(
                    format!("steps[{si}].id"),
                    format!(
                        "l'étape « {} » n'appartient à aucune étape de procédure ([[stages]])",
                        step.id
                    ),
                );
            }
        }
    }
    stages
}
