//! A provider's rights model, as its file declares it once checked: the actions, the
//! confidentiality levels, the filters, and what each scope allows.

use std::collections::BTreeMap;

use super::FilterDef;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rights {
    /// (id, label), in the file's order.
    pub actions: Vec<(String, String)>,
    pub default_actions: Vec<String>,
    pub requestable_actions: Vec<String>,
    /// (id, label), from the lowest.
    pub levels: Vec<(String, String)>,
    pub filters: Vec<FilterDef>,
    /// What each scope allows; a scope not named allows every action and no filter.
    pub scopes: BTreeMap<String, ScopeRights>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScopeRights {
    pub actions: Vec<String>,
    pub filters: Vec<String>,
    pub required_filters: Vec<String>,
}

impl Rights {
    /// Whether the provider speaks of anything beyond scopes.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty() && self.levels.is_empty() && self.filters.is_empty()
    }

    /// The actions a scope allows, in the provider's order.
    pub fn actions_of(&self, scope: &str) -> Vec<&(String, String)> {
        match self.scopes.get(scope) {
            Some(s) => self
                .actions
                .iter()
                .filter(|(id, _)| s.actions.contains(id))
                .collect(),
            None => self.actions.iter().collect(),
        }
    }

    /// The actions an applicant may tick for a scope.
    pub fn requestable_of(&self, scope: &str) -> Vec<&(String, String)> {
        self.actions_of(scope)
            .into_iter()
            .filter(|(id, _)| self.requestable_actions.contains(id))
            .collect()
    }

    /// The actions a scope is granted when none is ticked.
    pub fn defaults_of(&self, scope: &str) -> Vec<String> {
        self.actions_of(scope)
            .into_iter()
            .filter(|(id, _)| self.default_actions.contains(id))
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// The filters a scope can be restricted by, with whether each is required.
    pub fn filters_of(&self, scope: &str) -> Vec<(&FilterDef, bool)> {
        let Some(s) = self.scopes.get(scope) else {
            return vec![];
        };
        s.filters
            .iter()
            .filter_map(|id| self.filter(id))
            .map(|f| (f, s.required_filters.contains(&f.id)))
            .collect()
    }

    pub fn filter(&self, id: &str) -> Option<&FilterDef> {
        self.filters.iter().find(|f| f.id == id)
    }

    pub fn action_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.actions
            .iter()
            .find(|(a, _)| a == id)
            .map_or(id, |(_, l)| l.as_str())
    }

    pub fn level_index(&self, id: &str) -> Option<usize> {
        self.levels.iter().position(|(l, _)| l == id)
    }

    pub fn level_label(&self, index: Option<usize>) -> Option<&str> {
        index
            .and_then(|i| self.levels.get(i))
            .map(|(_, l)| l.as_str())
    }

    /// The id of the level at `index`.
    pub fn level_label_id(&self, index: Option<usize>) -> Option<&str> {
        index
            .and_then(|i| self.levels.get(i))
            .map(|(id, _)| id.as_str())
    }
}
