//! A provider's form as data, and the checks of answers against it.
//!
//! Answers are kept as typed, valid or not: a draft never loses what someone wrote.
//! [`check`] says what is wrong, field by field, in French. One job per file: the schema,
//! the checks, the scope rules, applying a step, and the diff between two versions.

mod apply;
mod asked;
mod checks;
mod diff;
mod schema;
mod scopes;

pub use apply::{Applied, TEMPLATE_KEY, apply_rights, apply_step, prefill};
pub use asked::{
    LEVEL_KEY, RightsError, RightsInput, actions_key, bound_keys, filter_key, grant_answers,
    number_label, read_rights, rights_key_label, rights_keys, withhold,
};
pub use checks::{FieldError, FormErrors, Strictness, check, key_label};
pub use diff::{Change, compose, diff};
pub use schema::*;
pub use scopes::{BrokenScopeRule, broken_scope_rule, chosen_scopes};

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_asked;
