//! The pure transition function: from a state, an event and its context, the next state and
//! every effect to carry out (habilitations, emails, webhook), as data.

use super::{ActorKind, Event, State};

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
    /// The provider has a stage after this demande's, not started yet.
    pub next_stage: bool,
    /// For an archived demande, the state it was archived from (its last archive event says).
    pub archived_from: Option<State>,
}

impl<'a> Ctx<'a> {
    pub fn new(actor: ActorKind) -> Self {
        Ctx {
            actor,
            form_complete: false,
            cgu_accepted: false,
            reason: None,
            reopening: false,
            next_stage: false,
            archived_from: None,
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
    /// Write the decision to the audit log, with its actor.
    Audit,
    /// Tell the provider's system, when it listens to this event (its TOML decides).
    Webhook,
}

/// What an email tells. Recipients, per notice: the provider's subscribers and instructors for
/// a submission; the applicant for a decision; the GDPR contacts too for an approval or a
/// revocation. Nobody is told of their own action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    Submitted {
        resubmission: bool,
    },
    ChangesRequested,
    Refused,
    Approved,
    Revoked,
    /// An instructor or an admin handed the demande to another agent of its organisation.
    Transferred,
    /// The portal archived a demande left untouched too long (the applicant may restore it).
    IdleArchived,
    /// An instructor extended the demande's active habilitation.
    Renewed,
    /// A reminder to the applicant.
    Reminder(Reminder),
}

/// What the applicant is reminded of. Each is recorded as an event of its own name, which is
/// how a reminder already sent is not sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// A draft untouched for a while.
    IdleDraft,
    /// Changes asked for a while ago, not made.
    IdleChanges,
    /// A habilitation ending in 60 days.
    Expiry60,
    /// A habilitation ending in 15 days.
    Expiry15,
}

impl Reminder {
    /// Days of idleness before an idle reminder; days before the end for an expiry one.
    pub fn days(self) -> i64 {
        match self {
            Reminder::IdleDraft => 15,
            Reminder::IdleChanges => 30,
            Reminder::Expiry60 => 60,
            Reminder::Expiry15 => 15,
        }
    }

    /// The name of its event row.
    pub fn event_name(self) -> &'static str {
        match self {
            Reminder::IdleDraft => "reminder_draft",
            Reminder::IdleChanges => "reminder_changes",
            Reminder::Expiry60 => "reminder_expiry_60",
            Reminder::Expiry15 => "reminder_expiry_15",
        }
    }
}

/// When the portal archives demandes left untouched (0: never), in days since their last change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Archiving {
    pub drafts_after_days: i64,
    pub changes_after_days: i64,
}

impl Archiving {
    /// Each delay, unless switched off, comes after its reminder (plus a week to answer it).
    pub fn new(drafts_after_days: i64, changes_after_days: i64) -> Archiving {
        let after = |days: i64, reminder: Reminder| match days {
            d if d <= 0 => 0,
            d => d.max(reminder.days() + 7),
        };
        Archiving {
            drafts_after_days: after(drafts_after_days, Reminder::IdleDraft),
            changes_after_days: after(changes_after_days, Reminder::IdleChanges),
        }
    }
}

/// The portal archives a draft, or a demande waiting for changes, left untouched too long (after
/// its reminder): the applicant is told and may restore it. An update of a validated demande is
/// never archived this way (archiving is not offered while updating).
pub fn archive_idle(state: State, reopening: bool) -> Result<Outcome, TransitionError> {
    match state {
        State::Draft | State::ChangesRequested if !reopening => Ok(Outcome {
            to: State::Archived,
            effects: vec![Effect::Notify(Notice::IdleArchived), Effect::Webhook],
            reopening: false,
        }),
        other => Err(TransitionError::WrongState(other)),
    }
}

/// A reminder changes nothing of the demande: it is recorded and the applicant is told.
pub fn remind(state: State, reopening: bool, reminder: Reminder) -> Outcome {
    Outcome {
        to: state,
        effects: vec![Effect::Notify(Notice::Reminder(reminder))],
        reopening,
    }
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
    #[error("Cette demande n'a pas d'étape suivante, ou elle est déjà commencée.")]
    NoNextStage,
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
        Event::Reopen | Event::AdvanceStage | Event::Restore => actor == Applicant,
        Event::Revoke | Event::Renew => actor == Instructor,
        Event::MoveOrganisation => actor == Admin,
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
                effects: vec![Effect::Webhook],
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
        (Validated, Event::AdvanceStage) if ctx.next_stage => Validated,
        (Validated, Event::AdvanceStage) => return Err(TransitionError::NoNextStage),
        (Draft | ChangesRequested, Event::CancelReopening) if ctx.reopening => Validated,
        (Validated, Event::Revoke) => Revoked,
        (Validated, Event::Renew) => Validated,
        // An update in progress keeps the habilitation it would replace: it may be extended.
        (Draft | Submitted | ChangesRequested, Event::Renew) if ctx.reopening => from,
        // An update in progress does not shield the habilitation from revocation.
        (Draft | Submitted | ChangesRequested, Event::Revoke) if ctx.reopening => Revoked,
        (Archived, Event::Restore) => match ctx.archived_from {
            Some(before @ (Draft | ChangesRequested | Refused)) => before,
            _ => return Err(TransitionError::WrongState(from)),
        },
        (Archived, Event::Transfer) => return Err(TransitionError::WrongState(from)),
        (_, Event::Transfer) => from,
        // A merger moves everything of the organisation, archived demandes included.
        (_, Event::MoveOrganisation) => from,
        _ => return Err(TransitionError::WrongState(from)),
    };
    // The instruction side moves a demande to another agent only with a reason.
    let instruction_transfer = event == Event::Transfer && ctx.actor == ActorKind::Instructor;
    if (event.needs_reason() || instruction_transfer)
        && ctx.reason.is_none_or(|r| r.trim().is_empty())
    {
        return Err(TransitionError::ReasonRequired);
    }
    let mut effects = match event {
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
        // Its applicant handing it over tells nobody; the instruction side tells the new one.
        Event::Transfer if instruction_transfer => vec![Effect::Notify(Notice::Transferred)],
        Event::MoveOrganisation => vec![Effect::Notify(Notice::Transferred)],
        Event::Renew => vec![Effect::Notify(Notice::Renewed)],
        _ => vec![],
    };
    // An instructor's decision is audited.
    if matches!(
        event,
        Event::Approve | Event::Refuse | Event::RequestChanges | Event::Revoke | Event::Renew
    ) || instruction_transfer
        || event == Event::MoveOrganisation
    {
        effects.push(Effect::Audit);
    }
    // Every event may interest the provider's system: the last effect, once the rest is done.
    effects.push(Effect::Webhook);
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
        next_stage: true,
        // Every archived demande was archived from a state it may return to.
        archived_from: Some(State::Draft),
    };
    transition(Some(from), event, &ctx).is_ok()
}
