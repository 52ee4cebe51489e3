//! Who may do what, over every actor kind of the access matrix.

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
fn a_provider_s_instructors_and_admins_see_its_workload_and_only_admins_everyone_s() {
    let admin = person(11, &[], &[], true);
    assert!(sees_workload(&admin, Some("api-particulier")));
    assert!(sees_workload(&admin, None));
    let instructor = person(7, &[], &[("api-particulier", Role::Instructor)], false);
    assert!(sees_workload(&instructor, Some("api-particulier")));
    assert!(!sees_workload(&instructor, Some("api-entreprise")));
    assert!(!sees_workload(&instructor, None));
    let reporter = person(8, &[], &[("api-particulier", Role::Reporter)], false);
    assert!(!sees_workload(&reporter, Some("api-particulier")));
    let applicant = person(1, &[ORG], &[], false);
    assert!(!sees_workload(&applicant, Some("api-particulier")));
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
