//! Drafts an instructor prepares for an organisation: who may prepare one, and who may claim
//! it. An instructor of the provider prepares it for an organisation (not their own: nobody
//! instructs their own organisation's demandes) and invites one of its agents; any agent of
//! that organisation claims it on the demande's page, once, and becomes its applicant.

/// The note to the invited agent, at most this long.
pub const NOTE_MAX: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrepareError {
    #[error("Seuls les instructeurs d'un fournisseur préparent une demande pour une organisation.")]
    NotInstructor,
    #[error(
        "Vous êtes membre de cette organisation : préparez la demande depuis « Mes demandes », comme tout agent."
    )]
    OwnOrganisation,
    #[error("La note ne doit pas dépasser {NOTE_MAX} caractères.")]
    NoteTooLong,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimError {
    #[error(
        "Seul un agent de {0} peut reprendre cette demande : connectez-vous avec le compte de cette organisation."
    )]
    NotMember(String),
    #[error("Cette demande a déjà été reprise par un agent de l'organisation.")]
    Claimed,
}

/// May this person prepare a draft of the provider for the organisation? Returns the note,
/// trimmed.
pub fn prepare(
    instructs_provider: bool,
    member_of_organisation: bool,
    note: &str,
) -> Result<String, PrepareError> {
    if !instructs_provider {
        return Err(PrepareError::NotInstructor);
    }
    if member_of_organisation {
        return Err(PrepareError::OwnOrganisation);
    }
    let note = note.trim();
    if note.chars().count() > NOTE_MAX {
        return Err(PrepareError::NoteTooLong);
    }
    Ok(note.to_string())
}

/// May this person claim the prepared draft of `organisation`?
pub fn claim(member: bool, claimed: bool, organisation: &str) -> Result<(), ClaimError> {
    if claimed {
        return Err(ClaimError::Claimed);
    }
    if !member {
        return Err(ClaimError::NotMember(organisation.to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_instructor_prepares_and_never_for_their_own_organisation() {
        assert_eq!(prepare(false, false, ""), Err(PrepareError::NotInstructor));
        assert_eq!(prepare(true, true, ""), Err(PrepareError::OwnOrganisation));
        assert_eq!(
            prepare(true, false, "  À compléter. "),
            Ok("À compléter.".to_string())
        );
        let long = "x".repeat(NOTE_MAX + 1);
        assert_eq!(prepare(true, false, &long), Err(PrepareError::NoteTooLong));
    }

    #[test]
    fn only_an_agent_of_the_organisation_claims_and_only_once() {
        assert_eq!(claim(true, false, "Mairie de Lyon"), Ok(()));
        assert_eq!(
            claim(false, false, "Mairie de Lyon"),
            Err(ClaimError::NotMember("Mairie de Lyon".to_string()))
        );
        assert_eq!(
            claim(true, true, "Mairie de Lyon"),
            Err(ClaimError::Claimed)
        );
        assert_eq!(
            ClaimError::NotMember("Mairie de Lyon".to_string()).to_string(),
            "Seul un agent de Mairie de Lyon peut reprendre cette demande : connectez-vous avec le compte de cette organisation."
        );
    }
}
