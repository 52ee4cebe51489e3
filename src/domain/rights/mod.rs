//! What a habilitation allows, exactly: per scope, the actions (read, export, create...) and
//! the filters that restrict it (an enumeration, a territory, a numeric range, a date range),
//! and at most one confidentiality level overall. Pure: what a provider declares, what a grant
//! holds, whether one grant stays within another (an instructor narrows, never widens), and
//! whether a grant permits an action on a record.

pub mod describe;
mod model;
mod record;
pub mod territory;

pub use model::{Rights, ScopeRights};
pub use record::{GrantRecord, RestrictionRecord, ScopeRecord};

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

/// A dimension a grant can be restricted by, as a provider declares it.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterDef {
    pub id: String,
    pub label: String,
    pub kind: FilterKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FilterKind {
    /// One or several of these values (value, label).
    Enumeration(Vec<(String, String)>),
    /// French departments (`69`, `2A`, `974`) or communes (INSEE code, `69123`); a department
    /// covers its communes.
    Territory,
    /// A numeric interval within these bounds.
    Range { min: f64, max: f64 },
    /// A date interval.
    Dates,
}

/// How one filter restricts a grant. No restriction for a filter: everything it ranges over.
#[derive(Debug, Clone, PartialEq)]
pub enum Restriction {
    /// Enumeration values, or territory codes.
    Values(BTreeSet<String>),
    Range {
        from: f64,
        to: f64,
    },
    Dates {
        from: NaiveDate,
        to: NaiveDate,
    },
}

/// What one scope of a grant allows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScopeGrant {
    pub actions: BTreeSet<String>,
    pub filters: BTreeMap<String, Restriction>,
}

/// What a habilitation allows (or a demande asks): its scopes, each with its actions and
/// filters; the highest confidentiality level it reaches (an index in the provider's ordered
/// levels; none: the provider has no levels); how long.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grant {
    pub scopes: BTreeMap<String, ScopeGrant>,
    pub max_level: Option<usize>,
    pub months: u32,
}

/// Why a proposed grant is not a narrowing of the one asked, in French.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Widening {
    #[error("La donnée « {0} » n'a pas été demandée : elle ne peut pas être accordée.")]
    Scope(String),
    #[error("L'action « {action} » n'a pas été demandée pour « {scope} ».")]
    Action { scope: String, action: String },
    #[error("Le filtre « {filter} » de « {scope} » ne peut qu'être resserré, pas élargi.")]
    Filter { scope: String, filter: String },
    #[error("Le niveau de confidentialité ne peut qu'être abaissé.")]
    Level,
    #[error("La durée ne peut qu'être raccourcie.")]
    Months,
}

impl Restriction {
    /// Whether everything `self` lets through, `outer` lets through too. Territories compare
    /// by coverage: a commune is within its department.
    pub fn within(&self, outer: &Restriction, kind: &FilterKind) -> bool {
        match (self, outer) {
            (Restriction::Values(inner), Restriction::Values(outer)) => match kind {
                FilterKind::Territory => inner
                    .iter()
                    .all(|code| outer.iter().any(|o| territory::covers(o, code))),
                _ => inner.is_subset(outer),
            },
            (
                Restriction::Range { from, to },
                Restriction::Range {
                    from: outer_from,
                    to: outer_to,
                },
            ) => from >= outer_from && to <= outer_to,
            (
                Restriction::Dates { from, to },
                Restriction::Dates {
                    from: outer_from,
                    to: outer_to,
                },
            ) => from >= outer_from && to <= outer_to,
            _ => false,
        }
    }

    /// Whether a record's value passes.
    pub fn admits(&self, value: &FilterValue, kind: &FilterKind) -> bool {
        match (self, value) {
            (Restriction::Values(allowed), FilterValue::Code(code)) => match kind {
                FilterKind::Territory => allowed.iter().any(|a| territory::covers(a, code)),
                _ => allowed.contains(code),
            },
            (Restriction::Range { from, to }, FilterValue::Number(n)) => n >= from && n <= to,
            (Restriction::Dates { from, to }, FilterValue::Date(d)) => d >= from && d <= to,
            _ => false,
        }
    }
}

/// A record's value along one filter.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterValue {
    Code(String),
    Number(f64),
    Date(NaiveDate),
}

/// Checks that `proposed` allows nothing `asked` does not: no new scope or action, every
/// filter of `asked` kept and each as tight or tighter (a filter may be added), a level and
/// a duration no higher. `filters` gives each filter's kind.
pub fn narrowing(asked: &Grant, proposed: &Grant, filters: &[FilterDef]) -> Result<(), Widening> {
    for (scope, grant) in &proposed.scopes {
        let Some(outer) = asked.scopes.get(scope) else {
            return Err(Widening::Scope(scope.clone()));
        };
        if let Some(action) = grant.actions.difference(&outer.actions).next() {
            return Err(Widening::Action {
                scope: scope.clone(),
                action: action.clone(),
            });
        }
        for (filter, outer_restriction) in &outer.filters {
            let kind = filters.iter().find(|f| f.id == *filter).map(|f| &f.kind);
            let kept = grant
                .filters
                .get(filter)
                .zip(kind)
                .is_some_and(|(r, kind)| r.within(outer_restriction, kind));
            if !kept {
                return Err(Widening::Filter {
                    scope: scope.clone(),
                    filter: filter.clone(),
                });
            }
        }
    }
    // No level is the lowest: nothing marked with a level is shown (see [`shows`]).
    match (proposed.max_level, asked.max_level) {
        (Some(p), Some(a)) if p > a => return Err(Widening::Level),
        (Some(_), None) => return Err(Widening::Level),
        _ => {}
    }
    if proposed.months > asked.months {
        return Err(Widening::Months);
    }
    Ok(())
}

/// Whether `grant` lets `action` be done on a record of `scope` with these values: the scope
/// is granted with the action, and every filter of it admits the record's value (filters
/// combine with AND; the values of one filter with OR). A record without a value for a filter
/// the scope is restricted by is not admitted.
pub fn permits(
    grant: &Grant,
    scope: &str,
    action: &str,
    record: &[(&str, FilterValue)],
    filters: &[FilterDef],
) -> bool {
    let Some(granted) = grant.scopes.get(scope) else {
        return false;
    };
    granted.actions.contains(action)
        && granted.filters.iter().all(|(filter, restriction)| {
            let kind = filters.iter().find(|f| f.id == *filter).map(|f| &f.kind);
            let value = record.iter().find(|(f, _)| f == filter).map(|(_, v)| v);
            kind.zip(value)
                .is_some_and(|(kind, value)| restriction.admits(value, kind))
        })
}

/// Whether a field marked with `level` may be shown under a grant reaching `max_level`; a
/// grant with no level shows only the fields marked with none.
pub fn shows(level: Option<usize>, max_level: Option<usize>) -> bool {
    match (level, max_level) {
        (None, _) => true,
        (Some(level), Some(max)) => level <= max,
        (Some(_), None) => false,
    }
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
