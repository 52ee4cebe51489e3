//! Granting and removing roles, by admins (everywhere) and managers (their providers).
//! Every change is written to the audit log with the roles before and after.

use crate::db::audit;
use crate::db::models::NewUser;
use crate::db::{DbConnection, users, write_transaction};
use crate::domain::email::Email;
use crate::domain::policy::{self, Role};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::{App, now};

/// Who changes a role: a signed-in person, or an operator on the command line.
#[derive(Debug, Clone, Copy)]
pub enum Who<'a> {
    User(&'a CurrentUser),
    Cli,
}

impl Who<'_> {
    fn may_manage(&self, provider: &str) -> bool {
        match self {
            Who::User(current) => policy::can_manage_roles(&current.actor, provider),
            Who::Cli => true,
        }
    }

    fn label(&self) -> String {
        match self {
            Who::User(current) => current.user.email.clone(),
            Who::Cli => super::audit::CLI.to_string(),
        }
    }
}

/// One person holding one role.
#[derive(Debug, Clone)]
pub struct Holder {
    pub provider: String,
    pub role: Role,
    pub email: String,
    pub name: String,
}

/// Providers whose roles the person may manage (all of them for an admin).
pub fn managed_providers(app: &App, current: &CurrentUser) -> Vec<String> {
    app.catalog
        .all()
        .iter()
        .filter(|p| policy::can_manage_roles(&current.actor, &p.slug))
        .map(|p| p.slug.clone())
        .collect()
}

/// Role holders of the providers the person manages.
pub async fn holders(app: &App, current: &CurrentUser) -> Result<Vec<Holder>, AppError> {
    let providers = managed_providers(app, current);
    if providers.is_empty() {
        return Err(AppError::Forbidden);
    }
    app.db
        .run(move |conn| {
            Ok(users::role_holders(conn, &providers)?
                .into_iter()
                .map(|(provider, role, user)| Holder {
                    provider,
                    role,
                    name: user.full_name().trim().to_string(),
                    email: user.email,
                })
                .collect())
        })
        .await
}

/// Checked input of a grant or a removal.
struct Request {
    email: Email,
    provider: String,
    role: Role,
}

fn parse(
    app: &App,
    who: Who,
    email: &str,
    provider: &str,
    role: &str,
) -> Result<Request, AppError> {
    let email = Email::parse(email).map_err(|e| AppError::Unprocessable(e.to_string()))?;
    if app.catalog.get(provider).is_none() {
        return Err(AppError::Unprocessable(format!(
            "Le fournisseur de données « {} » n'existe pas.",
            provider.chars().take(80).collect::<String>()
        )));
    }
    let role = Role::parse(role).ok_or_else(|| {
        AppError::Unprocessable(format!(
            "Rôle inconnu « {} » : attendu subscriber, reporter, instructor ou manager.",
            role.chars().take(40).collect::<String>()
        ))
    })?;
    if !who.may_manage(provider) {
        return Err(AppError::Forbidden);
    }
    Ok(Request {
        email,
        provider: provider.to_string(),
        role,
    })
}

fn audit_change(
    conn: &mut DbConnection,
    key: &secrecy::SecretString,
    who: &str,
    action: &str,
    req: &Request,
    before: &[Role],
    after: &[Role],
) -> Result<(), AppError> {
    let resource = format!("roles:{}:{}", req.provider, req.email);
    // The stored names, as the audit log always showed them.
    let names = |roles: &[Role]| roles.iter().map(|r| r.as_str()).collect::<Vec<_>>();
    let old = serde_json::to_string(&names(before)).map_err(anyhow::Error::from)?;
    let new = serde_json::to_string(&names(after)).map_err(anyhow::Error::from)?;
    super::audit::record(conn, key, who, action, &resource, Some(&old), Some(&new))
}

/// What is done to a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Gives it (creating the person's account by email when it does not exist yet).
    Grant,
    Revoke,
}

/// The role a request names, as typed: an email, a provider's slug, a role name.
pub struct Typed<'a> {
    pub email: &'a str,
    pub provider: &'a str,
    pub role: &'a str,
}

/// Gives or removes a role, after checking what was typed and who asks.
#[tracing::instrument(skip_all, fields(provider = typed.provider, role = typed.role))]
pub async fn change(
    app: &App,
    who: Who<'_>,
    typed: Typed<'_>,
    change: Change,
) -> Result<(), AppError> {
    let req = parse(app, who, typed.email, typed.provider, typed.role)?;
    apply(app, who, req, change).await
}

/// Grants or removes a checked role in one transaction, audited with the roles before and after.
async fn apply(app: &App, who: Who<'_>, req: Request, change: Change) -> Result<(), AppError> {
    let actor = who.label();
    let key = app.settings.audit_key.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let missing = || AppError::Unprocessable(format!("{} n'a pas ce rôle.", req.email));
                let user = match (users::find_by_email(conn, req.email.as_str())?, change) {
                    (Some(user), _) => user,
                    (None, Change::Revoke) => return Err(missing()),
                    (None, Change::Grant) => users::insert(
                        conn,
                        &NewUser {
                            email: req.email.as_str(),
                            given_name: "",
                            family_name: "",
                            is_admin: false,
                            created_at: now(),
                        },
                    )?,
                };
                let before = users::roles_for_provider(conn, user.id, &req.provider)?;
                let action = match change {
                    Change::Grant if before.contains(&req.role) => {
                        return Err(AppError::Unprocessable(format!(
                            "{} a déjà ce rôle.",
                            req.email
                        )));
                    }
                    Change::Grant => {
                        users::grant_role(conn, user.id, &req.provider, req.role, now())?;
                        "role.grant"
                    }
                    Change::Revoke => {
                        if users::revoke_role(conn, user.id, &req.provider, req.role)? == 0 {
                            return Err(missing());
                        }
                        "role.revoke"
                    }
                };
                let after = users::roles_for_provider(conn, user.id, &req.provider)?;
                audit_change(conn, &key, &actor, action, &req, &before, &after)
            })
        })
        .await
}

/// The latest audit entries, for admins.
pub async fn audit_trail(
    app: &App,
    current: &CurrentUser,
    limit: i64,
) -> Result<Vec<audit::AuditRow>, AppError> {
    if !current.actor.is_admin {
        return Err(AppError::Forbidden);
    }
    app.db
        .run(move |conn| Ok(audit::recent(conn, limit)?))
        .await
}
