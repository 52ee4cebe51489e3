//! Who a demande is assigned to, and who may be chosen.

use diesel::prelude::*;

use super::DbConnection;
use super::models::User;
use super::schema::{demandes, roles, users};
use crate::domain::policy::Role;

/// Sets (or with `None` takes off) the demande's assignee, if it is still in one of `states`
/// (the caller holds the demande's lock); whether it was set.
pub fn set(
    conn: &mut DbConnection,
    demande_id: i64,
    to: Option<i64>,
    states: &[&str],
) -> QueryResult<bool> {
    diesel::update(
        demandes::table
            .find(demande_id)
            .filter(demandes::state.eq_any(states)),
    )
    .set(demandes::assigned_to.eq(to))
    .execute(conn)
    .map(|n| n == 1)
}

/// People who may be chosen as assignees of the providers' demandes: their instructors and
/// managers whose account is usable (not blocked, not erased), ordered by name, once each.
pub fn candidates(conn: &mut DbConnection, providers: &[String]) -> QueryResult<Vec<User>> {
    let names = [Role::Instructor.as_str(), Role::Manager.as_str()];
    let mut people: Vec<User> = roles::table
        .inner_join(users::table)
        .filter(roles::provider.eq_any(providers))
        .filter(roles::role.eq_any(names))
        .filter(users::banned_at.is_null())
        .filter(users::erased_at.is_null())
        .order((users::family_name, users::given_name, users::id))
        .select(User::as_select())
        .load(conn)?;
    people.dedup_by_key(|u| u.id);
    Ok(people)
}

/// Who may be chosen for one demande: the instructors and managers of its provider with a
/// usable account, none of them an agent of its organisation (nobody instructs their own).
pub fn candidates_for(
    conn: &mut DbConnection,
    provider: &str,
    organisation_id: i64,
) -> QueryResult<Vec<User>> {
    use super::schema::memberships;
    let mut people: Vec<User> = candidates(conn, &[provider.to_string()])?;
    let ids: Vec<i64> = people.iter().map(|u| u.id).collect();
    let members: Vec<i64> = memberships::table
        .filter(memberships::user_id.eq_any(ids))
        .filter(memberships::organisation_id.eq(organisation_id))
        .filter(memberships::lapsed_at.is_null())
        .select(memberships::user_id)
        .load(conn)?;
    people.retain(|u| !members.contains(&u.id));
    Ok(people)
}

/// Whether the account may be given work: not blocked, not erased.
pub fn usable(conn: &mut DbConnection, user_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table
            .find(user_id)
            .filter(users::banned_at.is_null())
            .filter(users::erased_at.is_null()),
    ))
    .get_result(conn)
}

/// (id, "Given Family") of these people, for the lists that show assignees.
pub fn names(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let people: Vec<User> = users::table
        .filter(users::id.eq_any(ids))
        .select(User::as_select())
        .load(conn)?;
    Ok(people
        .into_iter()
        .map(|u| (u.id, u.full_name().trim().to_string()))
        .collect())
}
