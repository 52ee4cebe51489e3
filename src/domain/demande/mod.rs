//! The life of a demande: states, events, who acts, and (in `transition`) the pure function
//! that says what each event does and which effects follow.

use std::fmt;
use strum::{EnumString, IntoStaticStr, VariantArray};

/// Where a demande stands. Stored as its `as_str` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
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
    /// The stable name stored in the database and used in URLs.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(name: &str) -> Option<State> {
        name.parse().ok()
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
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
    /// The applicant starts the next stage (sandbox, then production) of a validated demande:
    /// a new demande follows it; this one and its habilitation stay as they are.
    AdvanceStage,
    /// The applicant takes an archived demande back: it returns to the state it was archived
    /// from.
    Restore,
    /// An admin moves the demande, and its habilitations, to another organisation and one of
    /// its agents (a merger of organisations): its state stays, a reason is required.
    MoveOrganisation,
    /// An instructor extends the active habilitation of a validated demande (also while it is
    /// being updated): its end moves later, nothing else changes.
    Renew,
}

impl Event {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(name: &str) -> Option<Event> {
        name.parse().ok()
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
            Event::AdvanceStage => "Étape suivante de la procédure commencée",
            Event::Restore => "Demande restaurée",
            Event::MoveOrganisation => "Demande rattachée à une autre organisation",
            Event::Renew => "Habilitation prolongée",
        }
    }

    /// Events that cannot happen without a written reason.
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            Event::RequestChanges | Event::Refuse | Event::Revoke | Event::MoveOrganisation
        )
    }
}

/// In which capacity someone acts on a demande (decided by the policy, per provider).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, VariantArray)]
pub enum ActorKind {
    Applicant,
    Instructor,
    Reporter,
    Subscriber,
    Admin,
}

impl ActorKind {}

mod transition;

pub use transition::*;

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
mod tests;
#[cfg(test)]
mod tests_lifecycle;
