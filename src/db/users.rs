//! People, their organisations and their roles.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::models::{NewUser, Organisation, User};
use super::schema::{memberships, organisations, roles, users};
use crate::domain::policy::Role;

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, new: &NewUser) -> QueryResult<User> {
    diesel::insert_into(users::table)
        .values(new)
        .returning((
            users::id,
            users::email,
            users::given_name,
            users::family_name,
            users::is_admin,
            users::created_at,
            users::oidc_sub,
        ))
        .get_result(conn)
}

/// Every user but erased ones, by email (the dev login page lists them).
pub fn all(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::erased_at.is_null())
        .order(users::email)
        .limit(limit)
        .select(User::as_select())
        .load(conn)
}

/// A role as stored; a name this version does not know is left out.
fn known(name: &str) -> Option<Role> {
    Role::parse(name)
}

/// (provider, role) pairs held by a user.
pub fn roles_of(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<(String, Role)>> {
    let rows: Vec<(String, String)> = roles::table
        .filter(roles::user_id.eq(user_id))
        .order((roles::provider, roles::role))
        .select((roles::provider, roles::role))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(p, r)| known(&r).map(|r| (p, r)))
        .collect())
}

pub fn grant_role(
    conn: &mut DbConnection,
    user_id: i64,
    provider: &str,
    role: Role,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let role = role.as_str();
    let held = roles::table
        .filter(
            roles::user_id
                .eq(user_id)
                .and(roles::provider.eq(provider))
                .and(roles::role.eq(role)),
        )
        .count()
        .get_result::<i64>(conn)?;
    if held == 0 {
        diesel::insert_into(roles::table)
            .values((
                roles::user_id.eq(user_id),
                roles::provider.eq(provider),
                roles::role.eq(role),
                roles::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Organisations the user belongs to (verified, not lapsed memberships), by name.
pub fn organisations_of(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<Organisation>> {
    memberships::table
        .inner_join(organisations::table)
        .filter(memberships::user_id.eq(user_id))
        .filter(memberships::verified.eq(true))
        .filter(memberships::lapsed_at.is_null())
        .order(organisations::name)
        .select(Organisation::as_select())
        .load(conn)
}

/// Makes the person a member (again, when a lapsed membership exists); true when it restored a
/// lapsed one.
pub fn add_membership(
    conn: &mut DbConnection,
    user_id: i64,
    organisation_id: i64,
    verified: bool,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let this = memberships::table.filter(
        memberships::user_id
            .eq(user_id)
            .and(memberships::organisation_id.eq(organisation_id)),
    );
    let held = this.count().get_result::<i64>(conn)?;
    if held > 0 {
        let restored = diesel::update(this.filter(memberships::lapsed_at.is_not_null()))
            .set(memberships::lapsed_at.eq(None::<NaiveDateTime>))
            .execute(conn)?;
        return Ok(restored > 0);
    }
    diesel::insert_into(memberships::table)
        .values((
            memberships::user_id.eq(user_id),
            memberships::organisation_id.eq(organisation_id),
            memberships::verified.eq(verified),
            memberships::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(false)
}

/// Ends the person's current memberships except `keep`; returns the organisations that lapsed.
pub fn lapse_memberships_except(
    conn: &mut DbConnection,
    user_id: i64,
    keep: i64,
    now: NaiveDateTime,
) -> QueryResult<Vec<Organisation>> {
    let lapsing: Vec<Organisation> = memberships::table
        .inner_join(organisations::table)
        .filter(memberships::user_id.eq(user_id))
        .filter(memberships::organisation_id.ne(keep))
        .filter(memberships::lapsed_at.is_null())
        .select(Organisation::as_select())
        .load(conn)?;
    for org in &lapsing {
        lapse_membership(conn, user_id, org.id, now)?;
    }
    Ok(lapsing)
}

/// Ends one membership; returns whether it was current.
pub fn lapse_membership(
    conn: &mut DbConnection,
    user_id: i64,
    organisation_id: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        memberships::table
            .filter(memberships::user_id.eq(user_id))
            .filter(memberships::organisation_id.eq(organisation_id))
            .filter(memberships::lapsed_at.is_null()),
    )
    .set(memberships::lapsed_at.eq(Some(now)))
    .execute(conn)
    .map(|n| n > 0)
}

pub fn revoke_role(
    conn: &mut DbConnection,
    user_id: i64,
    provider: &str,
    role: Role,
) -> QueryResult<usize> {
    let role = role.as_str();
    diesel::delete(
        roles::table.filter(
            roles::user_id
                .eq(user_id)
                .and(roles::provider.eq(provider))
                .and(roles::role.eq(role)),
        ),
    )
    .execute(conn)
}

/// Role holders of some providers: (provider, role, user), by provider, role, email.
pub fn role_holders(
    conn: &mut DbConnection,
    providers: &[String],
) -> QueryResult<Vec<(String, Role, User)>> {
    let rows: Vec<(String, String, User)> = roles::table
        .inner_join(users::table)
        .filter(roles::provider.eq_any(providers))
        .order((roles::provider, roles::role, users::email))
        .select((roles::provider, roles::role, User::as_select()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(p, r, u)| known(&r).map(|r| (p, r, u)))
        .collect())
}

/// Role names one user holds for one provider, sorted.
pub fn roles_for_provider(
    conn: &mut DbConnection,
    user_id: i64,
    provider: &str,
) -> QueryResult<Vec<Role>> {
    let names: Vec<String> = roles::table
        .filter(roles::user_id.eq(user_id).and(roles::provider.eq(provider)))
        .order(roles::role)
        .select(roles::role)
        .load(conn)?;
    Ok(names.iter().filter_map(|n| known(n)).collect())
}

/// People holding any of these roles for a provider, once each.
pub fn holders_of(
    conn: &mut DbConnection,
    provider: &str,
    roles: &[Role],
) -> QueryResult<Vec<User>> {
    let role_names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    let mut list: Vec<User> = roles::table
        .inner_join(users::table)
        .filter(roles::provider.eq(provider))
        .filter(roles::role.eq_any(role_names))
        .order(users::email)
        .select(User::as_select())
        .load(conn)?;
    list.dedup_by_key(|u| u.id);
    Ok(list)
}

pub fn find_by_subject(conn: &mut DbConnection, subject: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::oidc_sub.eq(subject))
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// What the identity provider says of a person, kept up to date at each sign-in.
pub fn update_identity(
    conn: &mut DbConnection,
    id: i64,
    subject: &str,
    email: &str,
    given: &str,
    family: &str,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::oidc_sub.eq(Some(subject)),
            users::email.eq(email),
            users::given_name.eq(given),
            users::family_name.eq(family),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records a sign-in (the access review and the lapsing read it), unless the account is
/// disabled, blocked or erased: false then. The row stays locked until the transaction ends, so a
/// worker disabling the account at that instant waits, then sees it used.
pub fn record_sign_in(
    conn: &mut DbConnection,
    user_id: i64,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        users::table
            .find(user_id)
            .filter(users::disabled_at.is_null())
            .filter(users::banned_at.is_null())
            .filter(users::erased_at.is_null()),
    )
    .set(users::last_sign_in_at.eq(Some(at)))
    .execute(conn)
    .map(|n| n == 1)
}
