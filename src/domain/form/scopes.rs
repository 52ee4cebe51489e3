//! Which scopes answers ask for, and the provider's rules a set of scopes breaks.

use super::schema::{Answers, Form, SCOPES_KEY};

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
