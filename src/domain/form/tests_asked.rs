//! The rights asked on the scopes step: applied as typed, read into a grant, each mistake
//! named at its input in French.

use std::collections::BTreeMap;

use super::tests::form;
use super::*;
use crate::domain::rights::{FilterDef, FilterKind, Restriction, Rights, ScopeRights, narrowing};

fn with_rights() -> Form {
    let mut form = form();
    let filter = |id: &str, kind| FilterDef {
        id: id.into(),
        label: id.to_uppercase(),
        kind,
    };
    form.rights = Rights {
        actions: vec![
            ("read".into(), "Consulter".into()),
            ("export".into(), "Exporter".into()),
            ("delete".into(), "Supprimer".into()),
        ],
        default_actions: vec!["read".into()],
        requestable_actions: vec!["read".into(), "export".into()],
        levels: vec![
            ("public".into(), "Public".into()),
            ("restreint".into(), "Restreint".into()),
        ],
        filters: vec![
            filter("dept", FilterKind::Territory),
            filter(
                "annee",
                FilterKind::Range {
                    min: 2000.0,
                    max: 2030.0,
                },
            ),
            filter("periode", FilterKind::Dates),
            filter(
                "type",
                FilterKind::Enumeration(vec![("a".into(), "A".into()), ("b".into(), "B".into())]),
            ),
        ],
        scopes: BTreeMap::from([(
            "rfr".to_string(),
            ScopeRights {
                actions: vec!["read".into(), "export".into(), "delete".into()],
                filters: vec![
                    "dept".into(),
                    "annee".into(),
                    "periode".into(),
                    "type".into(),
                ],
                required_filters: vec!["dept".into()],
            },
        )]),
    };
    form
}

fn posted(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn answered(form: &Form, pairs: &[(&str, &str)]) -> Answers {
    let mut answers = Answers::new();
    let applied = apply_step(form, 1, &mut answers, &posted(pairs));
    assert!(
        applied.unknown_keys.is_empty(),
        "{:?}",
        applied.unknown_keys
    );
    answers
}

#[test]
fn the_scopes_step_owns_the_rights_inputs_and_keeps_them_as_typed() {
    let form = with_rights();
    let answers = answered(
        &form,
        &[
            ("scopes", "rfr"),
            ("scopes", "annee_n1"),
            ("droits.rfr.actions", "export"),
            ("droits.rfr.dept", "69, 2a"),
            ("droits.rfr.annee.de", "2020"),
            ("droits.rfr.annee.a", "2024"),
            ("droits.rfr.periode.de", "01/01/2024"),
            ("droits.rfr.periode.a", "31/12/2024"),
            ("droits.rfr.type", "a"),
            ("droits.niveau", "restreint"),
        ],
    );
    assert_eq!(
        answers.get("droits.rfr.dept"),
        Some(&Value::One("69, 2a".into()))
    );
    // A French date is kept as the browser sends one.
    assert_eq!(
        answers.get("droits.rfr.periode.de"),
        Some(&Value::One("2024-01-01".into()))
    );
    let (grant, errors) = read_rights(&form, &answers, 12, true);
    assert!(errors.is_empty(), "{errors:?}");
    let rfr = &grant.scopes["rfr"];
    assert_eq!(rfr.actions.iter().collect::<Vec<_>>(), ["export"]);
    assert_eq!(
        rfr.filters["dept"],
        Restriction::Values(["2A".to_string(), "69".to_string()].into())
    );
    assert_eq!(
        rfr.filters["annee"],
        Restriction::Range {
            from: 2020.0,
            to: 2024.0
        }
    );
    assert_eq!(grant.max_level, Some(1));
    // A scope the provider gives no rights model to: every action, none asked, no filter.
    assert!(grant.scopes["annee_n1"].filters.is_empty());
}

#[test]
fn no_action_ticked_asks_the_default_ones() {
    let form = with_rights();
    let answers = answered(
        &form,
        &[
            ("scopes", "rfr"),
            ("droits.rfr.dept", "69"),
            ("droits.niveau", "public"),
        ],
    );
    let (grant, errors) = read_rights(&form, &answers, 12, true);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        grant.scopes["rfr"].actions.iter().collect::<Vec<_>>(),
        ["read"]
    );
}

#[test]
fn each_mistake_is_named_at_its_input_and_a_submission_needs_what_is_required() {
    let form = with_rights();
    let answers = answered(
        &form,
        &[
            ("scopes", "rfr"),
            ("droits.rfr.actions", "delete"),
            ("droits.rfr.annee.de", "1990"),
            ("droits.rfr.periode.a", "31/12/2024"),
            ("droits.rfr.type", "z"),
        ],
    );
    let draft = check(&form, &answers, Strictness::Draft);
    assert!(
        draft
            .get("droits.rfr.actions")
            .unwrap()
            .contains("« delete » ne peut pas")
    );
    assert_eq!(
        draft.get("droits.rfr.annee.de"),
        Some("Indiquez un nombre entre 2000 et 2030.")
    );
    assert_eq!(
        draft.get("droits.rfr.periode.de"),
        Some("Indiquez aussi la date de début.")
    );
    assert_eq!(draft.get("droits.rfr.type"), Some("Valeur inconnue « z »."));
    // Missing is fine in a draft, not in a submission.
    assert_eq!(draft.get("droits.rfr.dept"), None);
    assert_eq!(draft.get("droits.niveau"), None);
    let submit = check(&form, &answers, Strictness::Submit);
    assert_eq!(
        submit.get("droits.rfr.dept"),
        Some("Ce filtre est obligatoire.")
    );
    assert_eq!(
        submit.get("droits.niveau"),
        Some("Choisissez un niveau de confidentialité.")
    );
    // Every error is on the scopes step.
    assert!(
        submit
            .0
            .iter()
            .filter(|e| e.key.starts_with("droits."))
            .all(|e| e.step == 1)
    );
}

#[test]
fn an_unknown_territory_is_refused_and_the_rights_of_an_unticked_scope_do_not_count() {
    let form = with_rights();
    let answers = answered(&form, &[("scopes", "rfr"), ("droits.rfr.dept", "69, 96")]);
    let errors = check(&form, &answers, Strictness::Draft);
    assert!(
        errors
            .get("droits.rfr.dept")
            .unwrap()
            .starts_with("Code inconnu « 96 »")
    );
    let unticked = answered(&form, &[("scopes", "ifi"), ("droits.rfr.dept", "96")]);
    assert_eq!(
        check(&form, &unticked, Strictness::Draft).get("droits.rfr.dept"),
        None
    );
}

#[test]
fn an_existing_grant_reads_back_as_the_same_grant() {
    let form = with_rights();
    let answers = answered(
        &form,
        &[
            ("scopes", "rfr"),
            ("droits.rfr.actions", "read"),
            ("droits.rfr.actions", "export"),
            ("droits.rfr.dept", "69123, 01"),
            ("droits.rfr.annee.de", "2020,5"),
            ("droits.rfr.annee.a", "2024"),
            ("droits.rfr.type", "b"),
            ("droits.niveau", "restreint"),
        ],
    );
    let (grant, errors) = read_rights(&form, &answers, 12, true);
    assert!(errors.is_empty(), "{errors:?}");
    let again = grant_answers(&form, &grant);
    let (read_again, errors) = read_rights(&form, &again, 12, true);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(read_again, grant);
    // And an instructor's inputs, applied as posted, read the same way.
    let pairs: Vec<(String, String)> = again
        .iter()
        .flat_map(|(k, v)| {
            v.items()
                .into_iter()
                .map(|i| (k.clone(), i.to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut inputs = apply_rights(&form, &pairs);
    inputs.insert(SCOPES_KEY.into(), Value::Many(vec!["rfr".into()]));
    let (narrowed, _) = read_rights(&form, &inputs, 12, true);
    assert_eq!(narrowed, grant);
    assert!(narrowing(&grant, &narrowed, &form.rights.filters).is_ok());
}

#[test]
fn answers_marked_above_the_level_are_withheld() {
    let mut form = with_rights();
    form.steps[0].fields[0].level = Some("restreint".into());
    let mut answers = Answers::new();
    answers.insert("intitule".into(), Value::One("Cantine".into()));
    answers.insert("duree".into(), Value::One("12".into()));
    let mut shown = answers.clone();
    assert!(withhold(&form, &mut shown, Some(1)).is_empty());
    assert_eq!(shown, answers);
    let mut lower = answers.clone();
    assert_eq!(withhold(&form, &mut lower, Some(0)), ["intitule"]);
    assert!(!lower.contains_key("intitule") && lower.contains_key("duree"));
    // No level granted: only unmarked answers.
    let mut none = answers.clone();
    assert_eq!(withhold(&form, &mut none, None), ["intitule"]);
}

#[test]
fn rights_inputs_are_named_as_people_read_them() {
    let form = with_rights();
    assert_eq!(
        rights_key_label(&form, "droits.rfr.actions").unwrap(),
        "Actions – RFR"
    );
    assert_eq!(
        rights_key_label(&form, "droits.rfr.periode.de").unwrap(),
        "PERIODE (début) – RFR"
    );
    assert_eq!(
        rights_key_label(&form, "droits.niveau").unwrap(),
        "Niveau de confidentialité"
    );
    assert_eq!(rights_key_label(&form, "intitule"), None);
}
