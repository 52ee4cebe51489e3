//! Provider files that carry a whole procedure: stages, and the keys of file fields; each
//! mistake named by file and key.

use super::tests::{VALID, error_of, parse};
use crate::domain::attachment::{FileKind, MB};
use crate::domain::form::FieldKind;

const STAGES: &str = r#"
[[stages]]
id = "bac_a_sable"
name = "Bac à sable"
steps = ["projet"]
validity_months = 6

[[stages]]
id = "production"
name = "Production"
steps = ["projet", "donnees"]
scopes = ["rfr"]
"#;

#[test]
fn stages_give_each_their_steps_scopes_and_validity() {
    let provider = parse(&format!("{VALID}{STAGES}")).unwrap();
    assert_eq!(provider.first_stage(), Some("bac_a_sable"));
    let sandbox = provider.staged(0).unwrap();
    assert_eq!(sandbox.form.steps.len(), 1);
    assert_eq!(sandbox.validity_months, 6);
    let at = sandbox.stage.clone().unwrap();
    assert_eq!((at.number, at.count), (1, 2));
    assert_eq!(
        at.next,
        Some(("production".to_string(), "Production".to_string()))
    );
    let production = provider.staged(1).unwrap();
    assert_eq!(production.form.steps.len(), 2);
    assert_eq!(production.validity_months, 12, "the provider's by default");
    let scopes: Vec<&str> = production
        .form
        .scopes
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(scopes, ["rfr"]);
    assert_eq!(production.stage.unwrap().next, None);
    let catalog = super::Catalog::new(vec![provider]);
    let seen = catalog.at_stage("api-test", Some("production")).unwrap();
    assert_eq!(seen.form.steps.len(), 2);
    // A stage no longer declared: the whole provider, never a missing page.
    assert!(
        catalog
            .at_stage("api-test", Some("ancienne"))
            .unwrap()
            .stage
            .is_none()
    );
}

#[test]
fn stage_mistakes_are_each_named() {
    let cases = [
        (
            STAGES.replace("steps = [\"projet\"]", "steps = [\"projet\", \"cadre\"]"),
            "stages[0].steps[1] : étape inconnue « cadre »",
        ),
        (
            STAGES.replace("id = \"production\"", "id = \"bac_a_sable\""),
            "stages[1].id : l'étape de procédure « bac_a_sable » est déclarée deux fois",
        ),
        (
            STAGES.replace("scopes = [\"rfr\"]", "scopes = [\"ifi\"]"),
            "stages[1].scopes[0] : donnée inconnue « ifi »",
        ),
        (
            STAGES.replace("validity_months = 6", "validity_months = 0"),
            "stages[0].validity_months : doit être d'au moins 1 mois",
        ),
        (
            STAGES.replace(
                "validity_months = 6",
                "validity_months = 6\nscopes = [\"rfr\"]",
            ),
            "stages[0].scopes : cette étape de procédure ne contient pas l'étape du formulaire qui demande les données",
        ),
    ];
    for (stages, expected) in cases {
        let message = error_of(&format!("{VALID}{stages}"));
        assert!(
            message.starts_with(&format!("providers/api-test.toml: {expected}")),
            "{message}\nexpected: {expected}"
        );
    }
    let orphan = STAGES.replace(
        "steps = [\"projet\", \"donnees\"]\nscopes = [\"rfr\"]",
        "steps = [\"projet\"]",
    );
    let message = error_of(&format!("{VALID}{orphan}"));
    assert!(
        message
            .contains("steps[1].id : l'étape « donnees » n'appartient à aucune étape de procédure"),
        "{message}"
    );
}

const FILE_FIELD: &str = "required = true\n\n  [[steps.fields]]\n  id = \"deliberation\"\n  type = \"file\"\n  label = \"La délibération\"\n";

#[test]
fn file_fields_declare_kinds_size_and_count() {
    let text = VALID.replacen(
        "required = true",
        &format!("{FILE_FIELD}  accept = [\"pdf\", \"jpg\"]\n  max_size_mb = 5\n  max_files = 3\n"),
        1,
    );
    let provider = parse(&text).unwrap();
    let field = provider.form.field("deliberation").unwrap();
    assert_eq!(field.kind, FieldKind::File);
    let rule = field.file.clone().unwrap();
    assert_eq!(rule.accept, [FileKind::Pdf, FileKind::Jpeg]);
    assert_eq!((rule.max_bytes, rule.max_files), (5 * MB, 3));
    // Without keys: one PDF of 10 MB.
    let plain = parse(&VALID.replacen("required = true", FILE_FIELD, 1)).unwrap();
    let rule = plain
        .form
        .field("deliberation")
        .unwrap()
        .file
        .clone()
        .unwrap();
    assert_eq!(
        (rule.accept, rule.max_bytes, rule.max_files),
        (vec![FileKind::Pdf], 10 * MB, 1)
    );
}

#[test]
fn file_field_mistakes_are_each_named() {
    let cases = [
        (
            format!("{FILE_FIELD}  accept = [\"exe\"]\n"),
            "steps[0].fields[1].accept[0] : format inconnu « exe » (attendus : pdf, png, jpeg, webp, odt, docx)",
        ),
        (
            format!("{FILE_FIELD}  max_size_mb = 500\n"),
            "steps[0].fields[1].max_size_mb : entre 1 et 50 Mo (500 donné)",
        ),
        (
            format!("{FILE_FIELD}  max_files = 0\n"),
            "steps[0].fields[1].max_files : entre 1 et 20 (0 donné)",
        ),
        (
            "required = true\n  max_files = 2\n".to_string(),
            "steps[0].fields[0].max_files : réservé aux champs de type file (ce champ est de type select)",
        ),
        (
            format!("{FILE_FIELD}  required_unless = \"absent\"\n"),
            "steps[0].fields[1].required_unless : « absent » n'est pas un autre champ de ce formulaire",
        ),
    ];
    for (field, expected) in cases {
        let message = error_of(&VALID.replacen("required = true", &field, 1));
        assert!(
            message.starts_with(&format!("providers/api-test.toml: {expected}")),
            "{message}\nexpected: {expected}"
        );
    }
    let template = VALID.replacen("required = true", FILE_FIELD, 1).replace(
        "values = { intitule = \"Tarification de la cantine\" }",
        "values = { intitule = \"Tarification de la cantine\", deliberation = \"1:a.pdf\" }",
    );
    let message = error_of(&template);
    assert!(
        message.contains(
            "templates[0].values.deliberation : un modèle ne peut pas joindre de fichier"
        ),
        "{message}"
    );
}
