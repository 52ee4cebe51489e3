//! The admin's report of risky rights: what the access policy asks to look at.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{api_tokens, demandes, roles, users};

/// (email, provider, role, granted on).
pub type UnusedRole = (String, String, String, NaiveDateTime);
/// (id, provider, name, last used).
pub type IdleToken = (i64, String, String, Option<NaiveDateTime>);

/// (email, the providers the person holds a role on), for those with roles on `at_least`
/// providers or more.
pub fn many_providers(
    conn: &mut DbConnection,
    at_least: usize,
) -> QueryResult<Vec<(String, Vec<String>)>> {
    let rows: Vec<(String, String)> = roles::table
        .inner_join(users::table)
        .order((users::email, roles::provider))
        .select((users::email, roles::provider))
        .distinct()
        .load(conn)?;
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for (email, provider) in rows {
        match out.last_mut() {
            Some((e, list)) if *e == email => list.push(provider),
            _ => out.push((email, vec![provider])),
        }
    }
    out.retain(|(_, providers)| providers.len() >= at_least);
    Ok(out)
}

/// (email, provider, role, granted) of roles whose holder has not signed in since they were
/// granted.
pub fn never_used(conn: &mut DbConnection) -> QueryResult<Vec<UnusedRole>> {
    roles::table
        .inner_join(users::table)
        .filter(
            users::last_sign_in_at
                .is_null()
                .or(users::last_sign_in_at.lt(roles::created_at.nullable())),
        )
        .order((users::email, roles::provider, roles::role))
        .select((
            users::email,
            roles::provider,
            roles::role,
            roles::created_at,
        ))
        .load(conn)
}

/// (email, provider, number of their demandes) of the managers of a provider who are also
/// applicants of that provider's demandes.
pub fn managers_applying(conn: &mut DbConnection) -> QueryResult<Vec<(String, String, i64)>> {
    let rows: Vec<(String, String, i64)> = roles::table
        .inner_join(users::table)
        .inner_join(
            demandes::table.on(demandes::applicant_id
                .eq(roles::user_id)
                .and(demandes::provider.eq(roles::provider))),
        )
        .filter(roles::role.eq("manager"))
        .select((users::email, roles::provider, demandes::id))
        .order((users::email, roles::provider))
        .load(conn)?;
    let mut out: Vec<(String, String, i64)> = Vec::new();
    for (email, provider, _) in rows {
        match out.last_mut() {
            Some((e, p, n)) if *e == email && *p == provider => *n += 1,
            _ => out.push((email, provider, 1)),
        }
    }
    Ok(out)
}

/// (id, provider, name, last used) of live tokens unused since `before` (never used: made
/// before it).
pub fn idle_tokens(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<Vec<IdleToken>> {
    api_tokens::table
        .filter(api_tokens::revoked_at.is_null())
        .filter(
            api_tokens::last_used_at
                .lt(before)
                .or(api_tokens::last_used_at
                    .is_null()
                    .and(api_tokens::created_at.lt(before))),
        )
        .order((api_tokens::provider, api_tokens::name))
        .select((
            api_tokens::id,
            api_tokens::provider,
            api_tokens::name,
            api_tokens::last_used_at,
        ))
        .load(conn)
}
