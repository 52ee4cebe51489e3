//! Narrowing never widens (a property over random grants); filters combine as declared.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::*;

pub(super) fn filters() -> Vec<FilterDef> {
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

pub(super) fn values(items: &[&str]) -> Restriction {
    Restriction::Values(items.iter().map(|s| s.to_string()).collect())
}

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
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
