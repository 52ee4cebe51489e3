//! Narrowing never widens (a property over random grants); filters combine as declared.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;

fn filters() -> Vec<FilterDef> {
    vec![
        FilterDef {
            id: "sensibilite".into(),
            label: "Sensibilité".into(),
            kind: FilterKind::Enumeration(vec![
                ("0".into(), "Non sensible".into()),
                ("1".into(), "Sensible".into()),
                ("2".into(), "Très sensible".into()),
            ]),
        },
        FilterDef {
            id: "territoire".into(),
            label: "Territoire".into(),
            kind: FilterKind::Territory,
        },
        FilterDef {
            id: "altitude".into(),
            label: "Altitude".into(),
            kind: FilterKind::Range {
                min: 0.0,
                max: 5000.0,
            },
        },
        FilterDef {
            id: "periode".into(),
            label: "Période".into(),
            kind: FilterKind::Dates,
        },
    ]
}

fn values(items: &[&str]) -> Restriction {
    Restriction::Values(items.iter().map(|s| s.to_string()).collect())
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn grant(actions: &[&str], filters: Vec<(&str, Restriction)>) -> Grant {
    Grant {
        scopes: BTreeMap::from([(
            "observations".to_string(),
            ScopeGrant {
                actions: actions.iter().map(|s| s.to_string()).collect(),
                filters: filters
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
            },
        )]),
        max_level: Some(1),
        months: 12,
    }
}

#[test]
fn filters_combine_with_and_and_values_with_or() {
    let g = grant(
        &["read"],
        vec![
            ("sensibilite", values(&["0", "1"])),
            ("territoire", values(&["69", "38185"])),
        ],
    );
    let f = filters();
    let rec = |s: &str, t: &str| {
        vec![
            ("sensibilite", FilterValue::Code(s.into())),
            ("territoire", FilterValue::Code(t.into())),
        ]
    };
    // A commune of the Rhône, non-sensitive: yes. A commune of Isère other than Grenoble: no.
    assert!(permits(&g, "observations", "read", &rec("0", "69123"), &f));
    assert!(permits(&g, "observations", "read", &rec("1", "38185"), &f));
    assert!(!permits(&g, "observations", "read", &rec("1", "38001"), &f));
    assert!(!permits(&g, "observations", "read", &rec("2", "69123"), &f));
    // Another action, another scope, or a record without a value for a filter: no.
    assert!(!permits(
        &g,
        "observations",
        "export",
        &rec("0", "69123"),
        &f
    ));
    assert!(!permits(&g, "taxons", "read", &rec("0", "69123"), &f));
    let partial = vec![("sensibilite", FilterValue::Code("0".into()))];
    assert!(!permits(&g, "observations", "read", &partial, &f));
    // Ranges and dates are inclusive.
    let bounded = grant(
        &["read"],
        vec![
            (
                "altitude",
                Restriction::Range {
                    from: 0.0,
                    to: 1500.0,
                },
            ),
            (
                "periode",
                Restriction::Dates {
                    from: date(2020, 1, 1),
                    to: date(2026, 12, 31),
                },
            ),
        ],
    );
    let at = |alt: f64, d: NaiveDate| {
        vec![
            ("altitude", FilterValue::Number(alt)),
            ("periode", FilterValue::Date(d)),
        ]
    };
    assert!(permits(
        &bounded,
        "observations",
        "read",
        &at(1500.0, date(2026, 12, 31)),
        &f
    ));
    assert!(!permits(
        &bounded,
        "observations",
        "read",
        &at(1500.5, date(2025, 1, 1)),
        &f
    ));
    assert!(!permits(
        &bounded,
        "observations",
        "read",
        &at(100.0, date(2019, 12, 31)),
        &f
    ));
}

#[test]
fn narrowing_names_what_it_would_widen() {
    let f = filters();
    let asked = grant(&["read", "export"], vec![("territoire", values(&["69"]))]);
    let tighter = grant(
        &["read"],
        vec![
            ("territoire", values(&["69123"])),
            ("sensibilite", values(&["0"])),
        ],
    );
    assert_eq!(narrowing(&asked, &tighter, &f), Ok(()));
    let more_actions = grant(&["read", "delete"], vec![("territoire", values(&["69"]))]);
    assert!(matches!(
        narrowing(&asked, &more_actions, &f),
        Err(Widening::Action { .. })
    ));
    let filter_dropped = grant(&["read"], vec![]);
    assert!(matches!(
        narrowing(&asked, &filter_dropped, &f),
        Err(Widening::Filter { .. })
    ));
    let other_department = grant(&["read"], vec![("territoire", values(&["38"]))]);
    assert!(matches!(
        narrowing(&asked, &other_department, &f),
        Err(Widening::Filter { .. })
    ));
    let higher = Grant {
        max_level: Some(2),
        ..asked.clone()
    };
    assert_eq!(narrowing(&asked, &higher, &f), Err(Widening::Level));
    let longer = Grant {
        months: 24,
        ..asked.clone()
    };
    assert_eq!(narrowing(&asked, &longer, &f), Err(Widening::Months));
    let mut other_scope = asked.clone();
    other_scope
        .scopes
        .insert("taxons".into(), ScopeGrant::default());
    assert_eq!(
        narrowing(&asked, &other_scope, &f),
        Err(Widening::Scope("taxons".into()))
    );
}

#[test]
fn levels_withhold_fields_above_the_grant() {
    assert!(shows(None, None));
    assert!(shows(Some(1), Some(1)));
    assert!(!shows(Some(2), Some(1)));
    assert!(!shows(Some(0), None));
}

#[test]
fn departments_cover_their_communes() {
    assert_eq!(territory::DEPARTMENTS.len(), 101);
    assert!(territory::covers("69", "69123"));
    assert!(territory::covers("974", "97411"));
    assert!(territory::covers("2A", "2A004"));
    assert!(!territory::covers("97", "97411"));
    assert!(!territory::covers("38", "69123"));
    assert!(territory::is_known("2B") && territory::is_known("75056"));
    assert!(
        !territory::is_known("20") && !territory::is_known("99123") && !territory::is_known("6912")
    );
}

// ---------------------------------------------------------------------------------------
// The property: whatever an instructor proposes, what `narrowing` accepts permits nothing
// the grant asked for did not.

const ACTIONS: [&str; 4] = ["read", "export", "update", "delete"];
const CODES: [&str; 6] = ["69", "38", "69123", "69381", "38185", "974"];
const SENSITIVITY: [&str; 3] = ["0", "1", "2"];

fn restriction(filter: usize) -> BoxedStrategy<Restriction> {
    match filter {
        0 => proptest::sample::subsequence(SENSITIVITY.to_vec(), 1..=3)
            .prop_map(|v| values(&v))
            .boxed(),
        1 => proptest::sample::subsequence(CODES.to_vec(), 1..=3)
            .prop_map(|v| values(&v))
            .boxed(),
        2 => (0u32..5000, 0u32..5000)
            .prop_map(|(a, b)| Restriction::Range {
                from: a.min(b) as f64,
                to: a.max(b) as f64,
            })
            .boxed(),
        _ => (0u32..3000, 0u32..3000)
            .prop_map(|(a, b)| {
                let day = |n: u32| date(2020, 1, 1) + chrono::Duration::days(i64::from(n));
                Restriction::Dates {
                    from: day(a.min(b)),
                    to: day(a.max(b)),
                }
            })
            .boxed(),
    }
}

fn scope_grant() -> impl Strategy<Value = ScopeGrant> {
    (
        proptest::sample::subsequence(ACTIONS.to_vec(), 0..=4),
        proptest::option::of(restriction(0)),
        proptest::option::of(restriction(1)),
        proptest::option::of(restriction(2)),
        proptest::option::of(restriction(3)),
    )
        .prop_map(|(actions, s, t, a, p)| {
            let mut filters = BTreeMap::new();
            for (id, r) in [
                ("sensibilite", s),
                ("territoire", t),
                ("altitude", a),
                ("periode", p),
            ] {
                if let Some(r) = r {
                    filters.insert(id.to_string(), r);
                }
            }
            ScopeGrant {
                actions: actions
                    .into_iter()
                    .map(str::to_string)
                    .collect::<BTreeSet<_>>(),
                filters,
            }
        })
}

fn any_grant() -> impl Strategy<Value = Grant> {
    (
        proptest::collection::btree_map(
            proptest::sample::select(vec!["observations".to_string(), "taxons".to_string()]),
            scope_grant(),
            0..=2,
        ),
        proptest::option::of(0usize..4),
        1u32..60,
    )
        .prop_map(|(scopes, max_level, months)| Grant {
            scopes,
            max_level,
            months,
        })
}

/// Records over every filter: one value each.
fn any_record() -> impl Strategy<Value = Vec<(&'static str, FilterValue)>> {
    (
        proptest::sample::select(SENSITIVITY.to_vec()),
        proptest::sample::select(vec!["69123", "69381", "38185", "38001", "97411", "75056"]),
        0u32..5000,
        0u32..3000,
    )
        .prop_map(|(s, t, a, d)| {
            vec![
                ("sensibilite", FilterValue::Code(s.to_string())),
                ("territoire", FilterValue::Code(t.to_string())),
                ("altitude", FilterValue::Number(f64::from(a))),
                (
                    "periode",
                    FilterValue::Date(date(2020, 1, 1) + chrono::Duration::days(i64::from(d))),
                ),
            ]
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn a_narrowing_never_permits_what_was_not_asked(
        asked in any_grant(),
        proposed in any_grant(),
        record in any_record(),
        scope in proptest::sample::select(vec!["observations", "taxons"]),
        action in proptest::sample::select(ACTIONS.to_vec()),
    ) {
        let f = filters();
        if narrowing(&asked, &proposed, &f).is_ok() {
            if permits(&proposed, scope, action, &record, &f) {
                prop_assert!(permits(&asked, scope, action, &record, &f),
                    "{proposed:?} permits {action} on {record:?} of {scope}, {asked:?} does not");
            }
            prop_assert!(proposed.months <= asked.months);
            for level in 0..4 {
                if shows(Some(level), proposed.max_level) {
                    prop_assert!(shows(Some(level), asked.max_level));
                }
            }
        }
    }

    #[test]
    fn a_grant_is_a_narrowing_of_itself(asked in any_grant()) {
        prop_assert_eq!(narrowing(&asked, &asked, &filters()), Ok(()));
    }
}

/// `asked`, narrowed by the choices: actions dropped, values kept or not, intervals shrunk,
/// a filter added, the level and duration lowered.
fn tightened(asked: &Grant, keep: &[bool], shrink: u32, added: bool) -> Grant {
    let mut bit = keep.iter().cycle().copied();
    let mut out = asked.clone();
    for grant in out.scopes.values_mut() {
        grant.actions.retain(|_| bit.next().unwrap_or(true));
        for restriction in grant.filters.values_mut() {
            match restriction {
                Restriction::Values(v) => {
                    let first = v.iter().next().cloned();
                    v.retain(|_| bit.next().unwrap_or(true));
                    if v.is_empty() {
                        v.extend(first);
                    }
                }
                Restriction::Range { from, to } => {
                    *from += f64::from(shrink).min((*to - *from) / 2.0);
                }
                Restriction::Dates { from, to } => {
                    let room = (*to - *from).num_days() / 2;
                    *to -= chrono::Duration::days(i64::from(shrink).min(room));
                }
            }
        }
        if added && !grant.filters.contains_key("sensibilite") {
            grant.filters.insert("sensibilite".into(), values(&["0"]));
        }
    }
    out.max_level = asked
        .max_level
        .map(|l| l.saturating_sub(usize::from(added)));
    out.months = asked.months.saturating_sub(shrink % 6).max(1);
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn every_tightening_is_accepted_and_permits_less(
        asked in any_grant(),
        keep in proptest::collection::vec(any::<bool>(), 1..16),
        shrink in 0u32..400,
        added in any::<bool>(),
        record in any_record(),
        scope in proptest::sample::select(vec!["observations", "taxons"]),
        action in proptest::sample::select(ACTIONS.to_vec()),
    ) {
        let f = filters();
        let proposed = tightened(&asked, &keep, shrink, added);
        prop_assert_eq!(narrowing(&asked, &proposed, &f), Ok(()));
        if permits(&proposed, scope, action, &record, &f) {
            prop_assert!(permits(&asked, scope, action, &record, &f));
        }
        // Widened back: refused.
        if let Some(scope_grant) = asked.scopes.values().next()
            && let Some(extra) = ACTIONS.iter().find(|a| !scope_grant.actions.contains(**a))
        {
            let mut wider = proposed.clone();
            if let Some(first) = wider.scopes.values_mut().next() {
                first.actions.insert(extra.to_string());
            }
            prop_assert!(narrowing(&asked, &wider, &f).is_err());
        }
    }
}
