//! Assignments: which instructor handles a demande. An instructor of its provider (or an
//! admin) assigns demandes under instruction, one or several at once from the dashboard, to an
//! instructor of that provider, or takes the assignment off. What may be done, and what each
//! refusal says.

use super::demande::State;

/// At most this many demandes in one action of the dashboard (two pages of it).
pub const MAX_AT_ONCE: usize = 100;

/// The states in which a demande is under instruction, and so may be assigned.
pub const ASSIGNABLE: [State; 2] = [State::Submitted, State::ChangesRequested];

/// One demande, as the service read it for the person acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assigning {
    /// The person acting may instruct this demande (an instructor of its provider, not of
    /// its organisation) or is an admin.
    pub assigner_instructs: bool,
    pub state: State,
    /// Who it is assigned to now.
    pub current: Option<i64>,
}

/// The person it is to be assigned to: none to take the assignment off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignee {
    pub id: i64,
    /// They instruct the demande's provider, and are not of its organisation.
    pub instructs: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignError {
    #[error("Seuls les instructeurs de ce fournisseur peuvent assigner cette demande.")]
    NotInstructor,
    #[error(
        "Une demande « {} » n'est plus en instruction : elle ne s'assigne pas.",
        .0.label()
    )]
    WrongState(State),
    #[error("Cette personne n'instruit pas les demandes de ce fournisseur.")]
    NotOfTheProvider,
    #[error("Elle est déjà assignée à cette personne.")]
    Unchanged,
}

/// What changes: `Ok(true)` when the demande gets a new assignee (to be told), `Ok(false)`
/// when its assignment is taken off.
pub fn assign(demande: Assigning, to: Option<Assignee>) -> Result<bool, AssignError> {
    if !demande.assigner_instructs {
        return Err(AssignError::NotInstructor);
    }
    if !ASSIGNABLE.contains(&demande.state) {
        return Err(AssignError::WrongState(demande.state));
    }
    match to {
        Some(person) if !person.instructs => Err(AssignError::NotOfTheProvider),
        Some(person) if demande.current == Some(person.id) => Err(AssignError::Unchanged),
        None if demande.current.is_none() => Err(AssignError::Unchanged),
        Some(_) => Ok(true),
        None => Ok(false),
    }
}

/// Whether the person assigning is told by email: never of what they assigned to themselves.
pub fn tell(assigner: i64, assignee: i64) -> bool {
    assigner != assignee
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    const ANNE: Assignee = Assignee {
        id: 7,
        instructs: true,
    };

    fn demande(state: State, current: Option<i64>) -> Assigning {
        Assigning {
            assigner_instructs: true,
            state,
            current,
        }
    }

    #[test]
    fn only_demandes_under_instruction_are_assigned() {
        for state in State::VARIANTS {
            let outcome = assign(demande(*state, None), Some(ANNE));
            if ASSIGNABLE.contains(state) {
                assert_eq!(outcome, Ok(true), "{state:?}");
            } else {
                assert_eq!(outcome, Err(AssignError::WrongState(*state)), "{state:?}");
            }
        }
    }

    #[test]
    fn only_an_instructor_of_the_provider_assigns() {
        let reporter = Assigning {
            assigner_instructs: false,
            ..demande(State::Submitted, None)
        };
        assert_eq!(
            assign(reporter, Some(ANNE)),
            Err(AssignError::NotInstructor)
        );
    }

    #[test]
    fn only_to_an_instructor_of_the_provider() {
        let stranger = Assignee {
            id: 9,
            instructs: false,
        };
        assert_eq!(
            assign(demande(State::Submitted, None), Some(stranger)),
            Err(AssignError::NotOfTheProvider)
        );
    }

    #[test]
    fn reassigning_and_taking_off() {
        let mine = demande(State::ChangesRequested, Some(7));
        assert_eq!(assign(mine, Some(ANNE)), Err(AssignError::Unchanged));
        assert_eq!(assign(mine, Some(Assignee { id: 8, ..ANNE })), Ok(true));
        assert_eq!(assign(mine, None), Ok(false));
        assert_eq!(
            assign(demande(State::Submitted, None), None),
            Err(AssignError::Unchanged)
        );
    }

    #[test]
    fn nobody_is_emailed_of_what_they_took_themselves() {
        assert!(!tell(7, 7));
        assert!(tell(7, 8));
    }

    #[test]
    fn refusals_are_said_in_french() {
        assert_eq!(
            AssignError::WrongState(State::Validated).to_string(),
            "Une demande « Validée » n'est plus en instruction : elle ne s'assigne pas."
        );
    }
}
