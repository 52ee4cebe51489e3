//! Who receives an email, and the link each of them can open.

use crate::catalog::Provider;
use crate::db::models::{Demande, User};
use crate::db::{DbConnection, users};
use crate::domain::form::{Answers, Value};
use crate::domain::policy::Role;
use crate::error::AppError;

use super::{Kind, Links, holders};

/// One email to write: to a person with an account (who may switch it off) or to an address.
pub(super) struct To {
    pub email: String,
    pub user_id: Option<i64>,
    /// The reader's own link to the demande, when it differs from the email's.
    pub link: Option<String>,
}

pub(super) fn applicant_path(demande: &Demande) -> String {
    format!("/demandes/{}", demande.id)
}

pub(super) fn instruction_path(demande: &Demande) -> String {
    format!("/instruction/demandes/{}", demande.id)
}

/// The read-only summary a subscriber (who has no access to the instruction workspace) opens.
pub(super) fn subscription_path(demande: &Demande) -> String {
    format!("/abonnement/demandes/{}", demande.id)
}

pub(super) fn people(list: Vec<User>) -> Vec<To> {
    list.into_iter()
        .map(|u| To {
            email: u.email,
            user_id: Some(u.id),
            link: None,
        })
        .collect()
}

/// The provider's people who get `kind`, each with the link they can open: the instruction
/// page for those who see the workspace, the read-only summary for subscribers.
pub(super) fn staff(
    conn: &mut DbConnection,
    links: &Links,
    provider: &Provider,
    demande: &Demande,
    kind: Kind,
) -> Result<Vec<To>, AppError> {
    let held = users::role_holders(conn, std::slice::from_ref(&provider.slug))?;
    let mut to: Vec<(String, To)> = Vec::new();
    for (_, role, user) in &held {
        if !holders(kind).contains(role) || to.iter().any(|(e, _)| e == &user.email) {
            continue;
        }
        let reads_workspace = held
            .iter()
            .any(|(_, r, u)| u.id == user.id && *r != Role::Subscriber);
        let path = if reads_workspace {
            instruction_path(demande)
        } else {
            subscription_path(demande)
        };
        to.push((
            user.email.clone(),
            To {
                email: user.email.clone(),
                user_id: Some(user.id),
                link: Some(links.to(&path)),
            },
        ));
    }
    to.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(to.into_iter().map(|(_, t)| t).collect())
}

/// The applicant, while still an agent of the organisation: one who left (their membership
/// lapsed or was removed) is no longer told of its demandes.
pub(super) fn applicant(conn: &mut DbConnection, demande: &Demande) -> Result<Vec<To>, AppError> {
    let member = users::organisations_of(conn, demande.applicant_id)?
        .iter()
        .any(|o| o.id == demande.organisation_id);
    if !member {
        return Ok(vec![]);
    }
    Ok(users::find(conn, demande.applicant_id)?
        .map(|u| {
            vec![To {
                email: u.email,
                user_id: Some(u.id),
                link: None,
            }]
        })
        .unwrap_or_default())
}

/// The GDPR contacts named in the answers: (address, their role in words).
pub(super) fn contacts(answers: &Answers) -> Vec<(String, &'static str)> {
    [
        ("responsable_traitement_email", "responsable de traitement"),
        (
            "delegue_protection_donnees_email",
            "délégué(e) à la protection des données",
        ),
    ]
    .into_iter()
    .filter_map(|(key, role)| match answers.get(key) {
        Some(Value::One(email)) if crate::domain::email::Email::parse(email).is_ok() => {
            Some((email.clone(), role))
        }
        _ => None,
    })
    .collect()
}
