//! The lifecycle around the transition table: reminders, stages, restoring, automatic
//! archiving and the instruction side's transfers.

use super::ActorKind::*;
use super::State::*;
use super::*;
use strum::VariantArray;

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
