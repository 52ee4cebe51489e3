//! The life of a demande: states, events and the pure transition function.

use std::fmt;

/// Where a demande stands. Stored as its `as_str` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    Draft,
    Submitted,
    ChangesRequested,
    Validated,
    Refused,
    Archived,
    Revoked,
}

impl State {
    pub const ALL: [State; 7] = [
        State::Draft,
        State::Submitted,
        State::ChangesRequested,
        State::Validated,
        State::Refused,
        State::Archived,
        State::Revoked,
    ];

    /// The stable name stored in the database and used in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::ChangesRequested => "changes_requested",
            State::Validated => "validated",
            State::Refused => "refused",
            State::Archived => "archived",
            State::Revoked => "revoked",
        }
    }

    pub fn parse(name: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The French label people see.
    pub fn label(self) -> &'static str {
        match self {
            State::Draft => "Brouillon",
            State::Submitted => "En cours d'instruction",
            State::ChangesRequested => "Modifications demandées",
            State::Validated => "Validée",
            State::Refused => "Refusée",
            State::Archived => "Archivée",
            State::Revoked => "Révoquée",
        }
    }

    /// Whether the applicant may still change the answers.
    pub fn is_editable(self) -> bool {
        matches!(self, State::Draft | State::ChangesRequested)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something that happens to a demande. Verbs; their names are stored on event rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    Create,
    Update,
    Submit,
    RequestChanges,
    Approve,
    Refuse,
    Archive,
    Revoke,
    Transfer,
    /// The applicant asks to update a validated demande: back to draft, habilitation kept.
    Reopen,
    CancelReopening,
}

impl Event {
    pub const ALL: [Event; 11] = [
        Event::Create,
        Event::Update,
        Event::Submit,
        Event::RequestChanges,
        Event::Approve,
        Event::Refuse,
        Event::Archive,
        Event::Revoke,
        Event::Transfer,
        Event::Reopen,
        Event::CancelReopening,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Event::Create => "create",
            Event::Update => "update",
            Event::Submit => "submit",
            Event::RequestChanges => "request_changes",
            Event::Approve => "approve",
            Event::Refuse => "refuse",
            Event::Archive => "archive",
            Event::Revoke => "revoke",
            Event::Transfer => "transfer",
            Event::Reopen => "reopen",
            Event::CancelReopening => "cancel_reopening",
        }
    }

    pub fn parse(name: &str) -> Option<Event> {
        Event::ALL.into_iter().find(|e| e.as_str() == name)
    }

    /// How the timeline describes the event.
    pub fn label(self) -> &'static str {
        match self {
            Event::Create => "Demande créée",
            Event::Update => "Demande modifiée",
            Event::Submit => "Demande soumise",
            Event::RequestChanges => "Modifications demandées",
            Event::Approve => "Demande validée",
            Event::Refuse => "Demande refusée",
            Event::Archive => "Demande archivée",
            Event::Revoke => "Habilitation révoquée",
            Event::Transfer => "Demande transférée",
            Event::Reopen => "Mise à jour de la demande commencée",
            Event::CancelReopening => "Mise à jour de la demande annulée",
        }
    }

    /// Events that cannot happen without a written reason.
    pub fn needs_reason(self) -> bool {
        matches!(self, Event::RequestChanges | Event::Refuse | Event::Revoke)
    }
}

/// In which capacity someone acts on a demande (decided by the policy, per provider).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActorKind {
    Applicant,
    Instructor,
    Reporter,
    Subscriber,
    Admin,
}

impl ActorKind {
    pub const ALL: [ActorKind; 5] = [
        ActorKind::Applicant,
        ActorKind::Instructor,
        ActorKind::Reporter,
        ActorKind::Subscriber,
        ActorKind::Admin,
    ];
}

/// What the transition needs to know beyond the state: who acts, and the facts the service checked.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub actor: ActorKind,
    /// The answers pass every rule of the provider's form.
    pub form_complete: bool,
    /// The applicant ticked the terms of use.
    pub cgu_accepted: bool,
    pub reason: Option<&'a str>,
    /// The demande is a validated one being updated (its habilitation stays active meanwhile).
    pub reopening: bool,
}

impl<'a> Ctx<'a> {
    pub fn new(actor: ActorKind) -> Self {
        Ctx {
            actor,
            form_complete: false,
            cgu_accepted: false,
            reason: None,
            reopening: false,
        }
    }
}

/// Side effects a transition asks for, carried out by the service in the same transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Create the habilitation that an approval grants.
    GrantHabilitation,
    /// End the demande's active habilitations.
    RevokeHabilitations,
    /// Tell the people concerned (who exactly is the service's business).
    Notify(Notice),
    /// Mark the habilitations an approval replaces as obsolete.
    ObsoleteHabilitations,
    /// Put back the answers of the active habilitation (an update abandoned or refused).
    RestoreValidatedAnswers,
}

/// What an email tells. Recipients, per notice: the provider's subscribers and instructors for
/// a submission; the applicant for a decision; the GDPR contacts too for an approval or a
/// revocation. Nobody is told of their own action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    Submitted { resubmission: bool },
    ChangesRequested,
    Refused,
    Approved,
    Revoked,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub to: State,
    pub effects: Vec<Effect>,
    /// Whether the demande is being updated after the transition.
    pub reopening: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// This kind of actor never does this event.
    #[error("Vous n'avez pas le droit d'effectuer cette action.")]
    Forbidden,
    /// The event does not apply to the current state (often: someone acted first).
    #[error("Cette action n'est plus possible : la demande est « {} ».", .0.label())]
    WrongState(State),
    #[error("Un motif est obligatoire.")]
    ReasonRequired,
    #[error("Le formulaire est incomplet ou contient des erreurs.")]
    FormIncomplete,
    #[error("Vous devez accepter les conditions générales d'utilisation.")]
    CguNotAccepted,
}

/// Who may trigger an event at all, whatever the state.
fn allowed_actor(event: Event, actor: ActorKind) -> bool {
    use ActorKind::*;
    match event {
        Event::Create | Event::Update | Event::Submit => actor == Applicant,
        Event::RequestChanges | Event::Approve | Event::Refuse => actor == Instructor,
        Event::Archive | Event::Transfer | Event::CancelReopening => {
            matches!(actor, Applicant | Instructor)
        }
        Event::Reopen => actor == Applicant,
        Event::Revoke => actor == Instructor,
    }
}

/// The heart of habilis: from a state (none before creation), an event and its context, the
/// next state and the effects to carry out. Pure; the service persists what it returns.
pub fn transition(
    from: Option<State>,
    event: Event,
    ctx: &Ctx,
) -> Result<Outcome, TransitionError> {
    use State::*;
    if !allowed_actor(event, ctx.actor) {
        return Err(TransitionError::Forbidden);
    }
    let from = match (from, event) {
        (None, Event::Create) => {
            return Ok(Outcome {
                to: Draft,
                effects: vec![],
                reopening: false,
            });
        }
        (Some(state), Event::Create) => return Err(TransitionError::WrongState(state)),
        // Only creation can start from nothing: anything else needs an existing demande.
        (None, _) => return Err(TransitionError::WrongState(Draft)),
        (Some(state), _) => state,
    };
    let to = match (from, event) {
        (Draft | ChangesRequested, Event::Update) => from,
        (Draft | ChangesRequested, Event::Submit) => {
            if !ctx.form_complete {
                return Err(TransitionError::FormIncomplete);
            }
            if !ctx.cgu_accepted {
                return Err(TransitionError::CguNotAccepted);
            }
            Submitted
        }
        (Submitted, Event::RequestChanges) => ChangesRequested,
        (Submitted, Event::Approve) => Validated,
        // Refusing an update keeps the validated demande and its habilitation.
        (Submitted, Event::Refuse) if ctx.reopening => Validated,
        (Submitted, Event::Refuse) => Refused,
        (Draft | ChangesRequested | Refused, Event::Archive) if !ctx.reopening => Archived,
        (Validated, Event::Reopen) => Draft,
        (Draft | ChangesRequested, Event::CancelReopening) if ctx.reopening => Validated,
        (Validated, Event::Revoke) => Revoked,
        // An update in progress does not shield the habilitation from revocation.
        (Draft | Submitted | ChangesRequested, Event::Revoke) if ctx.reopening => Revoked,
        (Archived, Event::Transfer) => return Err(TransitionError::WrongState(from)),
        (_, Event::Transfer) => from,
        _ => return Err(TransitionError::WrongState(from)),
    };
    if event.needs_reason() && ctx.reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(TransitionError::ReasonRequired);
    }
    let effects = match event {
        Event::Submit => vec![Effect::Notify(Notice::Submitted {
            resubmission: from == ChangesRequested,
        })],
        Event::RequestChanges => vec![Effect::Notify(Notice::ChangesRequested)],
        Event::Refuse if ctx.reopening => vec![
            Effect::RestoreValidatedAnswers,
            Effect::Notify(Notice::Refused),
        ],
        Event::Refuse => vec![Effect::Notify(Notice::Refused)],
        Event::Approve if ctx.reopening => {
            vec![
                Effect::ObsoleteHabilitations,
                Effect::GrantHabilitation,
                Effect::Notify(Notice::Approved),
            ]
        }
        Event::Approve => vec![Effect::GrantHabilitation, Effect::Notify(Notice::Approved)],
        Event::Revoke => vec![Effect::RevokeHabilitations, Effect::Notify(Notice::Revoked)],
        Event::CancelReopening => vec![Effect::RestoreValidatedAnswers],
        _ => vec![],
    };
    let reopening = match event {
        Event::Reopen => true,
        Event::CancelReopening | Event::Approve | Event::Refuse | Event::Revoke => false,
        _ => ctx.reopening,
    };
    Ok(Outcome {
        to,
        effects,
        reopening,
    })
}

/// Whether the event can happen from this state for this actor kind, given what it needs
/// (a reason, a complete form): what pages use to show or hide an action.
pub fn is_offered(from: State, event: Event, actor: ActorKind, reopening: bool) -> bool {
    let ctx = Ctx {
        actor,
        form_complete: true,
        cgu_accepted: true,
        reason: Some("motif"),
        reopening,
    };
    transition(Some(from), event, &ctx).is_ok()
}

/// Public identifier shown to people: D123.
pub fn public_id(id: i64) -> String {
    super::public_id::PublicId::demande(id).to_string()
}

/// Reads `D123`, `d123` or `123`.
pub fn parse_public_id(raw: &str) -> Option<i64> {
    use super::public_id::{Kind, PublicId};
    PublicId::parse(Kind::Demande, raw).map(PublicId::id)
}

#[cfg(test)]
mod tests {
    use super::ActorKind::*;
    use super::State::*;
    use super::*;

    /// The whole table, written out by hand so that the test does not restate the code:
    /// (from, event, actor) -> expected state for every allowed triple; everything else fails.
    fn expected(from: Option<State>, event: Event, actor: ActorKind) -> Option<State> {
        let by_hand: &[(Option<State>, Event, ActorKind, State)] = &[
            (None, Event::Create, Applicant, Draft),
            (Some(Draft), Event::Update, Applicant, Draft),
            (
                Some(ChangesRequested),
                Event::Update,
                Applicant,
                ChangesRequested,
            ),
            (Some(Draft), Event::Submit, Applicant, Submitted),
            (Some(ChangesRequested), Event::Submit, Applicant, Submitted),
            (
                Some(Submitted),
                Event::RequestChanges,
                Instructor,
                ChangesRequested,
            ),
            (Some(Submitted), Event::Approve, Instructor, Validated),
            (Some(Submitted), Event::Refuse, Instructor, Refused),
            (Some(Draft), Event::Archive, Applicant, Archived),
            (Some(ChangesRequested), Event::Archive, Applicant, Archived),
            (Some(Refused), Event::Archive, Applicant, Archived),
            (Some(Draft), Event::Archive, Instructor, Archived),
            (Some(ChangesRequested), Event::Archive, Instructor, Archived),
            (Some(Refused), Event::Archive, Instructor, Archived),
            (Some(Validated), Event::Revoke, Instructor, Revoked),
            (Some(Validated), Event::Reopen, Applicant, Draft),
        ];
        let transfers = State::ALL
            .into_iter()
            .filter(|s| *s != Archived)
            .flat_map(|s| {
                [
                    (Some(s), Event::Transfer, Applicant, s),
                    (Some(s), Event::Transfer, Instructor, s),
                ]
            });
        let rows: Vec<(Option<State>, Event, ActorKind, State)> =
            by_hand.iter().copied().chain(transfers).collect();
        rows.iter()
            .find(|(f, e, a, _)| *f == from && *e == event && *a == actor)
            .map(|row| row.3)
    }

    fn full_ctx(actor: ActorKind) -> Ctx<'static> {
        Ctx {
            actor,
            form_complete: true,
            cgu_accepted: true,
            reason: Some("Le cadre juridique ne couvre pas cet usage."),
            reopening: false,
        }
    }

    #[test]
    fn every_state_event_and_actor_kind() {
        let mut checked = 0;
        let starts = std::iter::once(None).chain(State::ALL.into_iter().map(Some));
        for from in starts {
            for event in Event::ALL {
                for actor in ActorKind::ALL {
                    let got = transition(from, event, &full_ctx(actor));
                    match expected(from, event, actor) {
                        Some(to) => assert_eq!(
                            got.as_ref().map(|o| o.to),
                            Ok(to),
                            "{from:?} + {event:?} by {actor:?}"
                        ),
                        None => assert!(
                            got.is_err(),
                            "{from:?} + {event:?} by {actor:?} should fail"
                        ),
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 8 * 11 * 5);
    }

    /// While a validated demande is being updated, only these differ from the table above.
    #[test]
    fn every_state_event_and_actor_kind_while_reopening() {
        let ctx = |actor| Ctx {
            reopening: true,
            ..full_ctx(actor)
        };
        let mut checked = 0;
        for from in State::ALL {
            for event in Event::ALL {
                for actor in ActorKind::ALL {
                    let got = transition(Some(from), event, &ctx(actor)).map(|o| o.to);
                    let want = match (from, event, actor) {
                        (
                            Draft | ChangesRequested,
                            Event::CancelReopening,
                            Applicant | Instructor,
                        ) => Some(Validated),
                        (Submitted, Event::Refuse, Instructor) => Some(Validated),
                        (Draft | ChangesRequested | Refused, Event::Archive, _) => None,
                        (Draft | Submitted | ChangesRequested, Event::Revoke, Instructor) => {
                            Some(Revoked)
                        }
                        _ => expected(Some(from), event, actor),
                    };
                    assert_eq!(
                        got.ok(),
                        want,
                        "{from:?} + {event:?} by {actor:?} while reopening"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 7 * 11 * 5);
        let approve = transition(Some(Submitted), Event::Approve, &ctx(Instructor)).unwrap();
        assert_eq!(
            approve.effects,
            vec![
                Effect::ObsoleteHabilitations,
                Effect::GrantHabilitation,
                Effect::Notify(Notice::Approved)
            ]
        );
        assert!(!approve.reopening, "an approved update is over");
        let refuse = transition(Some(Submitted), Event::Refuse, &ctx(Instructor)).unwrap();
        assert_eq!(
            refuse.effects,
            vec![
                Effect::RestoreValidatedAnswers,
                Effect::Notify(Notice::Refused)
            ]
        );
        assert!(
            transition(Some(Validated), Event::Reopen, &full_ctx(Applicant))
                .unwrap()
                .reopening
        );
        assert_eq!(
            transition(Some(Draft), Event::CancelReopening, &full_ctx(Applicant)),
            Err(TransitionError::WrongState(Draft)),
            "nothing to cancel"
        );
    }

    #[test]
    fn a_forbidden_actor_is_told_so_before_the_state() {
        assert_eq!(
            transition(Some(Validated), Event::Approve, &full_ctx(Reporter)),
            Err(TransitionError::Forbidden)
        );
        assert_eq!(
            transition(Some(Validated), Event::Approve, &full_ctx(Instructor)),
            Err(TransitionError::WrongState(Validated))
        );
    }

    #[test]
    fn revoking_needs_a_reason_and_ends_the_habilitations() {
        let ctx = Ctx {
            reason: None,
            ..full_ctx(Instructor)
        };
        assert_eq!(
            transition(Some(Validated), Event::Revoke, &ctx),
            Err(TransitionError::ReasonRequired)
        );
        let outcome = transition(Some(Validated), Event::Revoke, &full_ctx(Instructor)).unwrap();
        assert_eq!(
            outcome.effects,
            vec![Effect::RevokeHabilitations, Effect::Notify(Notice::Revoked)]
        );
    }

    #[test]
    fn each_transition_says_what_to_grant_and_whom_to_tell() {
        let effects = |from, event, actor| {
            transition(Some(from), event, &full_ctx(actor))
                .unwrap()
                .effects
        };
        assert_eq!(
            effects(Submitted, Event::Approve, Instructor),
            vec![Effect::GrantHabilitation, Effect::Notify(Notice::Approved)]
        );
        assert_eq!(
            effects(Submitted, Event::Refuse, Instructor),
            vec![Effect::Notify(Notice::Refused)]
        );
        assert_eq!(
            effects(Submitted, Event::RequestChanges, Instructor),
            vec![Effect::Notify(Notice::ChangesRequested)]
        );
        assert_eq!(
            effects(Draft, Event::Submit, Applicant),
            vec![Effect::Notify(Notice::Submitted {
                resubmission: false
            })]
        );
        assert_eq!(
            effects(ChangesRequested, Event::Submit, Applicant),
            vec![Effect::Notify(Notice::Submitted { resubmission: true })]
        );
        assert!(effects(Draft, Event::Update, Applicant).is_empty());
        assert!(effects(Draft, Event::Archive, Applicant).is_empty());
    }

    #[test]
    fn refusing_and_requesting_changes_need_a_reason() {
        for event in [Event::Refuse, Event::RequestChanges] {
            for reason in [None, Some(""), Some("   ")] {
                let ctx = Ctx {
                    reason,
                    ..full_ctx(Instructor)
                };
                assert_eq!(
                    transition(Some(Submitted), event, &ctx),
                    Err(TransitionError::ReasonRequired)
                );
            }
        }
        let ctx = Ctx {
            reason: None,
            ..full_ctx(Instructor)
        };
        assert!(transition(Some(Submitted), Event::Approve, &ctx).is_ok());
    }

    #[test]
    fn submitting_needs_a_complete_form_and_the_terms_accepted() {
        let ctx = Ctx {
            form_complete: false,
            ..full_ctx(Applicant)
        };
        assert_eq!(
            transition(Some(Draft), Event::Submit, &ctx),
            Err(TransitionError::FormIncomplete)
        );
        let ctx = Ctx {
            cgu_accepted: false,
            ..full_ctx(Applicant)
        };
        assert_eq!(
            transition(Some(Draft), Event::Submit, &ctx),
            Err(TransitionError::CguNotAccepted)
        );
    }

    #[test]
    fn names_round_trip() {
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Some(s));
        }
        for e in Event::ALL {
            assert_eq!(Event::parse(e.as_str()), Some(e));
        }
        assert_eq!(State::parse("approved"), None);
    }

    #[test]
    fn public_ids_read_with_or_without_prefix() {
        assert_eq!(public_id(123), "D123");
        assert_eq!(parse_public_id("D123"), Some(123));
        assert_eq!(parse_public_id(" d7 "), Some(7));
        assert_eq!(parse_public_id("123"), Some(123));
        assert_eq!(parse_public_id("D-1"), None);
        assert_eq!(parse_public_id("abc"), None);
        assert_eq!(parse_public_id("0"), None);
    }
}
