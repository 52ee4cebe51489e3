//! Standard blocks every form can include by name (`blocks = ["basic_infos", ...]`).

use crate::domain::attachment::{FileKind, FileRule, MB};
use crate::domain::form::{Choice, Condition, Field, FieldKind, SCOPES_KEY};

pub const BLOCKS: [&str; 8] = [
    "basic_infos",
    "legal",
    "personal_data",
    "contacts",
    "volumetry",
    "scopes",
    "homologation_securite",
    "maquettes",
];

/// Contact kinds the `contacts` block knows, with their titles.
pub const CONTACT_KINDS: [(&str, &str); 4] = [
    ("responsable_traitement", "Responsable de traitement"),
    (
        "delegue_protection_donnees",
        "Délégué à la protection des données",
    ),
    ("contact_technique", "Contact technique"),
    ("contact_metier", "Contact métier"),
];

pub const DEFAULT_CONTACTS: [&str; 3] = [
    "responsable_traitement",
    "delegue_protection_donnees",
    "contact_technique",
];

fn field(id: &str, kind: FieldKind, label: &str, required: bool, hint: Option<&str>) -> Field {
    let mut f = Field::new(id, kind, label);
    f.required = required;
    f.hint = hint.map(str::to_string);
    f
}

/// The fields of a block, or None for an unknown block.
pub fn fields(block: &str, contacts: &[String]) -> Option<Vec<Field>> {
    use FieldKind::*;
    Some(match block {
        "basic_infos" => {
            let mut intitule = field(
                "intitule",
                Text,
                "Nom du projet",
                true,
                Some("Un nom court, qui dit à quoi servent les données."),
            );
            intitule.max_length = Some(200);
            vec![
                intitule,
                field(
                    "description",
                    Textarea,
                    "Description du projet (à quoi va-t-il servir ? qui l'utilisera ?)",
                    true,
                    None,
                ),
                field(
                    "date_prevue_mise_en_production",
                    Date,
                    "Date de mise en production prévue",
                    false,
                    Some("Format : jj/mm/aaaa"),
                ),
                field(
                    "volumetrie_approximative",
                    Text,
                    "Volumétrie approximative",
                    false,
                    Some("Nombre de démarches ou dossiers traités dans l'année"),
                ),
            ]
        }
        "legal" => {
            // The text that allows the processing: a link to it, or the text itself.
            let mut url = field(
                "cadre_juridique_url",
                Url,
                "URL du texte relatif au traitement",
                false,
                Some(
                    "Par exemple un lien vers Légifrance. Sans lien public, joignez le texte en PDF ci-dessous.",
                ),
            );
            url.required_unless = Some("cadre_juridique_document".to_string());
            let mut document = field(
                "cadre_juridique_document",
                File,
                "Le texte relatif au traitement, en PDF",
                false,
                Some(
                    "Une délibération ou un arrêté qui n'est pas publié en ligne. Inutile si vous avez donné son URL.",
                ),
            );
            document.required_unless = Some("cadre_juridique_url".to_string());
            vec![
                field(
                    "cadre_juridique_nature",
                    Textarea,
                    "Précisez la nature et les références du texte vous autorisant à traiter les données",
                    true,
                    Some("Loi, décret, arrêté, délibération, etc."),
                ),
                url,
                document,
            ]
        }
        "homologation_securite" => {
            let date = field(
                "homologation_date",
                Date,
                "Date de la décision d'homologation",
                true,
                Some("Format : jj/mm/aaaa. L'homologation vaut en général trois ans."),
            );
            vec![
                field(
                    "homologation_autorite",
                    Text,
                    "Nom et fonction de l'autorité d'homologation",
                    true,
                    Some(
                        "La personne qui a signé la décision d'homologation de sécurité (RGS) du téléservice.",
                    ),
                ),
                date,
                field(
                    "homologation_decision",
                    File,
                    "La décision d'homologation, en PDF",
                    true,
                    None,
                ),
            ]
        }
        "maquettes" => {
            let mut mockups = field(
                "maquettes_projet",
                File,
                "Maquettes du projet",
                false,
                Some(
                    "Les écrans où les données apparaîtront, pour que l'instructeur voie ce qui sera affiché.",
                ),
            );
            mockups.file = Some(FileRule {
                accept: vec![FileKind::Pdf, FileKind::Png, FileKind::Jpeg],
                max_bytes: 5 * MB,
                max_files: 5,
            });
            vec![mockups]
        }
        "personal_data" => {
            let mut duree = field(
                "duree_conservation_donnees_caractere_personnel",
                Number,
                "Durée de conservation des données en mois",
                true,
                Some("La durée usuelle est de 36 mois au plus ; au-delà, justifiez-la."),
            );
            duree.min = Some(0.0);
            duree.max = Some(1200.0);
            let mut justification = field(
                "duree_conservation_donnees_caractere_personnel_justification",
                Textarea,
                "Justification de la durée de conservation des données",
                false,
                Some("Obligatoire si la durée dépasse 36 mois."),
            );
            justification.required_if = Some(Condition {
                field: "duree_conservation_donnees_caractere_personnel".to_string(),
                greater_than: 36.0,
            });
            vec![
                field(
                    "destinataire_donnees_caractere_personnel",
                    Textarea,
                    "Destinataires des données",
                    true,
                    Some("Par exemple : agents instructeurs du service enfance."),
                ),
                duree,
                justification,
            ]
        }
        "contacts" => contacts
            .iter()
            .filter_map(|kind| CONTACT_KINDS.iter().find(|(k, _)| k == kind))
            .map(|(id, title)| field(id, Contact, title, true, None))
            .collect(),
        "volumetry" => {
            let mut calls = field(
                "volumetrie_appels_par_minute",
                Select,
                "Quelle limitation de débit souhaitez-vous pour votre téléservice ?",
                true,
                None,
            );
            calls.options = ["50", "100", "200", "500", "750", "1000"]
                .iter()
                .map(|v| Choice {
                    value: v.to_string(),
                    label: format!("{v} appels / minute"),
                })
                .collect();
            let mut justification = field(
                "volumetrie_justification",
                Textarea,
                "Justifiez la volumétrie demandée",
                false,
                Some("Obligatoire au-delà de 50 appels par minute."),
            );
            justification.required_if = Some(Condition {
                field: "volumetrie_appels_par_minute".to_string(),
                greater_than: 50.0,
            });
            vec![calls, justification]
        }
        "scopes" => vec![field(
            SCOPES_KEY,
            Scopes,
            "Les données demandées",
            true,
            Some("Ne demandez que les données nécessaires à votre projet."),
        )],
        _ => return None,
    })
}
