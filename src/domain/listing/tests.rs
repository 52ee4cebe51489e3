//! The dashboard's query: read leniently, written back into links the same.

use super::*;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn providers() -> Vec<String> {
    vec!["api-particulier".to_string(), "api-entreprise".to_string()]
}

#[test]
fn the_search_box_goes_to_the_right_key() {
    assert_eq!(SearchKey::parse("D123"), Some(SearchKey::Id(123)));
    assert_eq!(SearchKey::parse(" 42 "), Some(SearchKey::Id(42)));
    assert_eq!(
        SearchKey::parse("216 901 231 00011"),
        Some(SearchKey::Siret("21690123100011".into()))
    );
    assert_eq!(
        SearchKey::parse("Marie.Dupont@Mairie-Lyon.fr"),
        Some(SearchKey::Email("marie.dupont@mairie-lyon.fr".into()))
    );
    assert_eq!(
        SearchKey::parse("Cantine  scolaire, Lyon!"),
        Some(SearchKey::Words(vec![
            "cantine".into(),
            "scolaire".into(),
            "lyon".into()
        ]))
    );
    assert_eq!(SearchKey::parse("   "), None);
    assert_eq!(SearchKey::parse("%%%"), None);
}

#[test]
fn a_full_query_round_trips_through_the_url() {
    let (q, problems) = DashboardQuery::parse(
        &pairs(&[
            ("q", "cantine"),
            ("fournisseur", "api-particulier"),
            ("etat", "submitted"),
            ("etat", "validated"),
            ("du", "2026-01-01"),
            ("au", "2026-12-31"),
            ("tri", "organisation"),
            ("ordre", "asc"),
        ]),
        &providers(),
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(q.states, vec![State::Submitted, State::Validated]);
    let back: Vec<(String, String)> = q
        .to_pairs()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    assert_eq!(DashboardQuery::parse(&back, &providers()).0, q);
}

#[test]
fn bad_parts_are_reported_and_ignored() {
    let long = "a".repeat(10_000);
    let (q, problems) = DashboardQuery::parse(
        &pairs(&[
            ("etat", "approved"),
            ("du", "2026-02-30"),
            ("page", "-1"),
            ("q", &long),
            ("fournisseur", "api-secrete"),
            ("tri", "couleur"),
        ]),
        &providers(),
    );
    assert_eq!(q, DashboardQuery::default());
    assert_eq!(
        problems,
        vec![
            "État inconnu « approved » : ignoré.",
            "La date de début « 2026-02-30 » n'existe pas ou n'est pas au format AAAA-MM-JJ : elle est ignorée.",
            "Numéro de page invalide « -1 » : retour à la première page.",
            "La recherche est limitée à 200 caractères : elle est ignorée.",
            "Fournisseur inconnu « api-secrete » : ignoré.",
            "Tri inconnu « couleur » : tri par date de soumission.",
        ]
    );
}

#[test]
fn cursors_carry_value_and_id() {
    let c = Cursor {
        value: "2026-11-23T10:00:00.000000".into(),
        id: 7,
    };
    assert_eq!(Cursor::parse(&c.encode()), Some(c));
    assert_eq!(Cursor::parse("nothing"), None);
    assert_eq!(Cursor::parse("x~-3"), None);
}

#[test]
fn the_default_lists_everything_but_drafts_and_archives() {
    let states = DashboardQuery::default().listed_states();
    assert!(!states.contains(&State::Draft));
    assert!(!states.contains(&State::Archived));
    assert!(states.contains(&State::Submitted));
}
