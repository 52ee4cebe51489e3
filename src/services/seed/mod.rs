//! Demo data: a town hall's applicants, and an instructor, a reporter and a subscriber for
//! each provider, plus an admin. Idempotent: running it twice changes nothing.

use anyhow::Context;

use crate::catalog::Catalog;
use crate::db::models::{NewOrganisation, NewUser, Organisation, User};
use crate::db::{DbConnection, organisations, users};
use crate::domain::policy::Role;

use super::now;

mod activity;
mod answers;
mod bulk;
mod procedure;
mod rng;
mod rows;
mod sharing;
#[cfg(test)]
mod tests;
mod write;

pub use activity::Activity;
pub use bulk::{Seeded, seed_demandes, seed_demandes_counted};
pub use procedure::seed_procedure;
pub use rows::RARE_WORD;
pub use sharing::seed_sharing;

/// (SIRET, name, NAF) of the demo organisations.
pub const DEMO_ORGANISATIONS: [(&str, &str, &str); 3] = [
    ("21690123100011", "Mairie de Lyon", "84.11Z"),
    ("21380055400007", "Mairie de Grenoble", "84.11Z"),
    ("26690068600004", "CCAS de Lyon", "88.99B"),
];

/// (email, given name, family name, organisation SIRET); one row per membership.
pub const DEMO_APPLICANTS: [(&str, &str, &str, &str); 5] = [
    (
        "marie.dupont@mairie-lyon.fr",
        "Marie",
        "Dupont",
        "21690123100011",
    ),
    (
        "paul.martin@mairie-lyon.fr",
        "Paul",
        "Martin",
        "21690123100011",
    ),
    (
        "jeanne.roux@grenoble.fr",
        "Jeanne",
        "Roux",
        "21380055400007",
    ),
    // Acts for two organisations, and switches in the header.
    (
        "luc.bernard@mairie-lyon.fr",
        "Luc",
        "Bernard",
        "21690123100011",
    ),
    (
        "luc.bernard@mairie-lyon.fr",
        "Luc",
        "Bernard",
        "26690068600004",
    ),
];

pub const DEMO_ADMIN: &str = "admin@habilis.example";

/// The demo email of a provider's role: `instruction@api-particulier.example`...
pub fn role_email(provider: &str, role: Role) -> String {
    let who = match role {
        Role::Instructor => "instruction",
        Role::Reporter => "rapport",
        Role::Subscriber => "abonnement",
        Role::Manager => "gestion",
    };
    format!("{who}@{provider}.example")
}

fn user(
    conn: &mut DbConnection,
    email: &str,
    given: &str,
    family: &str,
    is_admin: bool,
) -> anyhow::Result<User> {
    if let Some(u) = users::find_by_email(conn, email)? {
        return Ok(u);
    }
    Ok(users::insert(
        conn,
        &NewUser {
            email,
            given_name: given,
            family_name: family,
            is_admin,
            created_at: now(),
        },
    )?)
}

fn organisation(
    conn: &mut DbConnection,
    siret: &str,
    name: &str,
    naf: &str,
) -> anyhow::Result<Organisation> {
    if let Some(o) = organisations::find_by_siret(conn, siret)? {
        return Ok(o);
    }
    Ok(organisations::insert(
        conn,
        &NewOrganisation {
            siret,
            name,
            naf: Some(naf),
            created_at: now(),
        },
    )?)
}

/// Creates the demo accounts that are missing.
pub fn seed_demo(conn: &mut DbConnection, catalog: &Catalog) -> anyhow::Result<()> {
    for (siret, name, naf) in DEMO_ORGANISATIONS {
        organisation(conn, siret, name, naf)
            .with_context(|| format!("organisation de démonstration {name}"))?;
    }
    for (email, given, family, siret) in DEMO_APPLICANTS {
        let u = user(conn, email, given, family, false)?;
        let org = organisations::find_by_siret(conn, siret)?
            .context("organisation de démonstration absente")?;
        users::add_membership(conn, u.id, org.id, true, now())?;
    }
    for provider in catalog.all() {
        for role in [
            Role::Instructor,
            Role::Reporter,
            Role::Subscriber,
            Role::Manager,
        ] {
            let email = role_email(&provider.slug, role);
            let u = user(conn, &email, role.label(), &provider.name, false)?;
            users::grant_role(conn, u.id, &provider.slug, role, now())?;
        }
    }
    user(conn, DEMO_ADMIN, "Alice", "Administratrice", true)?;
    Ok(())
}

/// The demo accounts with a real name (applicants, each provider's role holders, the admin),
/// as opposed to the agents `seed_demandes` generates by the hundred.
pub fn named_demo_emails(catalog: &Catalog) -> Vec<String> {
    let mut emails: Vec<String> = DEMO_APPLICANTS
        .iter()
        .map(|(email, ..)| email.to_string())
        .collect();
    emails.dedup();
    for provider in catalog.all() {
        for role in [
            Role::Instructor,
            Role::Reporter,
            Role::Subscriber,
            Role::Manager,
        ] {
            emails.push(role_email(&provider.slug, role));
        }
    }
    emails.push(DEMO_ADMIN.to_string());
    emails
}

/// Made-up answers to every field of a provider's form, the same on every call: what
/// `habilis providers preview` shows in its forms.
pub fn made_up_answers(provider: &crate::catalog::Provider) -> crate::domain::form::Answers {
    answers::fill(
        provider,
        &mut rng::Rng::new(7),
        &answers::Context {
            intitule: "Tarification sociale de la cantine – Lyon",
            organisation: "Mairie de Lyon",
            siret: "21690123100011",
            domain: "mairie-lyon.fr",
        },
    )
    .0
}
