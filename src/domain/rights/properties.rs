//! The rights model's properties over random grants: whatever `narrowing` accepts permits
//! nothing the grant asked for did not, and every tightening is accepted.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::tests::{date, filters, values};
use super::*;

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
