//! The life of a demande: states, events, who acts, and (in `transition`) the pure function
//! that says what each event does and which effects follow.

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
