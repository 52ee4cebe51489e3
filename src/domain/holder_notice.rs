//! Notices to holders: what a provider's managers may send to every organisation holding one
//! of its active habilitations.

pub const SUBJECT_MAX: usize = 150;
pub const BODY_MAX: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoticeError {
    #[error("Donnez un objet au courriel.")]
    NoSubject,
    #[error("L'objet ne doit pas dépasser {SUBJECT_MAX} caractères.")]
    SubjectTooLong,
    #[error("L'objet tient sur une ligne.")]
    SubjectOnTwoLines,
    #[error("Écrivez le texte du courriel.")]
    NoBody,
    #[error("Le texte ne doit pas dépasser {BODY_MAX} caractères.")]
    BodyTooLong,
    #[error(
        "Aucune organisation ne détient d'habilitation active de ce fournisseur : il n'y a personne à prévenir."
    )]
    Nobody,
}

/// The subject and text typed, trimmed and checked.
pub fn check(subject: &str, body: &str) -> Result<(String, String), NoticeError> {
    let (subject, body) = (subject.trim(), body.trim());
    if subject.is_empty() {
        return Err(NoticeError::NoSubject);
    }
    if subject.contains(['\n', '\r']) {
        return Err(NoticeError::SubjectOnTwoLines);
    }
    if subject.chars().count() > SUBJECT_MAX {
        return Err(NoticeError::SubjectTooLong);
    }
    if body.is_empty() {
        return Err(NoticeError::NoBody);
    }
    if body.chars().count() > BODY_MAX {
        return Err(NoticeError::BodyTooLong);
    }
    Ok((subject.to_string(), body.to_string()))
}

/// The subject as it leaves: the provider named, so holders of several know whose it is.
pub fn subject_line(provider_name: &str, subject: &str) -> String {
    format!("[habilis] {provider_name} : {subject}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_and_text_are_required_bounded_and_the_subject_one_line() {
        assert_eq!(
            check(" Nouvelle version de l'API ", " Le 1er mars… "),
            Ok(("Nouvelle version de l'API".into(), "Le 1er mars…".into()))
        );
        assert_eq!(check(" ", "x"), Err(NoticeError::NoSubject));
        assert_eq!(check("a\nb", "x"), Err(NoticeError::SubjectOnTwoLines));
        assert_eq!(
            check(&"a".repeat(SUBJECT_MAX + 1), "x"),
            Err(NoticeError::SubjectTooLong)
        );
        assert_eq!(check("a", ""), Err(NoticeError::NoBody));
        assert_eq!(
            check("a", &"x".repeat(BODY_MAX + 1)),
            Err(NoticeError::BodyTooLong)
        );
    }

    #[test]
    fn the_subject_names_the_provider() {
        assert_eq!(
            subject_line("API Particulier", "Nouvelle version"),
            "[habilis] API Particulier : Nouvelle version"
        );
    }
}
