//! The rights a provider declares (actions, levels, filters, per scope), each mistake named
//! by file and key.

use super::tests::{VALID, error_of, parse};
use crate::domain::rights::FilterKind;

const RIGHTS: &str = r#"
[rights]
actions = [{ id = "read", label = "Lire" }, { id = "export", label = "Exporter" }, { id = "delete", label = "Supprimer" }]
default_actions = ["read"]
requestable_actions = ["read", "export"]
levels = [{ id = "public", label = "Public" }, { id = "restreint", label = "Restreint" }]

[[filters]]
id = "departement"
label = "Départements"
kind = "territory"

[[filters]]
id = "sensibilite"
label = "Sensibilité"
kind = "enumeration"
options = [{ value = "0", label = "Non sensible" }, { value = "1", label = "Sensible" }]

[[filters]]
id = "altitude"
label = "Altitude (m)"
kind = "range"
min = 0
max = 5000
"#;

fn with_scope_rights(extra: &str) -> String {
    let scoped = VALID.replacen(
        "group = \"Agrégats fiscaux\"",
        &format!("group = \"Agrégats fiscaux\"\n{extra}"),
        1,
    );
    format!("{scoped}{RIGHTS}")
}

#[test]
fn actions_levels_and_filters_are_declared_per_scope() {
    let provider = parse(&with_scope_rights(
        "actions = [\"read\", \"export\"]\nfilters = [\"departement\", \"sensibilite\"]\nrequired_filters = [\"departement\"]",
    ))
    .unwrap();
    let r = &provider.form.rights;
    assert_eq!(r.actions.len(), 3);
    assert_eq!(r.default_actions, ["read"]);
    assert_eq!(r.requestable_actions, ["read", "export"]);
    assert_eq!(r.levels[1].0, "restreint");
    assert_eq!(r.filters[0].kind, FilterKind::Territory);
    assert_eq!(
        r.filters[2].kind,
        FilterKind::Range {
            min: 0.0,
            max: 5000.0
        }
    );
    let rfr = &r.scopes["rfr"];
    assert_eq!(rfr.actions, ["read", "export"]);
    assert_eq!(rfr.required_filters, ["departement"]);
    // A scope that says nothing allows every action and no filter.
    assert!(!r.scopes.contains_key("nbpart"));
}

#[test]
fn rights_mistakes_are_each_named() {
    let cases = [
        (
            with_scope_rights("actions = [\"lire\"]"),
            "scopes[0].actions[0] : action inconnue « lire » (voir [rights].actions)",
        ),
        (
            with_scope_rights("filters = [\"commune\"]"),
            "scopes[0].filters[0] : filtre inconnu « commune » (voir [[filters]])",
        ),
        (
            with_scope_rights("filters = [\"departement\"]\nrequired_filters = [\"sensibilite\"]"),
            "scopes[0].required_filters[0] : « sensibilite » doit d'abord figurer dans filters",
        ),
        (
            format!(
                "{VALID}{}",
                RIGHTS.replace("kind = \"territory\"", "kind = \"pays\"")
            ),
            "filters[0].kind : sorte inconnue « pays » (attendues : enumeration, territory, range, dates)",
        ),
        (
            format!("{VALID}{}", RIGHTS.replace("max = 5000", "max = -1")),
            "filters[2].min : un intervalle demande min et max, min ≤ max",
        ),
        (
            format!(
                "{VALID}{}",
                RIGHTS.replace(
                    "default_actions = [\"read\"]",
                    "default_actions = [\"voir\"]"
                )
            ),
            "rights.default_actions[0] : action inconnue « voir »",
        ),
        (
            format!(
                "{}{RIGHTS}",
                VALID.replace(
                    "  required = true\n",
                    "  required = true\n  level = \"secret\"\n"
                )
            ),
            "steps[0].fields[0].level : niveau inconnu « secret » (voir [rights].levels)",
        ),
    ];
    for (text, expected) in cases {
        let message = error_of(&text);
        assert!(
            message.starts_with(&format!("providers/api-test.toml: {expected}")),
            "{message}\nexpected: {expected}"
        );
    }
}

#[test]
fn a_field_is_marked_with_a_level_of_the_provider() {
    let text = format!(
        "{}{RIGHTS}",
        VALID.replace(
            "  required = true\n",
            "  required = true\n  level = \"restreint\"\n"
        )
    );
    let provider = parse(&text).unwrap();
    let field = provider.form.field("usagers").unwrap();
    assert_eq!(field.level.as_deref(), Some("restreint"));
}
