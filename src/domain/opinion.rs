//! Opinions (avis): an instructor asks a reporter or another instructor of the provider for an
//! opinion on a demande; the person asked answers. Who may ask whom, when, and who answers.
//! Opinions belong to the instruction side: the applicant never sees them.

use super::demande::State;

pub const QUESTION_MAX: usize = 2_000;
pub const ANSWER_MAX: usize = 5_000;

/// The demande and the people, as the service read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asking {
    /// The asker may instruct this demande (an instructor of its provider, not of its
    /// organisation).
    pub asker_instructs: bool,
    pub asker_id: i64,
    pub state: State,
    /// An opinion asked on this demande is still waiting for its answer.
    pub open: bool,
}

/// The person asked, as read: their id and whether they report on or instruct the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asked {
    pub id: i64,
    pub reports_or_instructs: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpinionError {
    #[error("Seuls les instructeurs de ce fournisseur peuvent demander un avis sur cette demande.")]
    NotInstructor,
    #[error(
        "Un avis ne se demande qu'à un rapporteur ou à un autre instructeur de ce fournisseur."
    )]
    NotOfTheProvider,
    #[error("Demandez l'avis d'une autre personne que vous-même.")]
    Oneself,
    #[error(
        "Un avis est déjà demandé sur cette demande : attendez sa réponse avant d'en demander un autre."
    )]
    AlreadyOpen,
    #[error("Un avis ne se demande pas sur une demande « {} ».", .0.label())]
    WrongState(State),
    #[error("Écrivez votre question.")]
    NoQuestion,
    #[error("La question ne doit pas dépasser {QUESTION_MAX} caractères.")]
    QuestionTooLong,
    #[error("Seule la personne à qui l'avis est demandé peut y répondre.")]
    NotAsked,
    #[error("Cet avis a déjà reçu sa réponse.")]
    Answered,
    #[error("Écrivez votre avis.")]
    NoAnswer,
    #[error("L'avis ne doit pas dépasser {ANSWER_MAX} caractères.")]
    AnswerTooLong,
    #[error("Cette demande d'avis a été retirée par un instructeur : il n'y a plus à y répondre.")]
    Withdrawn,
    #[error("Seuls les instructeurs de ce fournisseur retirent une demande d'avis.")]
    NotWithdrawer,
    #[error("Cet avis vous est demandé : répondez-y plutôt que de retirer la demande.")]
    AskedToWithdraw,
}

fn text(
    typed: &str,
    max: usize,
    empty: OpinionError,
    long: OpinionError,
) -> Result<String, OpinionError> {
    let text = typed.trim();
    if text.is_empty() {
        return Err(empty);
    }
    if text.chars().count() > max {
        return Err(long);
    }
    Ok(text.to_string())
}

/// Whether the opinion may be asked; the question, trimmed.
pub fn ask(asking: Asking, asked: Asked, question: &str) -> Result<String, OpinionError> {
    if !asking.asker_instructs {
        return Err(OpinionError::NotInstructor);
    }
    if !matches!(asking.state, State::Submitted) {
        return Err(OpinionError::WrongState(asking.state));
    }
    if asked.id == asking.asker_id {
        return Err(OpinionError::Oneself);
    }
    if !asked.reports_or_instructs {
        return Err(OpinionError::NotOfTheProvider);
    }
    if asking.open {
        return Err(OpinionError::AlreadyOpen);
    }
    text(
        question,
        QUESTION_MAX,
        OpinionError::NoQuestion,
        OpinionError::QuestionTooLong,
    )
}

/// Whether `person` may answer the opinion asked to `asked_to` (answered already or not);
/// the answer, trimmed.
pub fn answer(
    person: i64,
    asked_to: i64,
    answered: bool,
    typed: &str,
) -> Result<String, OpinionError> {
    if person != asked_to {
        return Err(OpinionError::NotAsked);
    }
    if answered {
        return Err(OpinionError::Answered);
    }
    text(
        typed,
        ANSWER_MAX,
        OpinionError::NoAnswer,
        OpinionError::AnswerTooLong,
    )
}

/// Whether the opinion may be withdrawn: by an instructor of the demande, while nobody
/// answered it.
pub fn withdraw(
    instructs: bool,
    asked_is_me: bool,
    (answered, withdrawn): (bool, bool),
) -> Result<(), OpinionError> {
    if !instructs {
        return Err(OpinionError::NotWithdrawer);
    }
    if asked_is_me {
        return Err(OpinionError::AskedToWithdraw);
    }
    if withdrawn {
        return Err(OpinionError::Withdrawn);
    }
    if answered {
        return Err(OpinionError::Answered);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ASKING: Asking = Asking {
        asker_instructs: true,
        asker_id: 1,
        state: State::Submitted,
        open: false,
    };
    const REPORTER: Asked = Asked {
        id: 2,
        reports_or_instructs: true,
    };

    #[test]
    fn an_instructor_asks_a_reporter_or_instructor_of_the_provider_with_a_question() {
        assert_eq!(
            ask(ASKING, REPORTER, "  Le cadre suffit-il ?  "),
            Ok("Le cadre suffit-il ?".into())
        );
        let not_instructor = Asking {
            asker_instructs: false,
            ..ASKING
        };
        assert_eq!(
            ask(not_instructor, REPORTER, "?"),
            Err(OpinionError::NotInstructor)
        );
        let stranger = Asked {
            reports_or_instructs: false,
            ..REPORTER
        };
        assert_eq!(
            ask(ASKING, stranger, "?"),
            Err(OpinionError::NotOfTheProvider)
        );
        let me = Asked { id: 1, ..REPORTER };
        assert_eq!(ask(ASKING, me, "?"), Err(OpinionError::Oneself));
        assert_eq!(ask(ASKING, REPORTER, " "), Err(OpinionError::NoQuestion));
        assert_eq!(
            ask(ASKING, REPORTER, &"a".repeat(QUESTION_MAX + 1)),
            Err(OpinionError::QuestionTooLong)
        );
    }

    #[test]
    fn one_open_request_at_a_time_and_only_while_the_demande_is_instructed() {
        let open = Asking {
            open: true,
            ..ASKING
        };
        assert_eq!(ask(open, REPORTER, "?"), Err(OpinionError::AlreadyOpen));
        for state in [
            State::Draft,
            State::ChangesRequested,
            State::Validated,
            State::Refused,
            State::Archived,
            State::Revoked,
        ] {
            let asking = Asking { state, ..ASKING };
            assert_eq!(
                ask(asking, REPORTER, "?"),
                Err(OpinionError::WrongState(state))
            );
        }
    }

    #[test]
    fn only_the_person_asked_answers_once() {
        assert_eq!(answer(2, 2, false, " Oui. "), Ok("Oui.".into()));
        assert_eq!(answer(3, 2, false, "Oui."), Err(OpinionError::NotAsked));
        assert_eq!(answer(2, 2, true, "Oui."), Err(OpinionError::Answered));
        assert_eq!(answer(2, 2, false, ""), Err(OpinionError::NoAnswer));
        assert_eq!(
            answer(2, 2, false, &"a".repeat(ANSWER_MAX + 1)),
            Err(OpinionError::AnswerTooLong)
        );
    }

    #[test]
    fn an_instructor_withdraws_an_opinion_nobody_answered() {
        assert_eq!(withdraw(true, false, (false, false)), Ok(()));
        assert_eq!(
            withdraw(false, false, (false, false)),
            Err(OpinionError::NotWithdrawer)
        );
        assert_eq!(
            withdraw(true, true, (false, false)),
            Err(OpinionError::AskedToWithdraw)
        );
        assert_eq!(
            withdraw(true, false, (true, false)),
            Err(OpinionError::Answered)
        );
        assert_eq!(
            withdraw(true, false, (false, true)),
            Err(OpinionError::Withdrawn)
        );
    }
}
