//! Which organisations a person acts for, as an admin sees and corrects it. Removing a
//! membership is audited with its actor; the person's next request no longer sees that
//! organisation's demandes.

use crate::db::models::{Organisation, User};
use crate::db::{organisations, users, write_transaction};
use crate::domain::email::Email;
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::{App, now};

/// A person and their current organisations.
#[derive(Debug, Clone)]
pub struct Member {
    pub user: User,
    pub organisations: Vec<Organisation>,
}

fn only_admins(current: &CurrentUser) -> Result<(), AppError> {
    if current.actor.is_admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The person with this address and their organisations (None when nobody has it).
pub async fn find(
    app: &App,
    current: &CurrentUser,
    email: &str,
) -> Result<Option<Member>, AppError> {
    only_admins(current)?;
    let email = Email::parse(email).map_err(|e| AppError::Unprocessable(e.to_string()))?;
    app.db
        .run(move |conn| {
            let Some(user) = users::find_by_email(conn, email.as_str())? else {
                return Ok(None);
            };
            let organisations = users::organisations_of(conn, user.id)?;
            Ok(Some(Member {
                user,
                organisations,
            }))
        })
        .await
}

/// Ends a person's membership of an organisation (admins only).
#[tracing::instrument(skip_all, fields(organisation = organisation_id))]
pub async fn remove(
    app: &App,
    current: &CurrentUser,
    email: &str,
    organisation_id: i64,
) -> Result<(), AppError> {
    only_admins(current)?;
    let email = Email::parse(email).map_err(|e| AppError::Unprocessable(e.to_string()))?;
    let actor = current.user.email.clone();
    let key = app.settings.audit_key.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let missing = || {
                    AppError::Unprocessable(format!(
                        "{email} n'est pas membre de cette organisation."
                    ))
                };
                let user = users::find_by_email(conn, email.as_str())?.ok_or_else(missing)?;
                let org = organisations::find(conn, organisation_id)?.ok_or_else(missing)?;
                if !users::lapse_membership(conn, user.id, org.id, now())? {
                    return Err(missing());
                }
                super::audit::record(
                    conn,
                    &key,
                    &actor,
                    "membership.remove",
                    &format!("memberships:{email}:{}", org.siret),
                    Some(&org.name),
                    Some("retirée par un administrateur"),
                )
            })
        })
        .await
}
