//! Who may do what. Pure functions over an [`Actor`] and the facts of a demande.

use super::demande::{ActorKind, Event, State, is_offered};

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
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
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
    fn includes(self, other: Role) -> bool {
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
                && !actor.belongs_to(demande.organisation_id)
        }
        Action::ViewSummary => {
            demande.ever_submitted
                && (actor.is_admin
                    || actor.has_role(demande.provider, Role::Subscriber)
                    || actor.has_role(demande.provider, Role::Reporter))
        }
    }
}

/// An instructor of the provider who is also an agent of the applicant organisation: nobody
/// instructs their own organisation's demande (the page says why, another instructor decides).
pub fn instructs_own_organisation(actor: &Actor, demande: &DemandeFacts) -> bool {
    actor.has_role(demande.provider, Role::Instructor) && actor.belongs_to(demande.organisation_id)
}

/// May `actor` start a demande for this organisation?
pub fn can_create_for(actor: &Actor, organisation_id: i64) -> bool {
    actor.belongs_to(organisation_id)
}

/// May `actor` grant and remove roles for `provider`? Admins everywhere, managers for theirs.
pub fn can_manage_roles(actor: &Actor, provider: &str) -> bool {
    actor.is_admin || actor.has_role(provider, Role::Manager)
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
mod tests {
    use super::*;

    const ORG: i64 = 10;
    const OTHER_ORG: i64 = 20;
    const OWNER: i64 = 1;

    fn demande() -> DemandeFacts<'static> {
        DemandeFacts {
            provider: "api-particulier",
            organisation_id: ORG,
            applicant_id: OWNER,
            ever_submitted: true,
        }
    }

    fn person(user_id: i64, orgs: &[i64], roles: &[(&str, Role)], is_admin: bool) -> Actor {
        Actor {
            user_id,
            is_admin,
            organisations: orgs.to_vec(),
            roles: roles.iter().map(|(p, r)| (p.to_string(), *r)).collect(),
        }
    }

    /// Every actor kind of the access matrix against every action, written out as a table.
    #[test]
    fn access_table() {
        use Action::*;
        let cases: Vec<(&str, Actor, [bool; 5])> = vec![
            (
                "owner",
                person(OWNER, &[ORG], &[], false),
                [true, true, false, false, false],
            ),
            (
                "same organisation",
                person(2, &[ORG], &[], false),
                [true, false, false, false, false],
            ),
            (
                "other organisation",
                person(3, &[OTHER_ORG], &[], false),
                [false, false, false, false, false],
            ),
            (
                "former member",
                person(OWNER, &[OTHER_ORG], &[], false),
                [false, false, false, false, false],
            ),
            (
                "subscriber only",
                person(4, &[], &[("api-particulier", Role::Subscriber)], false),
                [false, false, false, false, true],
            ),
            (
                "reporter",
                person(5, &[], &[("api-particulier", Role::Reporter)], false),
                [false, false, true, false, true],
            ),
            (
                "reporter elsewhere",
                person(6, &[], &[("api-entreprise", Role::Reporter)], false),
                [false, false, false, false, false],
            ),
            (
                "instructor",
                person(7, &[], &[("api-particulier", Role::Instructor)], false),
                [false, false, true, true, true],
            ),
            (
                "instructor elsewhere",
                person(8, &[], &[("api-entreprise", Role::Instructor)], false),
                [false, false, false, false, false],
            ),
            (
                "manager",
                person(9, &[], &[("api-particulier", Role::Manager)], false),
                [false, false, true, true, true],
            ),
            (
                "admin",
                person(11, &[], &[], true),
                [false, false, true, false, true],
            ),
            (
                "instructor of the applicant organisation",
                person(12, &[ORG], &[("api-particulier", Role::Instructor)], false),
                [true, false, true, false, true],
            ),
            (
                "manager of the applicant organisation",
                person(13, &[ORG], &[("api-particulier", Role::Manager)], false),
                [true, false, true, false, true],
            ),
        ];
        for (who, actor, expected) in cases {
            for (action, want) in [
                ViewAsApplicant,
                EditAsApplicant,
                ViewInInstruction,
                Instruct,
                ViewSummary,
            ]
            .into_iter()
            .zip(expected)
            {
                assert_eq!(can(&actor, action, &demande()), want, "{who} / {action:?}");
            }
        }
    }

    #[test]
    fn a_draft_never_submitted_is_hidden_from_instruction() {
        let draft = DemandeFacts {
            ever_submitted: false,
            ..demande()
        };
        let instructor = person(7, &[], &[("api-particulier", Role::Instructor)], false);
        assert!(!can(&instructor, Action::ViewInInstruction, &draft));
        assert!(!can(&instructor, Action::Instruct, &draft));
        assert!(!can(
            &person(11, &[], &[], true),
            Action::ViewInInstruction,
            &draft
        ));
        let owner = person(OWNER, &[ORG], &[], false);
        assert!(can(&owner, Action::EditAsApplicant, &draft));
    }

    #[test]
    fn nobody_instructs_their_own_organisation_s_demande() {
        let agent = person(12, &[ORG], &[("api-particulier", Role::Instructor)], false);
        assert!(instructs_own_organisation(&agent, &demande()));
        assert_eq!(actor_kind(&agent, Action::Instruct, &demande()), None);
        let outsider = person(
            7,
            &[OTHER_ORG],
            &[("api-particulier", Role::Instructor)],
            false,
        );
        assert!(!instructs_own_organisation(&outsider, &demande()));
        assert!(can(&outsider, Action::Instruct, &demande()));
    }

    #[test]
    fn only_the_owner_is_offered_the_applicant_s_actions() {
        let owner = person(OWNER, &[ORG], &[], false);
        let colleague = person(2, &[ORG], &[], false);
        let draft = offered(&owner, &demande(), State::Draft, false);
        assert!(draft.edit && draft.submit && draft.archive);
        assert!(!draft.reopen && !draft.instruct && !draft.decide);
        assert_eq!(
            offered(&colleague, &demande(), State::Draft, false),
            Offered::default()
        );
        let validated = offered(&owner, &demande(), State::Validated, false);
        assert!(validated.reopen && !validated.edit);
    }

    #[test]
    fn instructors_are_offered_the_decisions_the_state_allows() {
        let instructor = person(7, &[], &[("api-particulier", Role::Instructor)], false);
        let submitted = offered(&instructor, &demande(), State::Submitted, false);
        assert!(submitted.instruct && submitted.decide && submitted.write_as_instructor);
        assert!(!submitted.edit && !submitted.revoke && !submitted.own_organisation);
        let validated = offered(&instructor, &demande(), State::Validated, false);
        assert!(validated.revoke && !validated.decide);
        let archived = offered(&instructor, &demande(), State::Archived, false);
        assert!(!archived.write_as_instructor);
        let agent = person(12, &[ORG], &[("api-particulier", Role::Instructor)], false);
        let own = offered(&agent, &demande(), State::Submitted, false);
        assert!(own.own_organisation && !own.decide && !own.instruct);
    }

    #[test]
    fn roles_imply_each_other_but_not_subscription() {
        assert!(Role::Manager.includes(Role::Instructor));
        assert!(Role::Manager.includes(Role::Reporter));
        assert!(Role::Instructor.includes(Role::Reporter));
        assert!(!Role::Reporter.includes(Role::Instructor));
        assert!(!Role::Manager.includes(Role::Subscriber));
        assert!(!Role::Subscriber.includes(Role::Reporter));
    }

    #[test]
    fn only_admins_and_the_provider_s_managers_manage_roles() {
        assert!(can_manage_roles(
            &person(11, &[], &[], true),
            "api-particulier"
        ));
        let manager = person(9, &[], &[("api-particulier", Role::Manager)], false);
        assert!(can_manage_roles(&manager, "api-particulier"));
        assert!(!can_manage_roles(&manager, "api-entreprise"));
        let instructor = person(7, &[], &[("api-particulier", Role::Instructor)], false);
        assert!(!can_manage_roles(&instructor, "api-particulier"));
    }

    #[test]
    fn the_capacity_follows_the_role() {
        let reporter = person(5, &[], &[("api-particulier", Role::Reporter)], false);
        assert_eq!(
            actor_kind(&reporter, Action::ViewInInstruction, &demande()),
            Some(ActorKind::Reporter)
        );
        assert_eq!(actor_kind(&reporter, Action::Instruct, &demande()), None);
        let admin = person(11, &[], &[], true);
        assert_eq!(
            actor_kind(&admin, Action::ViewInInstruction, &demande()),
            Some(ActorKind::Admin)
        );
    }
}
