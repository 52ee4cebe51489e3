//! Teams of an organisation's agents, and the sharing of its habilitations with teams or named
//! agents. Any agent of an organisation makes a team (and manages it); a team's admins manage
//! its members, among the organisation's agents; any agent of the organisation shares its
//! habilitations. Every change is audited with its actor.

use crate::db::models::{Organisation, User};
use crate::db::teams::{self, ShareRow, Team, TeamMember};
use crate::db::{DbConnection, habilitations, organisations, users, write_transaction};
use crate::domain::email::Email;
use crate::domain::teams::{Agent, may_manage, team_name};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::demandes::{DemandeFile, find_for_applicant};
use super::{App, now};

/// The organisation the person acts for: the one chosen in the header, or their first.
fn acting_for(current: &CurrentUser) -> Result<Organisation, AppError> {
    current
        .chosen
        .and_then(|id| current.organisations.iter().find(|o| o.id == id))
        .or_else(|| current.organisations.first())
        .cloned()
        .ok_or_else(|| {
            AppError::ForbiddenBecause(
                "Rattachez-vous d'abord à une organisation (en vous connectant avec ProConnect) pour gérer ses équipes."
                    .to_string(),
            )
        })
}

fn agent(current: &CurrentUser) -> Agent {
    Agent {
        user_id: current.user.id,
        organisations: current.actor.organisations.clone(),
        teams: vec![],
    }
}

/// A team as its page shows it.
#[derive(Debug, Clone)]
pub struct TeamFile {
    pub team: Team,
    pub members: Vec<TeamMember>,
    /// The person may add and remove members.
    pub manage: bool,
}

/// The organisation's teams, each with its members.
pub async fn list(
    app: &App,
    current: &CurrentUser,
) -> Result<(Organisation, Vec<TeamFile>), AppError> {
    let organisation = acting_for(current)?;
    let me = current.user.id;
    let (org, who) = (organisation.id, agent(current));
    let admin = current.actor.is_admin;
    let files = app
        .db
        .run(move |conn| {
            let mut files = Vec::new();
            for team in teams::of_organisation(conn, org)? {
                let members = teams::members(conn, &team)?;
                let mine = members.iter().any(|m| m.user.id == me && m.is_admin);
                files.push(TeamFile {
                    manage: may_manage(&who, admin, team.organisation_id, mine),
                    team,
                    members,
                });
            }
            Ok::<_, AppError>(files)
        })
        .await?;
    Ok((organisation, files))
}

/// Makes a team of the organisation the person acts for; they manage it. Returns its id.
pub async fn create(app: &App, current: &CurrentUser, raw_name: &str) -> Result<i64, AppError> {
    let organisation = acting_for(current)?;
    let name = team_name(raw_name).map_err(|e| AppError::Unprocessable(e.to_string()))?;
    let (me, actor, key) = (
        current.user.id,
        current.user.email.clone(),
        app.settings.audit_key.clone(),
    );
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                if teams::named(conn, organisation.id, &name)?.is_some() {
                    return Err(AppError::Unprocessable(format!(
                        "L'équipe « {name} » existe déjà dans votre organisation."
                    )));
                }
                let team =
                    teams::create(conn, organisation.id, &name, me, now()).map_err(
                        |e| match e {
                            // Made by another click at the same moment.
                            diesel::result::Error::DatabaseError(
                                diesel::result::DatabaseErrorKind::UniqueViolation,
                                _,
                            ) => AppError::Unprocessable(format!(
                                "L'équipe « {name} » existe déjà dans votre organisation."
                            )),
                            other => other.into(),
                        },
                    )?;
                audit(conn, &key, &actor, "team.create", &team, None, Some(&name))?;
                Ok(team.id)
            })
        })
        .await
}

fn audit(
    conn: &mut DbConnection,
    key: &secrecy::SecretString,
    actor: &str,
    action: &str,
    team: &Team,
    old: Option<&str>,
    new: Option<&str>,
) -> Result<(), AppError> {
    super::audit::record(
        conn,
        key,
        actor,
        action,
        &format!("team:{}:{}", team.id, team.name),
        old,
        new,
    )
}

/// The team, for an agent of its organisation (or an admin); anyone else: not found.
async fn team_for(app: &App, current: &CurrentUser, id: i64) -> Result<TeamFile, AppError> {
    let (me, who, admin) = (current.user.id, agent(current), current.actor.is_admin);
    app.db
        .run(move |conn| {
            let team = teams::find(conn, id)?.ok_or(AppError::NotFound)?;
            if !admin && !who.organisations.contains(&team.organisation_id) {
                return Err(AppError::NotFound);
            }
            let members = teams::members(conn, &team)?;
            let mine = members.iter().any(|m| m.user.id == me && m.is_admin);
            Ok(TeamFile {
                manage: may_manage(&who, admin, team.organisation_id, mine),
                team,
                members,
            })
        })
        .await
}

pub async fn show(app: &App, current: &CurrentUser, id: i64) -> Result<TeamFile, AppError> {
    team_for(app, current, id).await
}

/// An agent of the organisation the person names, found.
fn colleague(conn: &mut DbConnection, email: &Email, organisation: i64) -> Result<User, AppError> {
    let not_agent = || {
        AppError::Unprocessable(format!(
            "{} n'est pas un agent de cette organisation, ou ne s'est jamais connecté à habilis.",
            email.as_str()
        ))
    };
    let user = users::find_by_email(conn, email.as_str())?.ok_or_else(not_agent)?;
    let theirs = users::organisations_of(conn, user.id)?;
    if !theirs.iter().any(|o| o.id == organisation) {
        return Err(not_agent());
    }
    Ok(user)
}

/// What a team admin does to a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberChange {
    /// Adds them, or sets whether they manage the team.
    Set {
        admin: bool,
    },
    Remove,
}

/// Adds, changes or removes a member (the team's admins, or an admin of the portal).
pub async fn change_member(
    app: &App,
    current: &CurrentUser,
    id: i64,
    email: &str,
    change: MemberChange,
) -> Result<(), AppError> {
    let file = team_for(app, current, id).await?;
    if !file.manage {
        return Err(AppError::ForbiddenBecause(
            "Seuls les administrateurs de l'équipe gèrent ses membres.".to_string(),
        ));
    }
    let email = Email::parse(email).map_err(|e| AppError::Unprocessable(e.to_string()))?;
    let (actor, key) = (current.user.email.clone(), app.settings.audit_key.clone());
    let team = file.team;
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                // Someone who left the organisation can still be taken out of its team.
                let user = match change {
                    MemberChange::Set { .. } => colleague(conn, &email, team.organisation_id)?,
                    MemberChange::Remove => users::find_by_email(conn, email.as_str())?
                        .ok_or_else(|| {
                            AppError::Unprocessable(format!(
                                "{} n'est pas membre de l'équipe.",
                                email.as_str()
                            ))
                        })?,
                };
                let member = format!("{} <{}>", user.full_name(), user.email);
                let members = teams::members(conn, &team)?;
                let admins = members.iter().filter(|m| m.is_admin).count();
                let last_admin =
                    members.iter().any(|m| m.user.id == user.id && m.is_admin) && admins == 1;
                let demoting_or_removing = matches!(
                    change,
                    MemberChange::Set { admin: false } | MemberChange::Remove
                );
                if last_admin && demoting_or_removing {
                    return Err(AppError::Unprocessable(
                        "L'équipe doit garder au moins un administrateur : nommez-en un autre avant.".to_string(),
                    ));
                }
                match change {
                    MemberChange::Set { admin } => {
                        if teams::set_member(conn, team.id, user.id, admin, now())? {
                            let what = if admin { "administrateur" } else { "membre" };
                            let new = format!("{member} : {what}");
                            audit(conn, &key, &actor, "team.member.set", &team, None, Some(&new))?;
                        }
                    }
                    MemberChange::Remove => {
                        if teams::remove_member(conn, team.id, user.id)? {
                            audit(conn, &key, &actor, "team.member.remove", &team, Some(&member), None)?;
                        }
                    }
                }
                Ok(())
            })
        })
        .await
}

/// With whom a habilitation is shared.
#[derive(Debug, Clone)]
pub enum ShareTarget {
    Team(i64),
    Agent(String),
}

/// The shares of a demande's habilitations, and the teams of its organisation to share with.
pub async fn shares(app: &App, file: &DemandeFile) -> Result<(Vec<ShareRow>, Vec<Team>), AppError> {
    let ids: Vec<i64> = file.habilitations.iter().map(|h| h.id).collect();
    let org = file.demande.organisation_id;
    app.db
        .run(move |conn| {
            Ok((
                teams::shares_of(conn, &ids)?,
                teams::of_organisation(conn, org)?,
            ))
        })
        .await
}

/// Shares the demande's active habilitation with a team or an agent of its organisation.
pub async fn share(
    app: &App,
    current: &CurrentUser,
    demande_id: i64,
    target: ShareTarget,
) -> Result<(), AppError> {
    let file = find_for_applicant(app, current, demande_id).await?;
    let org = file.demande.organisation_id;
    let (actor, key) = (current.user.email.clone(), app.settings.audit_key.clone());
    let email = match &target {
        ShareTarget::Agent(raw) => {
            Some(Email::parse(raw).map_err(|e| AppError::Unprocessable(e.to_string()))?)
        }
        ShareTarget::Team(_) => None,
    };
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let habilitation =
                    habilitations::active_for(conn, demande_id)?.ok_or_else(|| {
                        AppError::Unprocessable(
                        "Seule une habilitation en cours se partage : cette demande n'en a pas."
                            .to_string(),
                    )
                    })?;
                let (team_id, user_id, whom) = match (&target, &email) {
                    (ShareTarget::Team(id), _) => {
                        let team = teams::find(conn, *id)?
                            .filter(|t| t.organisation_id == org)
                            .ok_or_else(|| {
                                AppError::Unprocessable(
                                    "Choisissez une équipe de votre organisation.".to_string(),
                                )
                            })?;
                        (Some(team.id), None, format!("équipe « {} »", team.name))
                    }
                    (ShareTarget::Agent(_), Some(email)) => {
                        let user = colleague(conn, email, org)?;
                        (None, Some(user.id), format!("agent {}", user.email))
                    }
                    (ShareTarget::Agent(_), None) => return Ok(()),
                };
                if teams::share(conn, habilitation.id, team_id, user_id, now())? {
                    let org_name = organisations::find(conn, org)?.map(|o| o.name);
                    super::audit::record(
                        conn,
                        &key,
                        &actor,
                        "habilitation.share",
                        &format!("habilitation:{}", habilitation.public_id()),
                        org_name.as_deref(),
                        Some(&whom),
                    )?;
                }
                Ok(())
            })
        })
        .await
}

/// Ends a share of one of the demande's habilitations.
pub async fn unshare(
    app: &App,
    current: &CurrentUser,
    demande_id: i64,
    share_id: i64,
) -> Result<(), AppError> {
    let file = find_for_applicant(app, current, demande_id).await?;
    let ids: Vec<i64> = file.habilitations.iter().map(|h| h.id).collect();
    let (actor, key) = (current.user.email.clone(), app.settings.audit_key.clone());
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let Some(row) = teams::unshare(conn, share_id, &ids)? else {
                    return Err(AppError::NotFound);
                };
                let whom = match (&row.team, &row.user) {
                    (Some((_, name)), _) => format!("équipe « {name} »"),
                    (None, Some(user)) => format!("agent {}", user.email),
                    (None, None) => String::new(),
                };
                super::audit::record(
                    conn,
                    &key,
                    &actor,
                    "habilitation.unshare",
                    &format!(
                        "habilitation:{}",
                        crate::domain::public_id::PublicId::habilitation(row.habilitation_id)
                    ),
                    Some(&whom),
                    None,
                )
            })
        })
        .await
}
