//! A grant as it is kept (the habilitation's `rights` column) and told to providers' systems
//! (the rights API, webhooks): scopes by id, each with its actions and filters, and the
//! maximum confidentiality level by its id, so it reads the same if the provider reorders
//! its levels.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Grant, Restriction, Rights, ScopeGrant};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GrantRecord {
    pub scopes: BTreeMap<String, ScopeRecord>,
    /// The highest confidentiality level granted; none when the provider declares no levels.
    pub max_level: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScopeRecord {
    pub actions: Vec<String>,
    pub filters: BTreeMap<String, RestrictionRecord>,
}

/// Values (enumeration values, territory codes), a numeric range or a date range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RestrictionRecord {
    Values(Vec<String>),
    Numbers { from: f64, to: f64 },
    Dates { from: NaiveDate, to: NaiveDate },
}

impl GrantRecord {
    pub fn of(rights: &Rights, grant: &Grant) -> GrantRecord {
        GrantRecord {
            scopes: grant
                .scopes
                .iter()
                .map(|(scope, g)| {
                    let record = ScopeRecord {
                        actions: g.actions.iter().cloned().collect(),
                        filters: g
                            .filters
                            .iter()
                            .map(|(f, r)| {
                                let r = match r {
                                    Restriction::Values(v) => {
                                        RestrictionRecord::Values(v.iter().cloned().collect())
                                    }
                                    Restriction::Range { from, to } => RestrictionRecord::Numbers {
                                        from: *from,
                                        to: *to,
                                    },
                                    Restriction::Dates { from, to } => RestrictionRecord::Dates {
                                        from: *from,
                                        to: *to,
                                    },
                                };
                                (f.clone(), r)
                            })
                            .collect(),
                    };
                    (scope.clone(), record)
                })
                .collect(),
            max_level: rights.level_label_id(grant.max_level).map(str::to_string),
        }
    }

    /// The grant this record holds for `months`; a level the provider no longer declares
    /// reads as none (the lowest).
    pub fn grant(&self, rights: &Rights, months: u32) -> Grant {
        Grant {
            scopes: self
                .scopes
                .iter()
                .map(|(scope, r)| {
                    let g = ScopeGrant {
                        actions: r.actions.iter().cloned().collect(),
                        filters: r
                            .filters
                            .iter()
                            .map(|(f, r)| {
                                let r = match r {
                                    RestrictionRecord::Values(v) => {
                                        Restriction::Values(v.iter().cloned().collect())
                                    }
                                    RestrictionRecord::Numbers { from, to } => Restriction::Range {
                                        from: *from,
                                        to: *to,
                                    },
                                    RestrictionRecord::Dates { from, to } => Restriction::Dates {
                                        from: *from,
                                        to: *to,
                                    },
                                };
                                (f.clone(), r)
                            })
                            .collect(),
                    };
                    (scope.clone(), g)
                })
                .collect(),
            max_level: self
                .max_level
                .as_deref()
                .and_then(|l| rights.level_index(l)),
            months,
        }
    }

    /// Read from the column; an empty or unreadable one holds nothing.
    pub fn parse(text: &str) -> Option<GrantRecord> {
        serde_json::from_str(text).ok()
    }
}
