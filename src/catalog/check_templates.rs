//! What refers to fields and scopes by id once all are known: conditions and templates.

use super::check_form::check_id;
use super::error::Errors;
use super::provider::Template;
use super::raw::RawProvider;
use crate::domain::form::{FieldKind, Form, SCOPES_KEY, Value};

/// References between fields, once every field is known.
pub(super) fn check_cross_references(form: &Form, raw: &RawProvider, errors: &mut Errors) {
    for (si, raw_step) in raw.steps.iter().enumerate() {
        for (fi, f) in raw_step.fields.iter().enumerate() {
            let key = format!("steps[{si}].fields[{fi}]");
            if let Some(scope) = &f.required_if_scope
                && form.scope(scope).is_none()
            {
                errors.add(
                    format!("{key}.required_if_scope"),
                    format!("donnée inconnue « {scope} »"),
                );
            }
            if let Some(other) = &f.required_unless
                && (form.field(other).is_none() || *other == f.id)
            {
                errors.add(
                    format!("{key}.required_unless"),
                    format!("« {other} » n'est pas un autre champ de ce formulaire"),
                );
            }
            if let Some(cond) = &f.required_if {
                let numeric = form.field(&cond.field).is_some_and(|other| {
                    matches!(
                        other.kind,
                        FieldKind::Number | FieldKind::Select | FieldKind::Radio
                    )
                });
                if !numeric {
                    errors.add(
                        format!("{key}.required_if.field"),
                        format!(
                            "« {} » n'est pas un champ numérique de ce formulaire",
                            cond.field
                        ),
                    );
                }
            }
        }
    }
}

pub(super) fn check_templates(
    raw: &RawProvider,
    form: &Form,
    errors: &mut Errors,
) -> Vec<Template> {
    let mut out: Vec<Template> = Vec::new();
    for (ti, t) in raw.templates.iter().enumerate() {
        let key = format!("templates[{ti}]");
        check_id(&t.id, format!("{key}.id"), "identifiant", errors);
        if out.iter().any(|o| o.id == t.id) {
            errors.add(
                format!("{key}.id"),
                format!("le modèle « {} » est déclaré deux fois", t.id),
            );
        }
        let mut values = t.values.clone();
        for name in t.values.keys() {
            if name == SCOPES_KEY {
                errors.add(
                    format!("{key}.values.{name}"),
                    "les données se déclarent dans « scopes », pas dans « values »",
                );
            } else if let Some((_, field, _)) = form.field_for_key(name) {
                if field.kind == FieldKind::File {
                    errors.add(
                        format!("{key}.values.{name}"),
                        "un modèle ne peut pas joindre de fichier",
                    );
                }
            } else {
                errors.add(
                    format!("{key}.values.{name}"),
                    format!("champ inconnu « {name} »"),
                );
            }
        }
        for (si, scope) in t.scopes.iter().enumerate() {
            match form.scope(scope) {
                None => errors.add(
                    format!("{key}.scopes[{si}]"),
                    format!("donnée inconnue « {scope} »"),
                ),
                Some(s) if s.deprecated => errors.add(
                    format!("{key}.scopes[{si}]"),
                    format!("la donnée « {scope} » est obsolète"),
                ),
                Some(_) => {}
            }
        }
        if !t.scopes.is_empty() {
            values.insert(SCOPES_KEY.to_string(), Value::Many(t.scopes.clone()));
        }
        for (list, name) in [
            (&t.locked_scopes, "locked_scopes"),
            (&t.hidden_scopes, "hidden_scopes"),
        ] {
            for (si, scope) in list.iter().enumerate() {
                if form.scope(scope).is_none() {
                    errors.add(
                        format!("{key}.{name}[{si}]"),
                        format!("donnée inconnue « {scope} »"),
                    );
                }
            }
        }
        for (si, scope) in t.hidden_scopes.iter().enumerate() {
            if t.locked_scopes.contains(scope) || t.scopes.contains(scope) {
                errors.add(
                    format!("{key}.hidden_scopes[{si}]"),
                    format!("la donnée « {scope} » ne peut être à la fois cachée et proposée ou verrouillée"),
                );
            }
        }
        let introduction = t
            .introduction
            .as_deref()
            .and_then(|text| super::markdown::render(text, &format!("{key}.introduction"), errors));
        out.push(Template {
            id: t.id.clone(),
            name: t.name.clone(),
            description: t.description.clone(),
            values,
            introduction,
            locked_scopes: t.locked_scopes.clone(),
            hidden_scopes: t.hidden_scopes.clone(),
        });
    }
    out
}
