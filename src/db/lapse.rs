//! Accounts that lapse: who may be due a step, each step written with a guard so that two
//! workers (or a sign-in at the same instant) never apply it twice, and what an erased account
//! keeps.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::habilitations::within;
use super::models::User;
use super::schema::{
    demandes, habilitation_shares, habilitations, memberships, notification_prefs, team_members,
    users,
};
use crate::domain::habilitation::Status;
use crate::domain::lapse::Account;

/// An account and its lapsing dates.
pub type Lapsing = (User, Account);

type Dates = (
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

fn dates() -> (
    users::created_at,
    users::last_sign_in_at,
    users::reactivated_at,
    users::lapse_warned_at,
    users::disabled_at,
    users::erased_at,
) {
    (
        users::created_at,
        users::last_sign_in_at,
        users::reactivated_at,
        users::lapse_warned_at,
        users::disabled_at,
        users::erased_at,
    )
}

fn account(
    (created_at, last_sign_in_at, reactivated_at, warned_at, disabled_at, erased_at): Dates,
) -> Account {
    Account {
        created_at,
        last_sign_in_at,
        reactivated_at,
        warned_at,
        disabled_at,
        erased_at,
    }
}

/// Accounts that may be due a step, by id after `after_id`: live ones unused since
/// `unused_since`, and disabled ones disabled at or before `disabled_by`.
pub fn candidates(
    conn: &mut DbConnection,
    unused_since: NaiveDateTime,
    disabled_by: NaiveDateTime,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<Lapsing>> {
    let unused = users::disabled_at
        .is_null()
        .and(users::created_at.le(unused_since))
        .and(
            users::last_sign_in_at
                .is_null()
                .or(users::last_sign_in_at.le(unused_since)),
        )
        .and(
            users::reactivated_at
                .is_null()
                .or(users::reactivated_at.le(unused_since)),
        );
    let rows: Vec<(User, Dates)> = users::table
        .filter(users::id.gt(after_id))
        .filter(users::erased_at.is_null())
        .filter(unused.or(users::disabled_at.le(disabled_by)))
        .order(users::id)
        .limit(limit)
        .select((User::as_select(), dates()))
        .load(conn)?;
    Ok(rows.into_iter().map(|(u, d)| (u, account(d))).collect())
}

/// One account's lapsing dates.
pub fn of(conn: &mut DbConnection, user_id: i64) -> QueryResult<Option<Account>> {
    users::table
        .find(user_id)
        .select(dates())
        .first(conn)
        .optional()
        .map(|d| d.map(account))
}

/// Records the warning, unless the account was warned again or disabled meanwhile (`seen` is
/// the earlier warning read with the account, if any).
pub fn mark_warned(
    conn: &mut DbConnection,
    user_id: i64,
    seen: Option<NaiveDateTime>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let target = users::table
        .find(user_id)
        .filter(users::disabled_at.is_null());
    let set = users::lapse_warned_at.eq(Some(at));
    let n = match seen {
        None => diesel::update(target.filter(users::lapse_warned_at.is_null()))
            .set(set)
            .execute(conn)?,
        Some(seen) => diesel::update(target.filter(users::lapse_warned_at.eq(seen)))
            .set(set)
            .execute(conn)?,
    };
    Ok(n == 1)
}

/// Disables the account, unless it was used after `last_used` (a sign-in meanwhile).
pub fn disable(
    conn: &mut DbConnection,
    user_id: i64,
    last_used: NaiveDateTime,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        users::table
            .find(user_id)
            .filter(users::disabled_at.is_null())
            .filter(users::erased_at.is_null())
            .filter(
                users::last_sign_in_at
                    .is_null()
                    .or(users::last_sign_in_at.le(last_used)),
            )
            .filter(
                users::reactivated_at
                    .is_null()
                    .or(users::reactivated_at.le(last_used)),
            ),
    )
    .set(users::disabled_at.eq(Some(at)))
    .execute(conn)
    .map(|n| n == 1)
}

/// Gives a disabled account back: the count of unused days starts again now.
pub fn reactivate(conn: &mut DbConnection, user_id: i64, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        users::table
            .find(user_id)
            .filter(users::disabled_at.is_not_null())
            .filter(users::erased_at.is_null()),
    )
    .set((
        users::disabled_at.eq(None::<NaiveDateTime>),
        users::lapse_warned_at.eq(None::<NaiveDateTime>),
        users::reactivated_at.eq(Some(at)),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// The address an erased account keeps: unique, and in a domain that can never receive mail.
pub fn erased_address(user_id: i64) -> String {
    format!("compte-supprime-{user_id}@habilis.invalid")
}

/// Erases a disabled account's personal data: name, address, identity-provider link, its
/// memberships, teams, shares and email choices. Its demandes stay with their organisation,
/// under the erased address.
pub fn erase(conn: &mut DbConnection, user_id: i64, at: NaiveDateTime) -> QueryResult<bool> {
    let address = erased_address(user_id);
    let former: Option<String> = users::table
        .find(user_id)
        .select(users::email)
        .first(conn)
        .optional()?;
    let done = diesel::update(
        users::table
            .find(user_id)
            .filter(users::disabled_at.is_not_null())
            .filter(users::erased_at.is_null()),
    )
    .set((
        users::email.eq(&address),
        users::given_name.eq("Compte"),
        users::family_name.eq("supprimé"),
        users::oidc_sub.eq(None::<String>),
        users::is_admin.eq(false),
        users::erased_at.eq(Some(at)),
    ))
    .execute(conn)?
        == 1;
    if !done {
        return Ok(false);
    }
    diesel::update(demandes::table.filter(demandes::applicant_id.eq(user_id)))
        .set(demandes::applicant_email.eq(&address))
        .execute(conn)?;
    // The address instructors invited to a prepared draft goes too.
    if let Some(former) = former {
        use super::schema::prepared_drafts;
        diesel::update(prepared_drafts::table.filter(prepared_drafts::invited_email.eq(former)))
            .set(prepared_drafts::invited_email.eq(&address))
            .execute(conn)?;
    }
    diesel::update(
        memberships::table
            .filter(memberships::user_id.eq(user_id))
            .filter(memberships::lapsed_at.is_null()),
    )
    .set(memberships::lapsed_at.eq(Some(at)))
    .execute(conn)?;
    diesel::delete(team_members::table.filter(team_members::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(habilitation_shares::table.filter(habilitation_shares::user_id.eq(user_id)))
        .execute(conn)?;
    diesel::delete(notification_prefs::table.filter(notification_prefs::user_id.eq(user_id)))
        .execute(conn)?;
    Ok(true)
}

/// An active habilitation of a demande the person made.
#[derive(Debug, Clone, Queryable)]
pub struct Held {
    pub organisation_id: i64,
    pub organisation_name: String,
    pub demande_id: i64,
    pub provider: String,
    pub intitule: String,
}

/// The active habilitations of the demandes the person made, by organisation.
pub fn held(conn: &mut DbConnection, user_id: i64, now: NaiveDateTime) -> QueryResult<Vec<Held>> {
    let q = habilitations::table
        .inner_join(demandes::table)
        .into_boxed()
        .filter(demandes::applicant_id.eq(user_id));
    within(q, Status::Active.bounds(now))
        .order((demandes::organisation_id, habilitations::id))
        .select((
            demandes::organisation_id,
            demandes::organisation_name,
            demandes::id,
            habilitations::provider,
            demandes::intitule,
        ))
        .load(conn)
}

/// The organisation's other agents whose accounts are live.
pub fn colleagues(
    conn: &mut DbConnection,
    organisation_id: i64,
    except: i64,
) -> QueryResult<Vec<User>> {
    memberships::table
        .inner_join(users::table)
        .filter(memberships::organisation_id.eq(organisation_id))
        .filter(memberships::lapsed_at.is_null())
        .filter(users::id.ne(except))
        .filter(users::disabled_at.is_null())
        .filter(users::erased_at.is_null())
        .order(users::email)
        .select(User::as_select())
        .distinct()
        .load(conn)
}

/// Accounts warned and not yet disabled, and disabled ones not yet erased, for the admins.
pub fn pending(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<Lapsing>> {
    let rows: Vec<(User, Dates)> = users::table
        .filter(users::erased_at.is_null())
        .filter(
            users::disabled_at
                .is_not_null()
                .or(users::lapse_warned_at.is_not_null()),
        )
        .order((users::disabled_at.desc(), users::email))
        .limit(limit)
        .select((User::as_select(), dates()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(u, d)| (u, account(d)))
        // A warning a sign-in made void is not pending.
        .filter(|(_, a)| a.disabled_at.is_some() || a.warned_at >= Some(a.last_used()))
        .collect())
}

/// How many accounts were erased.
pub fn erased_count(conn: &mut DbConnection) -> QueryResult<i64> {
    users::table
        .filter(users::erased_at.is_not_null())
        .count()
        .get_result(conn)
}
