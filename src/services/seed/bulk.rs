//! `habilis seed --demandes N`: many realistic demandes, fast. A thread generates the rows
//! while the database writes the previous batch; then the database derives each demande's
//! events, messages and habilitation from the rows.

use std::sync::mpsc::sync_channel;

use anyhow::Context;
use diesel::prelude::*;

use crate::catalog::Catalog;
use crate::db::schema::demandes;
use crate::db::{DbConnection, bulk, users};
use crate::domain::policy::Role;

use super::activity::{self, Activity};
use super::rows::{Generator, Org, PLACES, Row};
use super::write::write_batch;
use super::{organisation, role_email, user};
use crate::services::now;

/// Rows generated and written at a time.
const BATCH: usize = 10_000;

/// What `seed_demandes` wrote.
#[derive(Debug, Default, Clone, Copy)]
pub struct Seeded {
    pub demandes: usize,
    pub activity: Activity,
    pub habilitations: usize,
}

const KINDS: [&str; 4] = ["Mairie de", "CCAS de", "Métropole de", "Département de"];

/// A SIRET passing the Luhn check, made from a number.
fn synthetic_siret(n: u64) -> String {
    let base = format!("2{:08}0{:03}", n % 100_000_000, n % 1000);
    (0..10u32)
        .map(|d| format!("{base}{d}"))
        .find(|s| crate::domain::siret::Siret::parse(s).is_ok())
        .unwrap_or(base + "0")
}

/// 200 organisations, each with one agent who applies (created once, found after).
fn organisations(conn: &mut DbConnection) -> anyhow::Result<Vec<Org>> {
    let mut orgs = Vec::new();
    for i in 0..200u64 {
        let place = PLACES[(i % 10) as usize];
        let name = format!("{} {place} {}", KINDS[(i % 4) as usize], i / 10 + 1);
        let siret = synthetic_siret(i + 1000);
        let org = organisation(conn, &siret, &name, "84.11Z")?;
        let town = place.to_lowercase().replace('î', "i");
        let email = format!("agent{i}@{town}.example");
        let u = user(conn, &email, "Agent", &format!("n° {i}"), false)?;
        users::add_membership(conn, u.id, org.id, true, now())?;
        orgs.push(Org {
            id: org.id,
            name: org.name,
            siret: org.siret,
            domain: format!("{town}.example"),
            applicant_id: u.id,
            applicant_email: u.email,
        });
    }
    Ok(orgs)
}

/// `count` demandes spread over every provider, 200 organisations and every state, with dates
/// over the last two years, their timelines, messages and habilitations: data for the
/// dashboard and its benchmark. Deterministic. Returns the number of demandes written.
pub fn seed_demandes(
    conn: &mut DbConnection,
    catalog: &Catalog,
    count: usize,
) -> anyhow::Result<usize> {
    Ok(seed_demandes_counted(conn, catalog, count)?.demandes)
}

/// The id of the first demande to seed. On PostgreSQL the `count` ids are taken from the
/// sequence at once, so that batches written in parallel keep the ids of their rows.
fn first_id(conn: &mut DbConnection, count: usize) -> anyhow::Result<i64> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    if let DbConnection::Postgresql(_) = conn {
        let first =
            diesel::sql_query("SELECT nextval(pg_get_serial_sequence('demandes', 'id')) AS id")
                .get_result::<Id>(conn)?
                .id;
        let last = first + i64::try_from(count)?.max(1) - 1;
        diesel::sql_query("SELECT setval(pg_get_serial_sequence('demandes', 'id'), $1) AS id")
            .bind::<diesel::sql_types::BigInt, _>(last)
            .get_result::<Id>(conn)?;
        return Ok(first);
    }
    let max: Option<i64> = demandes::table
        .select(diesel::dsl::max(demandes::id))
        .first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

/// `seed_demandes`, with the count of everything written. On PostgreSQL everything is written
/// in one transaction, with the tables' indexes and foreign keys set aside and put back at the
/// end (see [`crate::db::bulk`]): several times faster, and a seed that fails leaves nothing.
pub fn seed_demandes_counted(
    conn: &mut DbConnection,
    catalog: &Catalog,
    count: usize,
) -> anyhow::Result<Seeded> {
    let providers = catalog.all();
    anyhow::ensure!(!providers.is_empty(), "aucun fournisseur");
    let orgs = organisations(conn)?;
    // Each provider's instructor answers the messages and decides.
    let mut instructors = Vec::new();
    for p in providers {
        let email = role_email(&p.slug, Role::Instructor);
        let u = user(conn, &email, Role::Instructor.label(), &p.name, false)?;
        users::grant_role(conn, u.id, &p.slug, Role::Instructor, now())?;
        instructors.push((p.slug.clone(), u.id));
    }
    let first = first_id(conn, count)?;
    let ids = (first, first + i64::try_from(count)?);
    let seeded = match conn {
        DbConnection::Postgresql(_) => conn.transaction(|conn| {
            // A crash before the commit loses the seed, which is then run again.
            diesel::sql_query("SET LOCAL synchronous_commit = off").execute(conn)?;
            bulk::fast_compression(conn)?;
            let demandes = bulk::set_aside(conn, &["demandes"])?;
            let others = bulk::set_aside(conn, &ACTIVITY_TABLES)?;
            let written = write_demandes(conn, catalog, &orgs, first, count)?;
            bulk::count_loaded(conn, ids.0, ids.1)?;
            // The events and habilitations read the demandes through their indexes.
            timed("demandes indexed", || demandes.restore(conn))?;
            let seeded = write_activity(conn, catalog, &instructors, ids, written)?;
            timed("events and messages indexed", || others.restore(conn))?;
            anyhow::Ok(seeded)
        })?,
        DbConnection::Sqlite(_) => {
            let written = write_demandes(conn, catalog, &orgs, first, count)?;
            write_activity(conn, catalog, &instructors, ids, written)?
        }
    };
    // Fresh statistics, so the planner knows the tables are large now.
    timed("analyzed", || crate::db::analyze(conn))?;
    Ok(seeded)
}

/// The tables the seed writes after the demandes.
const ACTIVITY_TABLES: [&str; 4] = ["events", "messages", "message_reads", "habilitations"];

/// Runs `work`, and logs how long it took.
fn timed<T, E>(what: &str, work: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    let started = std::time::Instant::now();
    let done = work();
    tracing::info!(secs = started.elapsed().as_secs_f64(), "seed: {what}");
    done
}

/// Writes `count` generated demandes from id `first`: a thread generates the rows while the
/// database writes the previous batch.
fn write_demandes(
    conn: &mut DbConnection,
    catalog: &Catalog,
    orgs: &[Org],
    first: i64,
    count: usize,
) -> anyhow::Result<usize> {
    let providers = catalog.unstaged();
    let (send, receive) = sync_channel::<(usize, Vec<Row>)>(2);
    timed("demandes written", || {
        std::thread::scope(|scope| -> anyhow::Result<usize> {
            let generating = scope.spawn(move || -> anyhow::Result<()> {
                let mut generator = Generator::new(providers, orgs, count);
                let mut index = 0;
                while index < count {
                    let size = BATCH.min(count - index);
                    let batch = (index..index + size)
                        .map(|i| generator.row(i))
                        .collect::<anyhow::Result<Vec<Row>>>()?;
                    if send.send((index, batch)).is_err() {
                        break; // the writer stopped on an error, which it reports
                    }
                    index += size;
                }
                Ok(())
            });
            let mut written = 0;
            let mut failed = None;
            for (index, batch) in &receive {
                match write_batch(conn, catalog, orgs, first + index as i64, &batch) {
                    Ok(n) => written += n,
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            // Unblocks the generator if the writer failed.
            drop(receive);
            generating
                .join()
                .map_err(|_| anyhow::anyhow!("génération des demandes interrompue"))??;
            match failed {
                Some(e) => Err(e),
                None => Ok(written),
            }
        })
    })
}

/// The events, messages and habilitations of the demandes of ids `[ids.0, ids.1)`.
fn write_activity(
    conn: &mut DbConnection,
    catalog: &Catalog,
    instructors: &[(String, i64)],
    ids: (i64, i64),
    written: usize,
) -> anyhow::Result<Seeded> {
    let seeded = activity::Seeded { ids, instructors };
    let activity = timed("events and messages written", || {
        activity::write(conn, &seeded).context("événements et messages")
    })?;
    // A validated demande has its habilitation, as after a real approval.
    let habilitations = timed("habilitations written", || {
        catalog.all().iter().try_fold(0, |n, p| {
            crate::db::habilitations::grant_missing(conn, &p.slug, p.validity_months)
                .map(|granted| n + granted)
        })
    })?;
    Ok(Seeded {
        demandes: written,
        activity,
        habilitations,
    })
}
