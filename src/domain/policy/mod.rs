//! Who may do what. Pure functions over an [`Actor`] and the facts of a demande.

use super::demande::{ActorKind, Event, State, is_offered};
use strum::{EnumString, IntoStaticStr, VariantArray};

/// A role held for one provider. Manager implies instructor, which implies reporter.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    IntoStaticStr,
    EnumString,
    VariantArray,
)]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    Subscriber,
    Reporter,
    Instructor,
    Manager,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(name: &str) -> Option<Role> {
        name.parse().ok()
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Subscriber => "Abonné",
            Role::Reporter => "Rapporteur",
            Role::Instructor => "Instructeur",
            Role::Manager => "Gestionnaire",
        }
    }

    /// Whether holding `self` gives the powers of `other` (the implication chain).
    pub fn includes(self, other: Role) -> bool {
        match other {
            Role::Subscriber => self == Role::Subscriber,
            _ => self >= other,
        }
    }
}

/// The signed-in person, as the policy sees them.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: i64,
    pub is_admin: bool,
    /// Organisations the person belongs to.
    pub organisations: Vec<i64>,
    /// (provider slug, role).
    pub roles: Vec<(String, Role)>,
}

impl Actor {
    /// Holds `role` (or a role that implies it) for `provider`.
    pub fn has_role(&self, provider: &str, role: Role) -> bool {
        self.roles
            .iter()
            .any(|(p, r)| p == provider && r.includes(role))
    }

    /// Providers for which the person sees the instruction workspace.
    pub fn reported_providers(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .roles
            .iter()
            .filter(|(_, r)| r.includes(Role::Reporter))
            .map(|(p, _)| p.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    pub fn sees_instruction(&self) -> bool {
        self.is_admin || !self.reported_providers().is_empty()
    }

    pub fn belongs_to(&self, organisation_id: i64) -> bool {
        self.organisations.contains(&organisation_id)
    }
}

/// The facts of a demande that decide access.
#[derive(Debug, Clone, Copy)]
pub struct DemandeFacts<'a> {
    pub provider: &'a str,
    pub organisation_id: i64,
    pub applicant_id: i64,
    /// Submitted at least once: a draft that never was is the applicant's business only.
    pub ever_submitted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read the demande from the applicant's side.
    ViewAsApplicant,
    /// Change, submit or archive it as the applicant.
    EditAsApplicant,
    /// Read it in the instruction workspace.
    ViewInInstruction,
    /// Approve, refuse, request changes, archive as instructor.
    Instruct,
    /// Read its summary (no answers): what subscribers open from their emails.
    ViewSummary,
}

/// May `actor` do `action` on the demande?
pub fn can(actor: &Actor, action: Action, demande: &DemandeFacts) -> bool {
    match action {
        Action::ViewAsApplicant => actor.belongs_to(demande.organisation_id),
        Action::EditAsApplicant => {
            actor.user_id == demande.applicant_id && actor.belongs_to(demande.organisation_id)
        }
        Action::ViewInInstruction => {
            demande.ever_submitted
                && (actor.is_admin || actor.has_role(demande.provider, Role::Reporter))
        }
        Action::Instruct => {
            demande.ever_submitted
                && actor.has_role(demande.provider, Role::Instructor)
                && !instructs_own_organisation(actor, demande)
        }
        Action::ViewSummary => {
            demande.ever_submitted
                && (actor.is_admin
                    || actor.has_role(demande.provider, Role::Subscriber)
                    || actor.has_role(demande.provider, Role::Reporter))
        }
    }
}

/// What such an instructor is told, on the page and when they try to decide anyway.
pub const OWN_ORGANISATION: &str = "Vous êtes membre de l'organisation qui a fait cette demande : vous ne pouvez pas l'instruire. Un autre instructeur du fournisseur de données s'en chargera.";

/// An instructor of the provider who is also an agent of the applicant organisation, or who made
/// the demande (an agent who moved since): nobody instructs their own organisation's demande,
/// nor their own (the page says why, another instructor decides).
pub fn instructs_own_organisation(actor: &Actor, demande: &DemandeFacts) -> bool {
    actor.has_role(demande.provider, Role::Instructor)
        && (actor.belongs_to(demande.organisation_id) || actor.user_id == demande.applicant_id)
}

/// May `actor` start a demande for this organisation?
pub fn can_create_for(actor: &Actor, organisation_id: i64) -> bool {
    actor.belongs_to(organisation_id)
}

/// May `actor` grant and remove roles for `provider`? Admins everywhere, managers for theirs.
pub fn can_manage_roles(actor: &Actor, provider: &str) -> bool {
    actor.is_admin || actor.has_role(provider, Role::Manager)
}

/// May `actor` see who decided what in the statistics: for a provider, its instructors (and
/// admins); for every provider at once, admins alone. Reporters read aggregates only.
pub fn sees_workload(actor: &Actor, provider: Option<&str>) -> bool {
    match provider {
        Some(p) => actor.is_admin || actor.has_role(p, Role::Instructor),
        None => actor.is_admin,
    }
}

/// What a person may do on a demande's pages, decided once for every page and handler: each flag
/// is "has the right" and "the state machine offers it now". Templates receive these booleans.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Offered {
    /// The person who created it, still a member of its organisation.
    pub owner: bool,
    /// Change the answers now.
    pub edit: bool,
    pub submit: bool,
    /// Archive it as the applicant.
    pub archive: bool,
    pub transfer: bool,
    /// Reopen a validated demande to update it.
    pub reopen: bool,
    pub cancel_reopening: bool,
    /// Take an archived demande back.
    pub restore: bool,
    /// Start the provider's next stage from this validated demande (when it has one).
    pub advance_stage: bool,
    /// Instruct it at all (an instructor of the provider, not of the applicant organisation).
    pub instruct: bool,
    /// Approve, refuse or request changes now.
    pub decide: bool,
    /// Archive it as instructor.
    pub close: bool,
    pub revoke: bool,
    /// Write to the applicant from the instruction side.
    pub write_as_instructor: bool,
    /// An instructor of the provider who belongs to the applicant organisation: the page says
    /// why another instructor decides.
    pub own_organisation: bool,
}

/// What `actor` may do on a demande in `state` (with `reopening` when a validated demande is
/// being updated).
pub fn offered(actor: &Actor, demande: &DemandeFacts, state: State, reopening: bool) -> Offered {
    let owner = can(actor, Action::EditAsApplicant, demande);
    let instruct = can(actor, Action::Instruct, demande);
    let applicant = |event| owner && is_offered(state, event, ActorKind::Applicant, reopening);
    let instructor = |event| instruct && is_offered(state, event, ActorKind::Instructor, reopening);
    Offered {
        owner,
        edit: applicant(Event::Update),
        submit: applicant(Event::Submit),
        archive: applicant(Event::Archive),
        transfer: applicant(Event::Transfer),
        reopen: applicant(Event::Reopen),
        cancel_reopening: applicant(Event::CancelReopening),
        restore: applicant(Event::Restore),
        advance_stage: applicant(Event::AdvanceStage),
        instruct,
        decide: instructor(Event::Approve),
        close: instructor(Event::Archive),
        revoke: instructor(Event::Revoke),
        write_as_instructor: instruct && state != State::Archived,
        own_organisation: instructs_own_organisation(actor, demande),
    }
}

/// The capacity in which an action is carried out, for the state machine.
pub fn actor_kind(actor: &Actor, action: Action, demande: &DemandeFacts) -> Option<ActorKind> {
    if !can(actor, action, demande) {
        return None;
    }
    Some(match action {
        Action::ViewAsApplicant | Action::EditAsApplicant => ActorKind::Applicant,
        Action::Instruct => ActorKind::Instructor,
        // Reading a summary is no capacity the state machine knows.
        Action::ViewSummary => return None,
        Action::ViewInInstruction if actor.has_role(demande.provider, Role::Reporter) => {
            ActorKind::Reporter
        }
        Action::ViewInInstruction => ActorKind::Admin,
    })
}

#[cfg(test)]
mod tests;
