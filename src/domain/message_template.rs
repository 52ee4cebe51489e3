//! Message templates a provider's managers write for its instructors: per kind (request for
//! changes, refusal, approval note, message), with variables checked when saved and filled in
//! when an instructor picks one.

use strum::{EnumString, IntoStaticStr, VariantArray};

/// What a template is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Kind {
    RequestChanges,
    Refuse,
    Approve,
    Message,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(name: &str) -> Option<Kind> {
        name.parse().ok()
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::RequestChanges => "Demande de modifications",
            Kind::Refuse => "Refus",
            Kind::Approve => "Note de validation",
            Kind::Message => "Message",
        }
    }
}

/// The variables a template may use, `{{name}}`, with what each becomes.
pub const VARIABLES: [(&str, &str); 4] = [
    ("demandeur", "le nom du demandeur"),
    ("numero", "le numéro de la demande (D123)"),
    ("fournisseur", "le nom du fournisseur de données"),
    ("intitule", "l'intitulé de la demande"),
];

/// Templates a provider keeps per kind.
pub const PER_KIND_MAX: usize = 5;
pub const TITLE_MAX: usize = 100;
pub const BODY_MAX: usize = 5_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("Donnez un titre au modèle.")]
    NoTitle,
    #[error("Le titre ne doit pas dépasser {TITLE_MAX} caractères.")]
    TitleTooLong,
    #[error("Écrivez le texte du modèle.")]
    NoBody,
    #[error("Le texte ne doit pas dépasser {BODY_MAX} caractères.")]
    BodyTooLong,
    #[error(
        "La variable « {{{{{0}}}}} » n'existe pas : utilisez {{{{demandeur}}}}, {{{{numero}}}}, {{{{fournisseur}}}} ou {{{{intitule}}}}."
    )]
    UnknownVariable(String),
    #[error(
        "Une variable n'est pas refermée : écrivez-la {{{{nom}}}}, avec deux accolades de chaque côté."
    )]
    Unclosed,
    #[error("Ce fournisseur a déjà {PER_KIND_MAX} modèles de ce type : supprimez-en un d'abord.")]
    TooMany,
}

/// The pieces of a template body: text, and the variables between `{{` and `}}`.
fn pieces(body: &str) -> Result<Vec<(bool, &str)>, TemplateError> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        out.push((false, &rest[..start]));
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or(TemplateError::Unclosed)?;
        let name = after[..end].trim();
        if !VARIABLES.iter().any(|(known, _)| *known == name) {
            return Err(TemplateError::UnknownVariable(
                name.chars().take(40).collect(),
            ));
        }
        out.push((true, name));
        rest = &after[end + 2..];
    }
    out.push((false, rest));
    Ok(out)
}

/// The title and body typed, trimmed and checked (every variable known); `count` is how many
/// templates of that kind the provider has already.
pub fn check(title: &str, body: &str, count: usize) -> Result<(String, String), TemplateError> {
    let (title, body) = (title.trim(), body.trim());
    if title.is_empty() {
        return Err(TemplateError::NoTitle);
    }
    if title.chars().count() > TITLE_MAX {
        return Err(TemplateError::TitleTooLong);
    }
    if body.is_empty() {
        return Err(TemplateError::NoBody);
    }
    if body.chars().count() > BODY_MAX {
        return Err(TemplateError::BodyTooLong);
    }
    pieces(body)?;
    if count >= PER_KIND_MAX {
        return Err(TemplateError::TooMany);
    }
    Ok((title.to_string(), body.to_string()))
}

/// What the variables become for one demande.
pub struct Values<'a> {
    pub demandeur: &'a str,
    pub numero: &'a str,
    pub fournisseur: &'a str,
    pub intitule: &'a str,
}

/// The body with its variables filled in (a body that no longer checks is given as written).
pub fn render(body: &str, values: &Values) -> String {
    let Ok(pieces) = pieces(body) else {
        return body.to_string();
    };
    pieces
        .into_iter()
        .map(|(variable, text)| match (variable, text) {
            (false, text) => text,
            (true, "demandeur") => values.demandeur,
            (true, "numero") => values.numero,
            (true, "fournisseur") => values.fournisseur,
            (true, _) => values.intitule,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALUES: Values = Values {
        demandeur: "Marie Dupont",
        numero: "D12",
        fournisseur: "API Particulier",
        intitule: "Cantine",
    };

    #[test]
    fn variables_are_checked_when_saved() {
        assert_eq!(
            check(
                " Pièce manquante ",
                "Bonjour {{demandeur}}, joignez la délibération.",
                0
            ),
            Ok((
                "Pièce manquante".to_string(),
                "Bonjour {{demandeur}}, joignez la délibération.".to_string()
            ))
        );
        assert_eq!(
            check("T", "Bonjour {{ nom }}", 0),
            Err(TemplateError::UnknownVariable("nom".to_string()))
        );
        assert_eq!(
            check("T", "Bonjour {{demandeur", 0),
            Err(TemplateError::Unclosed)
        );
        assert_eq!(check("", "x", 0), Err(TemplateError::NoTitle));
        assert_eq!(check("T", " ", 0), Err(TemplateError::NoBody));
        assert_eq!(
            check(&"t".repeat(TITLE_MAX + 1), "x", 0),
            Err(TemplateError::TitleTooLong)
        );
        assert_eq!(
            check("T", &"x".repeat(BODY_MAX + 1), 0),
            Err(TemplateError::BodyTooLong)
        );
        assert_eq!(check("T", "x", PER_KIND_MAX), Err(TemplateError::TooMany));
        assert!(check("T", "x", PER_KIND_MAX - 1).is_ok());
    }

    #[test]
    fn the_message_names_the_unknown_variable() {
        let told = TemplateError::UnknownVariable("nom".to_string()).to_string();
        assert!(
            told.starts_with("La variable « {{nom}} » n'existe pas"),
            "{told}"
        );
        assert!(told.contains("{{demandeur}}"), "{told}");
    }

    #[test]
    fn every_variable_is_filled_in() {
        assert_eq!(
            render(
                "{{demandeur}} : {{ numero }} ({{fournisseur}}, {{intitule}}) {{numero}}",
                &VALUES
            ),
            "Marie Dupont : D12 (API Particulier, Cantine) D12"
        );
        assert_eq!(render("Sans variable.", &VALUES), "Sans variable.");
    }

    #[test]
    fn kinds_have_stable_names() {
        for kind in Kind::VARIANTS {
            assert_eq!(Kind::parse(kind.as_str()), Some(*kind));
        }
        assert_eq!(Kind::parse("autre"), None);
    }
}
