//! The form's checks, step application and diffs, on a small form and on edge cases.

use super::*;

pub(super) fn form() -> Form {
    let mut intitule = Field::new("intitule", FieldKind::Text, "Nom du projet");
    intitule.required = true;
    intitule.max_length = Some(20);
    let mut duree = Field::new("duree", FieldKind::Number, "Durée de conservation");
    duree.required = true;
    duree.min = Some(0.0);
    duree.max = Some(1200.0);
    let mut justification = Field::new("justification", FieldKind::Textarea, "Justification");
    justification.required_if = Some(Condition {
        field: "duree".into(),
        greater_than: 36.0,
    });
    let mut rt = Field::new("rt", FieldKind::Contact, "Responsable de traitement");
    rt.required = true;
    let mut volumetrie = Field::new("volumetrie", FieldKind::Select, "Volumétrie");
    volumetrie.options = vec![Choice {
        value: "50".into(),
        label: "50".into(),
    }];
    let mut rfr_note = Field::new("rfr_note", FieldKind::Textarea, "Usage du RFR");
    rfr_note.required_if_scope = Some("rfr".into());
    let mut scopes = Field::new(SCOPES_KEY, FieldKind::Scopes, "Les données");
    scopes.required = true;
    let scope = |id: &str, group: &str, included: bool| ScopeDef {
        id: id.into(),
        label: id.to_uppercase(),
        group: group.into(),
        sensitive: false,
        included,
        deprecated: false,
    };
    Form {
        steps: vec![
            Step {
                id: "projet".into(),
                title: "Mon projet".into(),
                introduction: None,
                fields: vec![intitule, duree, justification, volumetrie],
            },
            Step {
                id: "donnees".into(),
                title: "Les données".into(),
                introduction: None,
                fields: vec![scopes, rfr_note, rt],
            },
        ],
        scopes: vec![
            scope("annee_n1", "Années", false),
            scope("rfr", "Agrégats", false),
            scope("lep", "LEP", false),
            scope("ifi", "Agrégats", false),
            scope("openid", "Technique", true),
        ],
        scope_rules: ScopeRules {
            min: 1,
            group_min: vec![("Années".into(), 1)],
            incompatible: vec![("ifi".into(), "lep".into())],
            exclusive: vec!["lep".into()],
        },
        rights: Default::default(),
    }
}

fn one(s: &str) -> Value {
    Value::One(s.into())
}

fn complete() -> Answers {
    let mut a = Answers::new();
    a.insert("intitule".into(), one("Cantine"));
    a.insert("duree".into(), one("12"));
    a.insert(SCOPES_KEY.into(), Value::Many(vec!["annee_n1".into()]));
    for (part, v) in [
        ("family_name", "Dupont"),
        ("given_name", "Marie"),
        ("email", "marie@lyon.fr"),
        ("phone_number", "04 72 10 30 30"),
        ("job_title", "DGS"),
    ] {
        a.insert(format!("rt_{part}"), one(v));
    }
    a
}

#[test]
fn a_complete_form_has_no_error() {
    assert_eq!(
        check(&form(), &complete(), Strictness::Submit),
        FormErrors::default()
    );
}

#[test]
fn a_draft_only_flags_wrong_values_but_a_submission_wants_everything() {
    let mut a = Answers::new();
    a.insert("duree".into(), one("beaucoup"));
    let draft = check(&form(), &a, Strictness::Draft);
    assert_eq!(draft.0.len(), 1);
    assert_eq!(
        draft.get("duree"),
        Some("Saisissez un nombre, par exemple 36.")
    );
    let submit = check(&form(), &a, Strictness::Submit);
    assert_eq!(submit.get("intitule"), Some("Ce champ est obligatoire."));
    assert_eq!(submit.get("rt_email"), Some("Ce champ est obligatoire."));
    // The scope always granted counts as chosen: what is missing is the group's minimum.
    assert_eq!(
        submit.get(SCOPES_KEY),
        Some("Cochez au moins 1 donnée(s) du groupe « Années ».")
    );
    // Errors come in the order of the form.
    assert_eq!(submit.0[0].key, "intitule");
    assert_eq!(
        submit.for_step(1).first().map(|e| e.key.as_str()),
        Some(SCOPES_KEY)
    );
}

#[test]
fn each_kind_says_what_is_wrong() {
    let f = form();
    let cases = [
        (
            "intitule",
            "Un intitulé beaucoup trop long",
            "20 caractères au maximum (30 saisis).",
        ),
        ("duree", "-1", "Le nombre doit être au moins 0."),
        ("duree", "5000", "Le nombre doit être au plus 1200."),
        ("volumetrie", "75", "Choisissez une des options proposées."),
        (
            "rt_email",
            "marie",
            "Saisissez une adresse électronique valide, par exemple prenom.nom@exemple.fr.",
        ),
        (
            "rt_phone_number",
            "12",
            "Saisissez un numéro de téléphone valide, par exemple 01 23 45 67 89.",
        ),
    ];
    for (key, value, message) in cases {
        let mut a = complete();
        a.insert(key.into(), one(value));
        assert_eq!(
            check(&f, &a, Strictness::Submit).get(key),
            Some(message),
            "{key}={value}"
        );
    }
}

#[test]
fn conditional_requirements_follow_other_answers() {
    let f = form();
    let mut a = complete();
    a.insert("duree".into(), one("48"));
    assert_eq!(
        check(&f, &a, Strictness::Submit).get("justification"),
        Some("Ce champ est obligatoire.")
    );
    a.insert("duree".into(), one("36"));
    assert_eq!(check(&f, &a, Strictness::Submit).get("justification"), None);
    a.insert(
        SCOPES_KEY.into(),
        Value::Many(vec!["annee_n1".into(), "rfr".into()]),
    );
    assert_eq!(
        check(&f, &a, Strictness::Submit).get("rfr_note"),
        Some("Ce champ est obligatoire.")
    );
}

#[test]
fn scope_rules_are_enforced() {
    let f = form();
    let with = |ids: &[&str]| {
        let mut a = complete();
        a.insert(
            SCOPES_KEY.into(),
            Value::Many(ids.iter().map(|s| s.to_string()).collect()),
        );
        check(&f, &a, Strictness::Submit)
            .get(SCOPES_KEY)
            .map(str::to_string)
    };
    assert_eq!(
        with(&["rfr"]).as_deref(),
        Some("Cochez au moins 1 donnée(s) du groupe « Années ».")
    );
    assert_eq!(
        with(&["annee_n1", "ifi", "lep"]).as_deref(),
        Some("Les données « IFI » et « LEP » ne peuvent pas être demandées ensemble.")
    );
    assert!(with(&["annee_n1", "lep"]).is_some_and(|m| m.contains("doit être demandée seule")));
    assert_eq!(
        with(&["annee_n1", "inconnu"]).as_deref(),
        Some("« inconnu » ne fait pas partie des choix proposés.")
    );
}

#[test]
fn included_scopes_are_always_chosen_in_provider_order() {
    let f = form();
    let mut a = Answers::new();
    a.insert(
        SCOPES_KEY.into(),
        Value::Many(vec!["rfr".into(), "annee_n1".into()]),
    );
    assert_eq!(chosen_scopes(&f, &a), vec!["annee_n1", "rfr", "openid"]);
}

#[test]
fn applying_a_step_keeps_invalid_values_and_reports_strangers() {
    let f = form();
    let mut a = Answers::new();
    a.insert("volumetrie".into(), one("50"));
    let input = vec![
        ("_csrf".to_string(), "t".to_string()),
        (
            "intitule".to_string(),
            "  Un intitulé beaucoup trop long  ".to_string(),
        ),
        ("duree".to_string(), "x".repeat(MAX_VALUE_CHARS + 1)),
        ("pirate".to_string(), "1".to_string()),
    ];
    let applied = apply_step(&f, 0, &mut a, &input);
    assert_eq!(applied.unknown_keys, vec!["pirate"]);
    assert_eq!(applied.rejected.len(), 1);
    assert_eq!(applied.rejected[0].0, "duree");
    assert_eq!(
        a.get("intitule"),
        Some(&one("Un intitulé beaucoup trop long"))
    );
    assert_eq!(a.get("duree"), None);
    // A select left empty clears the previous answer.
    assert_eq!(a.get("volumetrie"), None);
}

#[test]
fn applying_checkboxes_replaces_the_selection() {
    let f = form();
    let mut a = complete();
    let input = vec![
        (SCOPES_KEY.to_string(), "rfr".to_string()),
        (SCOPES_KEY.to_string(), "annee_n1".to_string()),
    ];
    apply_step(&f, 1, &mut a, &input);
    assert_eq!(
        a.get(SCOPES_KEY),
        Some(&Value::Many(vec!["rfr".into(), "annee_n1".into()]))
    );
    apply_step(&f, 1, &mut a, &[]);
    assert_eq!(a.get(SCOPES_KEY), None);
}

#[test]
fn a_diff_lists_only_what_changed() {
    let before = complete();
    let mut after = complete();
    after.insert("intitule".into(), one("Cantine 2027"));
    after.remove("duree");
    let changes = diff(&before, &after);
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0].key, "duree");
    assert_eq!(changes[0].after, None);
    assert_eq!(changes[1].after, Some(one("Cantine 2027")));
}

#[test]
fn successive_diffs_fold_into_what_changed_overall() {
    let change = |key: &str, before: Option<&str>, after: Option<&str>| Change {
        key: key.into(),
        before: before.map(one),
        after: after.map(one),
    };
    let folded = compose(&[
        vec![
            change("intitule", Some("A"), Some("B")),
            change("duree", Some("12"), Some("48")),
        ],
        vec![
            change("intitule", Some("B"), Some("C")),
            change("duree", Some("48"), Some("12")),
        ],
    ]);
    assert_eq!(folded, vec![change("intitule", Some("A"), Some("C"))]);
}

#[test]
fn contact_keys_map_back_to_their_field() {
    let f = form();
    let (step, field, part) = f.field_for_key("rt_email").unwrap();
    assert_eq!((step, field.id.as_str(), part), (1, "rt", Some(2)));
    assert!(f.field_for_key("rt_shoe_size").is_none());
}

#[test]
fn a_prefill_sets_only_the_keys_given_as_if_typed() {
    let mut answers = complete();
    let input: Vec<(String, String)> = [
        ("intitule", "  Cantine  "),
        ("duree", "beaucoup"),
        ("rt_email", "rt@mairie.example"),
        ("scopes", "rfr"),
        ("scopes", "nbpart"),
        ("inconnu", "1"),
        ("volumetrie", "50"),
        ("volumetrie", "100"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let before = answers.clone();
    let applied = prefill(&form(), &mut answers, &input);
    assert_eq!(applied.unknown_keys, ["inconnu"]);
    assert_eq!(
        applied.rejected,
        [(
            "volumetrie".to_string(),
            "Une seule valeur est attendue.".to_string()
        )]
    );
    assert_eq!(answers["intitule"], one("Cantine"));
    // Kept as typed, flagged by the checks like any typed value.
    assert_eq!(answers["duree"], one("beaucoup"));
    assert_eq!(answers["rt_email"], one("rt@mairie.example"));
    assert_eq!(
        answers[SCOPES_KEY],
        Value::Many(vec!["rfr".into(), "nbpart".into()])
    );
    // What no key named stays as it was, and a refused value changes nothing.
    assert_eq!(answers["rt_family_name"], before["rt_family_name"]);
    assert_eq!(answers.get("volumetrie"), None);
}
