//! The transition table, exhaustively.

use super::ActorKind::*;
use super::State::*;
use super::*;
use strum::VariantArray;

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
        (Some(Validated), Event::Renew, Instructor, Validated),
        (Some(Validated), Event::Reopen, Applicant, Draft),
        (Some(Validated), Event::AdvanceStage, Applicant, Validated),
        // Back to the state it was archived from (the full context says: changes requested).
        (Some(Archived), Event::Restore, Applicant, ChangesRequested),
    ];
    let transfers = State::VARIANTS
        .iter()
        .copied()
        .filter(|s| *s != Archived)
        .flat_map(|s| {
            [
                (Some(s), Event::Transfer, Applicant, s),
                (Some(s), Event::Transfer, Instructor, s),
            ]
        });
    // An admin moves a demande to another organisation (a merger) in every state.
    let moves = State::VARIANTS
        .iter()
        .copied()
        .map(|s| (Some(s), Event::MoveOrganisation, Admin, s));
    let rows: Vec<(Option<State>, Event, ActorKind, State)> = by_hand
        .iter()
        .copied()
        .chain(transfers)
        .chain(moves)
        .collect();
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
        next_stage: true,
        archived_from: Some(ChangesRequested),
    }
}

#[test]
fn every_state_event_and_actor_kind() {
    let mut checked = 0;
    let starts = std::iter::once(None).chain(State::VARIANTS.iter().copied().map(Some));
    for from in starts {
        for event in Event::VARIANTS.iter().copied() {
            for actor in ActorKind::VARIANTS.iter().copied() {
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
    assert_eq!(checked, 8 * 15 * 5);
}

/// While a validated demande is being updated, only these differ from the table above.
#[test]
fn every_state_event_and_actor_kind_while_reopening() {
    let ctx = |actor| Ctx {
        reopening: true,
        ..full_ctx(actor)
    };
    let mut checked = 0;
    for from in State::VARIANTS.iter().copied() {
        for event in Event::VARIANTS.iter().copied() {
            for actor in ActorKind::VARIANTS.iter().copied() {
                let got = transition(Some(from), event, &ctx(actor)).map(|o| o.to);
                let want = match (from, event, actor) {
                    (Draft | ChangesRequested, Event::CancelReopening, Applicant | Instructor) => {
                        Some(Validated)
                    }
                    (Submitted, Event::Refuse, Instructor) => Some(Validated),
                    (Draft | ChangesRequested | Refused, Event::Archive, _) => None,
                    (Draft | Submitted | ChangesRequested, Event::Revoke, Instructor) => {
                        Some(Revoked)
                    }
                    (Draft | Submitted | ChangesRequested, Event::Renew, Instructor) => Some(from),
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
    assert_eq!(checked, 7 * 15 * 5);
    let approve = transition(Some(Submitted), Event::Approve, &ctx(Instructor)).unwrap();
    assert_eq!(
        approve.effects,
        vec![
            Effect::ObsoleteHabilitations,
            Effect::GrantHabilitation,
            Effect::Notify(Notice::Approved),
            Effect::Audit,
            Effect::Webhook
        ]
    );
    assert!(!approve.reopening, "an approved update is over");
    let refuse = transition(Some(Submitted), Event::Refuse, &ctx(Instructor)).unwrap();
    assert_eq!(
        refuse.effects,
        vec![
            Effect::RestoreValidatedAnswers,
            Effect::Notify(Notice::Refused),
            Effect::Audit,
            Effect::Webhook
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
        vec![
            Effect::RevokeHabilitations,
            Effect::Notify(Notice::Revoked),
            Effect::Audit,
            Effect::Webhook
        ]
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
        vec![
            Effect::GrantHabilitation,
            Effect::Notify(Notice::Approved),
            Effect::Audit,
            Effect::Webhook
        ]
    );
    assert_eq!(
        effects(Submitted, Event::Refuse, Instructor),
        vec![
            Effect::Notify(Notice::Refused),
            Effect::Audit,
            Effect::Webhook
        ]
    );
    assert_eq!(
        effects(Submitted, Event::RequestChanges, Instructor),
        vec![
            Effect::Notify(Notice::ChangesRequested),
            Effect::Audit,
            Effect::Webhook
        ]
    );
    assert_eq!(
        effects(Draft, Event::Submit, Applicant),
        vec![
            Effect::Notify(Notice::Submitted {
                resubmission: false
            }),
            Effect::Webhook
        ]
    );
    assert_eq!(
        effects(ChangesRequested, Event::Submit, Applicant),
        vec![
            Effect::Notify(Notice::Submitted { resubmission: true }),
            Effect::Webhook
        ]
    );
    assert_eq!(
        effects(Draft, Event::Update, Applicant),
        vec![Effect::Webhook]
    );
    assert_eq!(
        effects(Draft, Event::Archive, Applicant),
        vec![Effect::Webhook]
    );
    assert_eq!(
        transition(None, Event::Create, &full_ctx(Applicant))
            .unwrap()
            .effects,
        vec![Effect::Webhook]
    );
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
    for s in State::VARIANTS.iter().copied() {
        assert_eq!(State::parse(s.as_str()), Some(s));
    }
    for e in Event::VARIANTS.iter().copied() {
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
