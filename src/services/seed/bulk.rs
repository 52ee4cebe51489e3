//! `habilis seed --demandes N`: many realistic demandes, fast. A thread generates the rows
//! while the database writes the previous batch; then the database derives each demande's
//! events, messages and habilitation from the rows, one id range per connection given
//! (PostgreSQL works on several at once; SQLite has one writer).

use std::sync::Mutex;
use std::sync::mpsc::{Receiver, sync_channel};

use anyhow::Context;
use diesel::prelude::*;

use crate::catalog::Catalog;
use crate::db::schema::demandes;
use crate::db::{DbConnection, users};
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
    Ok(seed_demandes_counted(&mut [conn], catalog, count)?.demandes)
}

/// Runs `work` on each connection at once, in its own thread.
fn on_each<T, F>(conns: &mut [&mut DbConnection], work: F) -> anyhow::Result<Vec<T>>
where
    T: Send,
    F: Fn(usize, &mut DbConnection) -> anyhow::Result<T> + Sync,
{
    std::thread::scope(|scope| {
        let work = &work;
        let running: Vec<_> = conns
            .iter_mut()
            .enumerate()
            .map(|(i, conn)| scope.spawn(move || work(i, conn)))
            .collect();
        running
            .into_iter()
            .map(|r| {
                r.join()
                    .map_err(|_| anyhow::anyhow!("écriture interrompue"))?
            })
            .collect()
    })
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

/// `seed_demandes` on one or more connections to the same database, with the count of
/// everything written.
pub fn seed_demandes_counted(
    conns: &mut [&mut DbConnection],
    catalog: &Catalog,
    count: usize,
) -> anyhow::Result<Seeded> {
    let providers = catalog.all();
    anyhow::ensure!(!providers.is_empty(), "aucun fournisseur");
    let [conn, ..] = conns else {
        anyhow::bail!("aucune connexion");
    };
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
    on_each(conns, |_, conn| {
        if let DbConnection::Postgresql(_) = conn {
            // A crash loses at most the last batches of a seed, which is then run again.
            diesel::sql_query("SET synchronous_commit = off").execute(conn)?;
        }
        Ok(())
    })?;

    let orgs = &orgs;
    let (send, receive) = sync_channel::<(usize, Vec<Row>)>(conns.len() + 1);
    let receive = Mutex::new(receive);
    let written = std::thread::scope(|scope| -> anyhow::Result<usize> {
        let generating = scope.spawn(move || -> anyhow::Result<()> {
            let mut generator = Generator::new(providers, orgs, count);
            let mut index = 0;
            while index < count {
                let size = BATCH.min(count - index);
                let batch = (index..index + size)
                    .map(|i| generator.row(i))
                    .collect::<anyhow::Result<Vec<Row>>>()?;
                if send.send((index, batch)).is_err() {
                    break; // a writer stopped on an error, which it reports
                }
                index += size;
            }
            Ok(())
        });
        // One writer: every inserted row bumps its (provider, state) row of `demande_counts`
        // (a trigger), so two COPYs at once would wait for each other, or deadlock.
        let written = on_each(&mut conns[..1], |_, conn| {
            let mut written = 0;
            while let Some((index, batch)) = next(&receive) {
                written += write_batch(conn, catalog, orgs, first + index as i64, &batch)?;
            }
            Ok(written)
        });
        // Unblocks the generator if a writer failed.
        drop(
            receive
                .lock()
                .map(|mut r| std::mem::replace(&mut *r, sync_channel(0).1)),
        );
        generating
            .join()
            .map_err(|_| anyhow::anyhow!("génération des demandes interrompue"))??;
        Ok(written?.into_iter().sum())
    })?;

    // One range of ids per connection.
    let parts = conns.len() as i64;
    let span = (i64::try_from(count)? + parts - 1) / parts;
    let activity = on_each(conns, |i, conn| {
        let from = first + span * i as i64;
        let seeded = activity::Seeded {
            ids: (from, (from + span).min(first + count as i64)),
            instructors: &instructors,
        };
        activity::write(conn, &seeded).context("événements et messages")
    })?
    .into_iter()
    .fold(Activity::default(), |a, b| a + b);
    // A validated demande has its habilitation, as after a real approval.
    let habilitations: usize = on_each(conns, |i, conn| {
        let mut granted = 0;
        for p in providers.iter().skip(i).step_by(parts as usize) {
            granted += crate::db::habilitations::grant_missing(conn, &p.slug, p.validity_months)?;
        }
        if let DbConnection::Postgresql(_) = conn {
            diesel::sql_query("SET synchronous_commit = DEFAULT").execute(conn)?;
        }
        Ok(granted)
    })?
    .into_iter()
    .sum();
    // Fresh statistics, so the planner knows the tables are large now.
    crate::db::analyze(conns[0])?;
    Ok(Seeded {
        demandes: written,
        activity,
        habilitations,
    })
}

fn next<T>(receive: &Mutex<Receiver<T>>) -> Option<T> {
    receive.lock().ok()?.recv().ok()
}
