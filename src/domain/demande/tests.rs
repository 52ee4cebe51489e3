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

#[test]
fn a_reminder_changes_nothing_and_tells_the_applicant() {
    let outcome = remind(ChangesRequested, true, Reminder::IdleChanges);
    assert_eq!(outcome.to, ChangesRequested);
    assert!(outcome.reopening);
    assert_eq!(
        outcome.effects,
        vec![Effect::Notify(Notice::Reminder(Reminder::IdleChanges))]
    );
    assert_eq!(Reminder::Expiry15.event_name(), "reminder_expiry_15");
}

#[test]
fn a_next_stage_starts_only_from_a_validated_demande_that_has_one() {
    let ctx = |next_stage| Ctx {
        next_stage,
        ..Ctx::new(Applicant)
    };
    let advanced = transition(Some(Validated), Event::AdvanceStage, &ctx(true)).unwrap();
    // The demande and its habilitation stay as they are; only the provider's system is told.
    assert_eq!(advanced.to, Validated);
    assert_eq!(advanced.effects, vec![Effect::Webhook]);
    assert!(!advanced.reopening);
    assert_eq!(
        transition(Some(Validated), Event::AdvanceStage, &ctx(false)),
        Err(TransitionError::NoNextStage)
    );
    assert_eq!(
        transition(Some(Submitted), Event::AdvanceStage, &ctx(true)),
        Err(TransitionError::WrongState(Submitted))
    );
    assert_eq!(
        transition(
            Some(Validated),
            Event::AdvanceStage,
            &Ctx {
                next_stage: true,
                ..Ctx::new(Instructor)
            }
        ),
        Err(TransitionError::Forbidden)
    );
}

#[test]
fn a_restored_demande_returns_to_the_state_it_was_archived_from_and_only_that() {
    for before in [Draft, ChangesRequested, Refused] {
        let ctx = Ctx {
            archived_from: Some(before),
            ..Ctx::new(Applicant)
        };
        let restored = transition(Some(Archived), Event::Restore, &ctx).unwrap();
        assert_eq!(restored.to, before);
        assert_eq!(restored.effects, vec![Effect::Webhook]);
        // Only its applicant restores it.
        let ctx = Ctx {
            actor: Instructor,
            ..ctx
        };
        assert_eq!(
            transition(Some(Archived), Event::Restore, &ctx),
            Err(TransitionError::Forbidden)
        );
    }
    // Never archived from these: nothing to go back to.
    for before in [
        None,
        Some(Submitted),
        Some(Validated),
        Some(Revoked),
        Some(Archived),
    ] {
        let ctx = Ctx {
            archived_from: before,
            ..Ctx::new(Applicant)
        };
        assert_eq!(
            transition(Some(Archived), Event::Restore, &ctx),
            Err(TransitionError::WrongState(Archived)),
            "{before:?}"
        );
    }
}

#[test]
fn the_portal_archives_only_idle_drafts_and_demandes_waiting_for_changes() {
    for state in State::VARIANTS.iter().copied() {
        for reopening in [false, true] {
            let got = archive_idle(state, reopening);
            if matches!(state, Draft | ChangesRequested) && !reopening {
                let outcome = got.unwrap();
                assert_eq!(outcome.to, Archived);
                assert_eq!(
                    outcome.effects,
                    vec![Effect::Notify(Notice::IdleArchived), Effect::Webhook]
                );
            } else {
                assert_eq!(
                    got,
                    Err(TransitionError::WrongState(state)),
                    "{state:?} reopening {reopening}"
                );
            }
        }
    }
}

#[test]
fn archiving_comes_at_least_a_week_after_its_reminder_unless_switched_off() {
    assert_eq!(
        Archiving::new(90, 120),
        Archiving {
            drafts_after_days: 90,
            changes_after_days: 120
        }
    );
    assert_eq!(
        Archiving::new(3, 31),
        Archiving {
            drafts_after_days: 22,
            changes_after_days: 37
        }
    );
    assert_eq!(
        Archiving::new(0, -5),
        Archiving {
            drafts_after_days: 0,
            changes_after_days: 0
        }
    );
}

#[test]
fn the_instruction_side_transfers_only_with_a_reason_telling_the_new_applicant_and_audited() {
    let by = |actor, reason| Ctx {
        reason,
        ..Ctx::new(actor)
    };
    assert_eq!(
        transition(Some(Submitted), Event::Transfer, &by(Instructor, None)),
        Err(TransitionError::ReasonRequired)
    );
    assert_eq!(
        transition(
            Some(Submitted),
            Event::Transfer,
            &by(Instructor, Some("  "))
        ),
        Err(TransitionError::ReasonRequired)
    );
    let moved = transition(
        Some(Submitted),
        Event::Transfer,
        &by(Instructor, Some("L'agent a quitté la mairie.")),
    )
    .unwrap();
    assert_eq!(moved.to, Submitted);
    assert_eq!(
        moved.effects,
        vec![
            Effect::Notify(Notice::Transferred),
            Effect::Audit,
            Effect::Webhook
        ]
    );
    // Its applicant hands it over without a reason, and tells nobody.
    let handed = transition(Some(Draft), Event::Transfer, &by(Applicant, None)).unwrap();
    assert_eq!(handed.effects, vec![Effect::Webhook]);
    // Reporters never transfer.
    assert_eq!(
        transition(
            Some(Submitted),
            Event::Transfer,
            &by(Reporter, Some("motif"))
        ),
        Err(TransitionError::Forbidden)
    );
}
