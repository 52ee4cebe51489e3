//! Provider files: what loads, and how each mistake is named by file and key.

use std::path::Path;

use super::*;

pub(super) const VALID: &str = r#"
slug = "api-test"
name = "API Test"
provider = "DINUM"
description = "Une API de test."
contact_email = "contact@test.example"
validity_months = 12
cgu_url = "https://test.example/cgu.pdf"

[[scopes]]
id = "rfr"
label = "Revenu fiscal de référence"
group = "Agrégats fiscaux"

[[scopes]]
id = "nbpart"
label = "Nombre de parts"
group = "Situation du foyer"

[[steps]]
id = "projet"
title = "Mon projet"
blocks = ["basic_infos"]

  [[steps.fields]]
  id = "usagers"
  type = "select"
  label = "Usagers concernés"
  options = ["familles", { value = "etudiants", label = "Étudiants" }]
  required = true

[[steps]]
id = "donnees"
title = "Les données"
blocks = ["scopes", "contacts"]

[[templates]]
id = "cantine"
name = "Cantine scolaire"
values = { intitule = "Tarification de la cantine" }
scopes = ["rfr"]
"#;

pub(super) fn parse(text: &str) -> Result<Provider, Vec<CatalogError>> {
    parse_provider(Path::new("providers/api-test.toml"), text)
}

/// The single error of a broken file, as printed.
pub(super) fn error_of(text: &str) -> String {
    let errors = parse(text).expect_err("the file should be refused");
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors[0].to_string()
}

#[test]
fn a_valid_file_loads_with_its_blocks_and_templates() {
    let p = parse(VALID).unwrap();
    assert_eq!(p.slug, "api-test");
    assert_eq!(p.form.steps.len(), 2);
    let ids: Vec<&str> = p.form.steps[0]
        .fields
        .iter()
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "intitule",
            "description",
            "date_prevue_mise_en_production",
            "volumetrie_approximative",
            "usagers"
        ]
    );
    assert_eq!(p.form.steps[0].fields[4].options[1].label, "Étudiants");
    let contacts: Vec<&str> = p.form.steps[1]
        .fields
        .iter()
        .skip(1)
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(
        contacts,
        [
            "responsable_traitement",
            "delegue_protection_donnees",
            "contact_technique"
        ]
    );
    let template = p.template("cantine").unwrap();
    assert_eq!(template.values.len(), 2);
}

#[test]
fn an_unknown_field_type_names_file_key_and_choices() {
    let text = VALID.replace("type = \"select\"", "type = \"txt\"");
    let message = error_of(&text);
    assert!(
        message.starts_with("providers/api-test.toml: steps[0].fields[0].type : type inconnu « txt » (attendus : text, textarea,"),
        "{message}"
    );
}

#[test]
fn a_duplicate_field_id_names_both_places() {
    let text = VALID.replace("id = \"usagers\"", "id = \"intitule\"");
    assert_eq!(
        error_of(&text),
        "providers/api-test.toml: steps[0].fields[0].id : identifiant de champ « intitule » en double (déjà défini en steps[0].blocks[0])"
    );
}

#[test]
fn an_unknown_scope_in_a_template_is_named() {
    let text = VALID.replace(
        "scopes = [\"rfr\"]",
        "scopes = [\"rfr\", \"dgfip_inconnu\"]",
    );
    assert_eq!(
        error_of(&text),
        "providers/api-test.toml: templates[0].scopes[1] : donnée inconnue « dgfip_inconnu »"
    );
}

#[test]
fn an_unknown_field_in_a_template_is_named() {
    let text = VALID.replace("values = { intitule", "values = { titre");
    assert_eq!(
        error_of(&text),
        "providers/api-test.toml: templates[0].values.titre : champ inconnu « titre »"
    );
}

#[test]
fn a_missing_required_key_is_named() {
    let text = VALID.replace("validity_months = 12\n", "");
    assert!(
        error_of(&text)
            .starts_with("providers/api-test.toml: validity_months : clé obligatoire manquante")
    );
    let text = VALID.replace("label = \"Usagers concernés\"\n", "");
    assert!(
        error_of(&text).starts_with(
            "providers/api-test.toml: steps[0].fields[0].label : clé obligatoire manquante"
        ),
        "{}",
        error_of(&text)
    );
}

#[test]
fn an_unknown_key_is_named() {
    let text = VALID.replace(
        "validity_months = 12",
        "validity_months = 12\nvalidite_mois = 3",
    );
    let message = error_of(&text);
    assert!(
        message
            .starts_with("providers/api-test.toml: validite_mois : clé inconnue « validite_mois »"),
        "{message}"
    );
}

#[test]
fn invalid_toml_syntax_gives_the_line() {
    let text = VALID.replace("name = \"API Test\"", "name = \"API Test");
    let message = error_of(&text);
    assert!(
        message.starts_with("providers/api-test.toml: syntaxe TOML invalide à la ligne 3"),
        "{message}"
    );
}

#[test]
fn a_wrong_value_type_is_named() {
    let text = VALID.replace("validity_months = 12", "validity_months = \"douze\"");
    let message = error_of(&text);
    assert!(
        message.starts_with(
            "providers/api-test.toml: validity_months : type de valeur invalide (ligne 7)"
        ),
        "{message}"
    );
}

#[test]
fn semantic_mistakes_are_each_named() {
    let cases = [
        (
            VALID.replace("slug = \"api-test\"", "slug = \"api-autre\""),
            "slug : « api-autre » doit être identique au nom du fichier (« api-test »)",
        ),
        (
            VALID.replace(
                "blocks = [\"basic_infos\"]",
                "blocks = [\"basic_infos\", \"legale\"]",
            ),
            "steps[0].blocks[1] : bloc inconnu « legale »",
        ),
        (
            VALID.replace(
                "options = [\"familles\", { value = \"etudiants\", label = \"Étudiants\" }]",
                "",
            ),
            "steps[0].fields[0].options : un champ de type select doit proposer des options",
        ),
        (
            VALID.replace("required = true", "required = true\n  pattern = \"[a-\""),
            "steps[0].fields[0].pattern : expression régulière invalide",
        ),
        (
            VALID.replace(
                "required = true",
                "required = true\n  required_if_scope = \"ifi\"",
            ),
            "steps[0].fields[0].required_if_scope : donnée inconnue « ifi »",
        ),
        (
            VALID.replace("id = \"nbpart\"", "id = \"rfr\""),
            "scopes[1].id : la donnée « rfr » est déclarée deux fois",
        ),
        (
            VALID.replace("validity_months = 12", "validity_months = 0"),
            "validity_months : doit être compris entre 1 et 120 mois",
        ),
        (
            VALID.replace(
                "validity_months = 12",
                "validity_months = 12\nusual_delay_days = 0",
            ),
            "usual_delay_days : doit être compris entre 1 et 365 jours",
        ),
        (
            VALID.replace(
                "contact_email = \"contact@test.example\"",
                "contact_email = \"contact\"",
            ),
            "contact_email : adresse électronique invalide « contact »",
        ),
        (
            VALID.replace(
                "blocks = [\"scopes\", \"contacts\"]",
                "blocks = [\"contacts\"]",
            ),
            "scopes : des données sont déclarées mais aucune étape ne contient le bloc « scopes »",
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
fn the_shipped_providers_all_load() {
    let catalog = load_dir(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("providers")
            .as_path(),
    )
    .unwrap();
    let slugs: Vec<&str> = catalog.all().iter().map(|p| p.slug.as_str()).collect();
    for expected in [
        "api-entreprise",
        "api-impot-particulier",
        "api-particulier",
        "api-r2p",
    ] {
        assert!(slugs.contains(&expected), "{slugs:?}");
    }
    let dgfip = catalog.get("api-impot-particulier").unwrap();
    assert!(dgfip.form.scope("dgfip_rfr").is_some());
    assert!(dgfip.template("cantine").is_some());
}

#[test]
fn a_directory_with_two_files_for_one_slug_is_refused() {
    let dir = std::env::temp_dir().join(format!("habilis-catalog-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("api-test.toml"), VALID).unwrap();
    std::fs::write(dir.join("empty.txt"), "").unwrap();
    assert_eq!(load_dir(&dir).unwrap().all().len(), 1);
    std::fs::write(dir.join("broken.toml"), "slug = ").unwrap();
    let errors = load_dir(&dir).unwrap_err();
    assert!(
        errors
            .to_string()
            .contains("broken.toml: syntaxe TOML invalide à la ligne 1"),
        "{errors}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_pattern_must_match_the_whole_answer() {
    use crate::domain::form::{Answers, Strictness, Value, check};
    let text = VALID.replace(
        "type = \"select\"\n  label = \"Usagers concernés\"\n  options = [\"familles\", { value = \"etudiants\", label = \"Étudiants\" }]",
        "type = \"text\"\n  label = \"Code postal\"\n  pattern = \"[0-9]{5}\"\n  pattern_message = \"Cinq chiffres.\"",
    );
    let p = parse(&text).unwrap();
    let mut answers = Answers::new();
    answers.insert("usagers".into(), Value::One("ab69001xy".into()));
    assert_eq!(
        check(&p.form, &answers, Strictness::Draft).get("usagers"),
        Some("Cinq chiffres.")
    );
    answers.insert("usagers".into(), Value::One("69001".into()));
    assert_eq!(
        check(&p.form, &answers, Strictness::Draft).get("usagers"),
        None
    );
}

#[test]
fn the_usual_delay_is_optional() {
    assert_eq!(parse(VALID).unwrap().usual_delay_days, None);
    let text = VALID.replace(
        "validity_months = 12",
        "validity_months = 12\nusual_delay_days = 20",
    );
    assert_eq!(parse(&text).unwrap().usual_delay_days, Some(20));
    assert_eq!(
        error_of(&VALID.replace(
            "validity_months = 12",
            "validity_months = 12\nusual_delay_days = \"vingt\""
        )),
        "providers/api-test.toml: usual_delay_days : type de valeur invalide (ligne 8) : invalid type: string \"vingt\", expected u32"
    );
}

#[test]
fn introductions_are_markdown_rendered_under_the_page_s_headings() {
    let text = VALID
        .replace(
            "cgu_url = \"https://test.example/cgu.pdf\"\n",
            "cgu_url = \"https://test.example/cgu.pdf\"\nintroduction = \"\"\"\n# Avant de commencer\n\nAyez **la délibération** sous la main, et lisez [les CGU](https://test.example/cgu.pdf).\n\"\"\"\n",
        )
        .replace(
            "title = \"Les données\"\n",
            "title = \"Les données\"\nintroduction = \"Cochez le *strict nécessaire* : 3 < 5 & c'est tout.\"\n",
        );
    let p = parse(&text).unwrap();
    assert_eq!(
        p.introduction.as_deref(),
        Some(
            "<h3>Avant de commencer</h3>\n<p>Ayez <strong>la délibération</strong> sous la main, et lisez <a href=\"https://test.example/cgu.pdf\">les CGU</a>.</p>\n"
        )
    );
    assert_eq!(
        p.form.steps[1].introduction.as_deref(),
        Some("<p>Cochez le <em>strict nécessaire</em> : 3 &lt; 5 &amp; c'est tout.</p>\n")
    );
    assert_eq!(p.form.steps[0].introduction, None);
}

#[test]
fn raw_html_in_an_introduction_is_refused_at_its_key() {
    let text = VALID.replace(
        "title = \"Les données\"\n",
        "title = \"Les données\"\nintroduction = \"Voir <script>alert(1)</script> ici\"\n",
    );
    assert_eq!(
        error_of(&text),
        "providers/api-test.toml: steps[1].introduction : le HTML n'est pas permis (« <script> ») : écrivez en Markdown"
    );
}

#[test]
fn a_link_outside_the_web_or_an_image_is_refused_at_its_key() {
    let text = VALID.replace(
        "cgu_url = \"https://test.example/cgu.pdf\"\n",
        "cgu_url = \"https://test.example/cgu.pdf\"\nintroduction = \"[ici](javascript:alert(1)) ![logo](https://test.example/logo.png)\"\n",
    );
    let errors = parse(&text).expect_err("the file should be refused");
    let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        messages,
        [
            "providers/api-test.toml: introduction : lien « javascript:alert(1) » refusé : seuls les liens https:, http:, mailto: ou vers une page du portail (/…) sont permis",
            "providers/api-test.toml: introduction : les images ne sont pas permises dans un texte",
        ]
    );
}
