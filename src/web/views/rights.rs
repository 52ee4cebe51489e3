//! The rights asked beside the scopes, as pages show them: the inputs of the scopes step (and
//! of the instructor's narrowing), and the lines of summaries.

use crate::catalog::Provider;
use crate::domain::form::{
    Answers, FieldKind, FormErrors, LEVEL_KEY, actions_key, bound_keys, chosen_scopes, filter_key,
    grant_answers, read_rights,
};
use crate::domain::rights::describe::{number, scope_line};
use crate::domain::rights::{FilterKind, Grant};

use super::form::{ChoiceView, FieldView, many, one, scope_label};

/// The inputs of one scope's rights.
#[derive(Debug, Clone)]
pub struct ScopeRightsView {
    /// `droits.<scope>`: the wrapper's id is `champ-droits.<scope>`.
    pub key: String,
    pub label: String,
    /// The scope is not ticked: its inputs are kept but do not count.
    pub unticked: bool,
    pub fields: Vec<FieldView>,
}

/// The inputs of the rights, for every scope that has some, and the level.
#[derive(Debug, Clone, Default)]
pub struct RightsInputs {
    pub scopes: Vec<ScopeRightsView>,
    pub level: Option<FieldView>,
}

impl RightsInputs {
    pub fn is_empty(&self) -> bool {
        self.scopes.is_empty() && self.level.is_none()
    }
}

fn choices(options: &[(String, String)], chosen: &[String]) -> Vec<ChoiceView> {
    options
        .iter()
        .map(|(value, label)| ChoiceView {
            value: value.clone(),
            label: label.clone(),
            checked: chosen.contains(value),
            locked: false,
            sensitive: false,
        })
        .collect()
}

/// The inputs as the answers hold them. `only` limits them to these scopes (the instructor
/// narrows the scopes asked); `limit` to what a grant allows (the choices offered).
pub fn rights_inputs(
    provider: &Provider,
    answers: &Answers,
    errors: &FormErrors,
    only: Option<&Grant>,
) -> RightsInputs {
    let rights = &provider.form.rights;
    let chosen = chosen_scopes(&provider.form, answers);
    let error = |key: &str| errors.get(key).map(str::to_string);
    let mut out = RightsInputs::default();
    for scope in &provider.form.scopes {
        if let Some(grant) = only
            && !grant.scopes.contains_key(&scope.id)
        {
            continue;
        }
        if scope.deprecated && !chosen.contains(&scope.id) {
            continue;
        }
        let mut fields = Vec::new();
        let requestable: Vec<(String, String)> = match only.and_then(|g| g.scopes.get(&scope.id)) {
            // An instructor narrows what was asked: those actions only.
            Some(asked) => rights
                .actions_of(&scope.id)
                .into_iter()
                .filter(|(id, _)| asked.actions.contains(id))
                .cloned()
                .collect(),
            None => rights
                .requestable_of(&scope.id)
                .into_iter()
                .cloned()
                .collect(),
        };
        if !requestable.is_empty() {
            let key = actions_key(&scope.id);
            let defaults: Vec<&str> = rights
                .default_actions
                .iter()
                .map(|a| rights.action_label(a))
                .collect();
            fields.push(FieldView {
                hint: (only.is_none() && !defaults.is_empty())
                    .then(|| format!("Sans choix : {}.", defaults.join(", "))),
                choices: choices(&requestable, &many(answers, &key)),
                error: error(&key),
                ..FieldView::blank(key, FieldKind::Checkboxes, "Actions".to_string())
            });
        }
        for (filter, required) in rights.filters_of(&scope.id) {
            let label = filter.label.clone();
            let field = match &filter.kind {
                FilterKind::Enumeration(options) => {
                    let key = filter_key(&scope.id, &filter.id);
                    FieldView {
                        required,
                        hint: Some("Aucune case cochée : sans restriction.".to_string()),
                        choices: choices(options, &many(answers, &key)),
                        error: error(&key),
                        ..FieldView::blank(key, FieldKind::Checkboxes, label)
                    }
                }
                FilterKind::Territory => {
                    let key = filter_key(&scope.id, &filter.id);
                    FieldView {
                        required,
                        hint: Some(
                            "Départements (69, 2A, 974) ou communes (code INSEE, 69123), séparés par des virgules. Vide : tout le territoire."
                                .to_string(),
                        ),
                        value: one(answers, &key),
                        error: error(&key),
                        ..FieldView::blank(key, FieldKind::Text, label)
                    }
                }
                FilterKind::Range { min, max } => {
                    let [from, to] = bound_keys(&scope.id, &filter.id);
                    let bound = |key: String, name: &str| FieldView {
                        value: one(answers, &key),
                        error: error(&key),
                        ..FieldView::blank(key, FieldKind::Number, name.to_string())
                    };
                    FieldView {
                        required,
                        hint: Some(format!(
                            "Entre {} et {}. Vide : sans restriction.",
                            number(*min),
                            number(*max)
                        )),
                        parts: vec![bound(from, "De"), bound(to, "À")],
                        ..FieldView::blank(
                            format!("droits.{}.{}", scope.id, filter.id),
                            FieldKind::Contact,
                            label,
                        )
                    }
                }
                FilterKind::Dates => {
                    let [from, to] = bound_keys(&scope.id, &filter.id);
                    let bound = |key: String, name: &str| {
                        let mut view = FieldView {
                            value: one(answers, &key),
                            error: error(&key),
                            ..FieldView::blank(key, FieldKind::Date, name.to_string())
                        };
                        // A date a browser could not hold is shown back as typed.
                        if view.error.is_some() {
                            view.input_type = "text";
                        }
                        view
                    };
                    FieldView {
                        required,
                        parts: vec![bound(from, "Du"), bound(to, "Au")],
                        ..FieldView::blank(
                            format!("droits.{}.{}", scope.id, filter.id),
                            FieldKind::Contact,
                            label,
                        )
                    }
                }
            };
            fields.push(field);
        }
        if !fields.is_empty() {
            out.scopes.push(ScopeRightsView {
                key: format!("droits.{}", scope.id),
                label: scope.label.clone(),
                unticked: !chosen.contains(&scope.id),
                fields,
            });
        }
    }
    if !rights.levels.is_empty() {
        let ceiling = only.map_or(usize::MAX, |g| g.max_level.unwrap_or(0));
        let levels: Vec<(String, String)> = rights
            .levels
            .iter()
            .take(ceiling.saturating_add(1))
            .cloned()
            .collect();
        out.level = Some(FieldView {
            required: true,
            hint: Some(
                "Les informations marquées d'un niveau supérieur ne seront pas transmises."
                    .to_string(),
            ),
            choices: choices(&levels, &many(answers, LEVEL_KEY)),
            error: error(LEVEL_KEY),
            ..FieldView::blank(
                LEVEL_KEY.to_string(),
                FieldKind::Radio,
                "Niveau de confidentialité maximal".to_string(),
            )
        });
    }
    out
}

/// The summary's lines for the rights the answers ask: (key, label, value), after the scopes.
pub fn summary_rows(provider: &Provider, answers: &Answers) -> Vec<(String, String, String)> {
    let rights = &provider.form.rights;
    if rights.is_empty() {
        return vec![];
    }
    let (grant, _) = read_rights(&provider.form, answers, 0, false);
    grant_rows(provider, &grant)
}

/// A grant's lines: one per scope with actions or filters, and the level.
pub fn grant_rows(provider: &Provider, grant: &Grant) -> Vec<(String, String, String)> {
    let rights = &provider.form.rights;
    let mut rows: Vec<(String, String, String)> = grant
        .scopes
        .iter()
        .filter_map(|(scope, g)| {
            let line = scope_line(rights, g);
            (!line.is_empty()).then(|| {
                (
                    format!("droits.{scope}"),
                    format!("Droits – {}", scope_label(provider, scope)),
                    line,
                )
            })
        })
        .collect();
    if !rights.levels.is_empty() {
        rows.push((
            LEVEL_KEY.to_string(),
            "Niveau de confidentialité maximal".to_string(),
            rights
                .level_label(grant.max_level)
                .unwrap_or_default()
                .to_string(),
        ));
    }
    rows
}

/// The instructor's inputs to narrow what a demande asks: its scopes' asked actions (ticked),
/// filters (as asked) and level (no higher than asked).
pub fn narrowing_inputs(provider: &Provider, answers_json: &str) -> RightsInputs {
    if provider.form.rights.is_empty() {
        return RightsInputs::default();
    }
    let asked = crate::services::rights::asked(provider, answers_json);
    let answers = grant_answers(&provider.form, &asked);
    let mut inputs = rights_inputs(provider, &answers, &FormErrors::default(), Some(&asked));
    for scope in &mut inputs.scopes {
        for field in &mut scope.fields {
            field.hint = None;
        }
    }
    inputs
}
