//! Teams of an organisation's agents, their members, and the shares of habilitations with
//! teams or named agents. Members are listed only while they belong to the organisation.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::models::User;
use super::schema::{habilitation_shares, memberships, team_members, teams, users};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = teams)]
pub struct Team {
    pub id: i64,
    pub organisation_id: i64,
    pub name: String,
    pub created_at: NaiveDateTime,
}

/// A team member: the person and whether they manage the team.
#[derive(Debug, Clone)]
pub struct TeamMember {
    pub user: User,
    pub is_admin: bool,
}

/// A share of a habilitation, with what to show of it.
#[derive(Debug, Clone)]
pub struct ShareRow {
    pub id: i64,
    pub habilitation_id: i64,
    /// (id, name) of the team.
    pub team: Option<(i64, String)>,
    /// The agent named.
    pub user: Option<User>,
}

/// A new team, its creator its first admin.
pub fn create(
    conn: &mut DbConnection,
    organisation_id: i64,
    name: &str,
    creator: i64,
    now: NaiveDateTime,
) -> QueryResult<Team> {
    let team: Team = diesel::insert_into(teams::table)
        .values((
            teams::organisation_id.eq(organisation_id),
            teams::name.eq(name),
            teams::created_at.eq(now),
        ))
        .returning(teams::all_columns)
        .get_result(conn)?;
    set_member(conn, team.id, creator, true, now)?;
    Ok(team)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Team>> {
    teams::table
        .find(id)
        .select(Team::as_select())
        .first(conn)
        .optional()
}

pub fn named(
    conn: &mut DbConnection,
    organisation_id: i64,
    name: &str,
) -> QueryResult<Option<Team>> {
    teams::table
        .filter(teams::organisation_id.eq(organisation_id))
        .filter(teams::name.eq(name))
        .select(Team::as_select())
        .first(conn)
        .optional()
}

/// An organisation's teams, by name.
pub fn of_organisation(conn: &mut DbConnection, organisation_id: i64) -> QueryResult<Vec<Team>> {
    teams::table
        .filter(teams::organisation_id.eq(organisation_id))
        .order(teams::name)
        .select(Team::as_select())
        .load(conn)
}

/// The team's members who still belong to its organisation, admins first, by name.
pub fn members(conn: &mut DbConnection, team: &Team) -> QueryResult<Vec<TeamMember>> {
    let rows: Vec<(User, bool)> = team_members::table
        .inner_join(users::table)
        .filter(team_members::team_id.eq(team.id))
        .filter(diesel::dsl::exists(
            memberships::table
                .filter(memberships::user_id.eq(team_members::user_id))
                .filter(memberships::organisation_id.eq(team.organisation_id))
                .filter(memberships::lapsed_at.is_null()),
        ))
        .order((
            team_members::is_admin.desc(),
            users::family_name,
            users::given_name,
        ))
        .select((User::as_select(), team_members::is_admin))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(user, is_admin)| TeamMember { user, is_admin })
        .collect())
}

/// Adds a member, or changes whether they manage the team; true when something changed.
pub fn set_member(
    conn: &mut DbConnection,
    team_id: i64,
    user_id: i64,
    is_admin: bool,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let existing: Option<bool> = team_members::table
        .filter(team_members::team_id.eq(team_id))
        .filter(team_members::user_id.eq(user_id))
        .select(team_members::is_admin)
        .first(conn)
        .optional()?;
    match existing {
        Some(was) if was == is_admin => Ok(false),
        Some(_) => diesel::update(
            team_members::table
                .filter(team_members::team_id.eq(team_id))
                .filter(team_members::user_id.eq(user_id)),
        )
        .set(team_members::is_admin.eq(is_admin))
        .execute(conn)
        .map(|n| n == 1),
        None => diesel::insert_into(team_members::table)
            .values((
                team_members::team_id.eq(team_id),
                team_members::user_id.eq(user_id),
                team_members::is_admin.eq(is_admin),
                team_members::added_at.eq(now),
            ))
            .execute(conn)
            .map(|n| n == 1),
    }
}

pub fn remove_member(conn: &mut DbConnection, team_id: i64, user_id: i64) -> QueryResult<bool> {
    diesel::delete(
        team_members::table
            .filter(team_members::team_id.eq(team_id))
            .filter(team_members::user_id.eq(user_id)),
    )
    .execute(conn)
    .map(|n| n == 1)
}

/// Whether the person manages the team.
pub fn is_admin(conn: &mut DbConnection, team_id: i64, user_id: i64) -> QueryResult<bool> {
    team_members::table
        .filter(team_members::team_id.eq(team_id))
        .filter(team_members::user_id.eq(user_id))
        .select(team_members::is_admin)
        .first(conn)
        .optional()
        .map(|a| a.unwrap_or(false))
}

/// The ids of the teams the person is in.
pub fn teams_of(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<i64>> {
    team_members::table
        .filter(team_members::user_id.eq(user_id))
        .select(team_members::team_id)
        .load(conn)
}

/// The shares of these habilitations, oldest first.
pub fn shares_of(conn: &mut DbConnection, habilitations: &[i64]) -> QueryResult<Vec<ShareRow>> {
    let rows: Vec<(i64, i64, Option<i64>, Option<i64>)> = habilitation_shares::table
        .filter(habilitation_shares::habilitation_id.eq_any(habilitations))
        .order(habilitation_shares::id)
        .select((
            habilitation_shares::id,
            habilitation_shares::habilitation_id,
            habilitation_shares::team_id,
            habilitation_shares::user_id,
        ))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, habilitation_id, team_id, user_id) in rows {
        let team = match team_id {
            Some(t) => find(conn, t)?.map(|t| (t.id, t.name)),
            None => None,
        };
        let user = match user_id {
            Some(u) => users::table
                .find(u)
                .select(User::as_select())
                .first(conn)
                .optional()?,
            None => None,
        };
        out.push(ShareRow {
            id,
            habilitation_id,
            team,
            user,
        });
    }
    Ok(out)
}

/// Shares a habilitation with a team or an agent, unless it already is; true when added.
pub fn share(
    conn: &mut DbConnection,
    habilitation_id: i64,
    team_id: Option<i64>,
    user_id: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let mut same = habilitation_shares::table
        .filter(habilitation_shares::habilitation_id.eq(habilitation_id))
        .into_boxed();
    same = match (team_id, user_id) {
        (Some(t), _) => same.filter(habilitation_shares::team_id.eq(t)),
        (None, Some(u)) => same.filter(habilitation_shares::user_id.eq(u)),
        (None, None) => return Ok(false),
    };
    let exists: Option<i64> = same
        .select(habilitation_shares::id)
        .first(conn)
        .optional()?;
    if exists.is_some() {
        return Ok(false);
    }
    let inserted = diesel::insert_into(habilitation_shares::table)
        .values((
            habilitation_shares::habilitation_id.eq(habilitation_id),
            habilitation_shares::team_id.eq(team_id),
            habilitation_shares::user_id.eq(user_id),
            habilitation_shares::created_at.eq(now),
        ))
        .execute(conn);
    match inserted {
        Ok(n) => Ok(n == 1),
        // Shared by a click that came first: done already.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Ends a share of one of these habilitations; the share as it was, when there was one.
pub fn unshare(
    conn: &mut DbConnection,
    share_id: i64,
    habilitations: &[i64],
) -> QueryResult<Option<ShareRow>> {
    let Some(row) = shares_of(conn, habilitations)?
        .into_iter()
        .find(|s| s.id == share_id)
    else {
        return Ok(None);
    };
    diesel::delete(habilitation_shares::table.find(share_id)).execute(conn)?;
    Ok(Some(row))
}
