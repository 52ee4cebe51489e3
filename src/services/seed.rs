//! Demo data: a town hall's applicants, and an instructor, a reporter and a subscriber for
//! each provider, plus an admin. Idempotent: running it twice changes nothing.

use anyhow::Context;

use crate::catalog::Catalog;
use crate::db::models::{NewOrganisation, NewUser, Organisation, User};
use crate::db::{DbConnection, organisations, users};
use crate::domain::policy::Role;

use super::now;

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

/// Words the synthetic intitulés are made of.
const PROJECTS: [&str; 12] = [
    "Tarification de la cantine scolaire",
    "Aides sociales facultatives du CCAS",
    "Place en crèche",
    "Activités périscolaires",
    "Carte de transport solidaire",
    "Stationnement résidentiel",
    "Marchés publics",
    "Subventions aux associations",
    "Bourses départementales",
    "Tarification de l'école de musique",
    "Aide au permis de conduire",
    "Portail famille",
];
const PLACES: [&str; 10] = [
    "Lyon", "Grenoble", "Rennes", "Lille", "Nantes", "Dijon", "Metz", "Nîmes", "Brest", "Tours",
];
const KINDS: [&str; 4] = ["Mairie de", "CCAS de", "Métropole de", "Département de"];

/// A SIRET passing the Luhn check, made from a number.
fn synthetic_siret(n: u64) -> String {
    let base = format!("2{:08}0{:03}", n % 100_000_000, n % 1000);
    (0..10u32)
        .map(|d| format!("{base}{d}"))
        .find(|s| crate::domain::siret::Siret::parse(s).is_ok())
        .unwrap_or(base + "0")
}

/// `count` demandes spread over every provider, 200 organisations and every state, with
/// dates over the last two years: data for the dashboard and its benchmark. Deterministic.
pub fn seed_demandes(
    conn: &mut DbConnection,
    catalog: &Catalog,
    count: usize,
) -> anyhow::Result<usize> {
    use crate::db::demandes;
    use crate::db::models::NewDemande;
    use crate::domain::demande::State;

    let providers: Vec<String> = catalog.all().iter().map(|p| p.slug.clone()).collect();
    anyhow::ensure!(!providers.is_empty(), "aucun fournisseur");
    let mut orgs = Vec::new();
    for i in 0..200u64 {
        let name = format!(
            "{} {} {}",
            KINDS[(i % 4) as usize],
            PLACES[(i % 10) as usize],
            i / 10 + 1
        );
        let siret = synthetic_siret(i + 1000);
        let org = organisation(conn, &siret, &name, "84.11Z")?;
        let email = format!(
            "agent{i}@{}.example",
            PLACES[(i % 10) as usize].to_lowercase().replace('î', "i")
        );
        let u = user(conn, &email, "Agent", &format!("n° {i}"), false)?;
        users::add_membership(conn, u.id, org.id, true, now())?;
        orgs.push((org, u));
    }
    let states = [
        (State::Submitted, 40),
        (State::ChangesRequested, 15),
        (State::Validated, 25),
        (State::Refused, 10),
        (State::Archived, 5),
        (State::Draft, 5),
    ];
    let pick_state = |n: u64| {
        let mut roll = n % 100;
        for (state, weight) in states {
            if roll < weight {
                return state;
            }
            roll -= weight;
        }
        State::Submitted
    };
    let start = now() - chrono::Duration::days(730);
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        // xorshift: fast, deterministic, good enough for test data.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut inserted = 0;
    let empty = "{}";
    let no_scopes = "[]";
    while inserted < count {
        let batch = (count - inserted).min(500);
        let mut owned = Vec::with_capacity(batch);
        for _ in 0..batch {
            let (org, u) = &orgs[(next() % orgs.len() as u64) as usize];
            let provider = &providers[(next() % providers.len() as u64) as usize];
            let intitule = format!(
                "{} – {}",
                PROJECTS[(next() % 12) as usize],
                PLACES[(next() % 10) as usize]
            );
            let created = start + chrono::Duration::minutes((next() % (729 * 24 * 60)) as i64);
            let state = pick_state(next());
            let submitted = (state != State::Draft)
                .then(|| created + chrono::Duration::hours((next() % 48) as i64 + 1));
            let updated =
                submitted.unwrap_or(created) + chrono::Duration::hours((next() % 72) as i64);
            owned.push((
                provider.clone(),
                org.clone(),
                u.clone(),
                intitule,
                state,
                created,
                updated,
                submitted,
            ));
        }
        let rows: Vec<NewDemande> = owned
            .iter()
            .map(
                |(provider, org, u, intitule, state, created, updated, submitted)| NewDemande {
                    provider,
                    template: None,
                    organisation_id: org.id,
                    applicant_id: u.id,
                    state: state.as_str(),
                    answers: empty,
                    scopes: no_scopes,
                    intitule,
                    organisation_name: &org.name,
                    siret: &org.siret,
                    applicant_email: &u.email,
                    lock_version: 0,
                    created_at: *created,
                    updated_at: *updated,
                    last_submitted_at: *submitted,
                },
            )
            .collect();
        inserted += demandes::insert_many(conn, &rows)?;
    }
    // A validated demande has its habilitation, as after a real approval.
    for provider in catalog.all() {
        crate::db::habilitations::grant_missing(conn, &provider.slug, provider.validity_months)?;
    }
    // Fresh statistics, so the planner knows the table is large now.
    crate::db::analyze(conn)?;
    Ok(inserted)
}
