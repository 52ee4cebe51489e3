//! Who is signed in, and the demo accounts of the dev login.

use crate::db::models::{Organisation, User};
use crate::db::users;
use crate::domain::policy::{Actor, Role};
use crate::error::AppError;

use super::App;

/// The signed-in person with what the policy needs.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub actor: Actor,
    pub organisations: Vec<Organisation>,
}

impl CurrentUser {
    /// The organisation demandes are made for (the first one until people can switch).
    pub fn current_organisation(&self) -> Option<&Organisation> {
        self.organisations.first()
    }
}

pub async fn load(app: &App, user_id: i64) -> Result<Option<CurrentUser>, AppError> {
    app.db
        .run(move |conn| {
            let Some(user) = users::find(conn, user_id)? else {
                return Ok(None);
            };
            let roles = users::roles_of(conn, user_id)?
                .into_iter()
                .filter_map(|(provider, role)| Role::parse(&role).map(|r| (provider, r)))
                .collect();
            let organisations = users::organisations_of(conn, user_id)?;
            let actor = Actor {
                user_id,
                is_admin: user.is_admin,
                organisations: organisations.iter().map(|o| o.id).collect(),
                roles,
            };
            Ok(Some(CurrentUser {
                user,
                actor,
                organisations,
            }))
        })
        .await
}

/// A demo account as the dev login page shows it.
#[derive(Debug, Clone)]
pub struct DevAccount {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub description: String,
}

pub async fn dev_accounts(app: &App) -> Result<Vec<DevAccount>, AppError> {
    app.db
        .run(|conn| {
            let mut out = Vec::new();
            for user in users::all(conn, 500)? {
                let mut parts: Vec<String> = users::organisations_of(conn, user.id)?
                    .into_iter()
                    .map(|o| format!("demandeur pour {}", o.name))
                    .collect();
                for (provider, role) in users::roles_of(conn, user.id)? {
                    let label = Role::parse(&role)
                        .map(|r| r.label())
                        .unwrap_or("rôle inconnu");
                    parts.push(format!("{} {}", label.to_lowercase(), provider));
                }
                if user.is_admin {
                    parts.push("administrateur".to_string());
                }
                out.push(DevAccount {
                    id: user.id,
                    name: user.full_name(),
                    email: user.email.clone(),
                    description: parts.join(", "),
                });
            }
            Ok(out)
        })
        .await
}
