//! The weekly digest: a provider's demandes by state and the oldest waiting ones, for the
//! people who see its dashboard and asked for it (off by default). Run by the worker every
//! hour with the clock passed in; the first run of each ISO week sends it, and a row per
//! person, provider and week makes a second run (or a second instance) send nothing.

use chrono::NaiveDateTime;

use crate::catalog::Provider;
use crate::db::dashboard::{self, Counts, Filter};
use crate::db::{Backend, DbConnection, outbox, users, weekly_digests, write_transaction};
use crate::domain::demande::{State, public_id};
use crate::domain::listing::{DEFAULT_STATES, DashboardQuery, Sort};
use crate::error::AppError;

use super::App;
use super::notify::{self, DigestData, Kind, MailData, WaitingDemande};

/// Waiting demandes listed in a digest.
pub const OLDEST_LISTED: i64 = 5;

/// The ISO week of a moment: "2026-W48".
pub fn week_of(at: NaiveDateTime) -> String {
    at.format("%G-W%V").to_string()
}

fn dashboard_path(provider: &Provider, states: Vec<State>, oldest_first: bool) -> String {
    DashboardQuery {
        providers: vec![provider.slug.clone()],
        states,
        sort: Sort::Submitted,
        descending: !oldest_first,
        ..DashboardQuery::default()
    }
    .path()
}

/// What a provider's digest says this week.
fn digest_of(
    conn: &mut DbConnection,
    backend: Backend,
    app: &App,
    provider: &Provider,
) -> Result<(MailData, DigestData), AppError> {
    let filter = Filter {
        providers: vec![provider.slug.clone()],
        states: vec![State::Submitted],
        search: None,
        from: None,
        to: None,
        only: None,
        assignee: None,
    };
    let counts = match dashboard::tally(conn, backend, &filter)?.counts {
        Counts::Exact(counts) => counts,
        // Never without a search or a period; nothing to count then.
        Counts::Over => vec![],
    };
    let oldest = dashboard::page(
        conn,
        backend,
        &filter,
        Sort::Submitted,
        false,
        None,
        OLDEST_LISTED,
    )?
    .unwrap_or_default();
    let links = &app.links;
    let digest = DigestData {
        counts: counts
            .into_iter()
            .filter(|(state, _)| DEFAULT_STATES.contains(state))
            .map(|(state, n)| {
                let path = dashboard_path(provider, vec![state], false);
                (state.label().to_string(), n, links.to(&path))
            })
            .collect(),
        oldest: oldest
            .iter()
            .map(|d| WaitingDemande {
                public_id: public_id(d.id),
                intitule: d.intitule.clone(),
                organisation: d.organisation_name.clone(),
                since: d
                    .last_submitted_at
                    .map(|at| at.format("%d/%m/%Y").to_string())
                    .unwrap_or_default(),
                link: links.to(&format!("/instruction/demandes/{}", d.id)),
            })
            .collect(),
        waiting_link: links.to(&dashboard_path(provider, vec![State::Submitted], true)),
    };
    let data = MailData {
        subject: format!("[habilis] Résumé de la semaine – {}", provider.name),
        provider_name: provider.name.clone(),
        link: links.to(&dashboard_path(provider, vec![], false)),
        link_label: "Ouvrir le tableau de bord".to_string(),
        ..MailData::default()
    };
    Ok((data, digest))
}

/// Sends the digests due at `now`; returns how many were sent.
pub async fn run(app: std::sync::Arc<App>, now: NaiveDateTime) -> Result<usize, AppError> {
    let job = app.clone();
    let backend = app.db.backend();
    app.db
        .run(move |conn| {
            let app = &*job;
            let week = week_of(now);
            let kind = Kind::WeeklyDigest;
            let mut sent = 0;
            for provider in app.catalog.all() {
                // Off by default: only those who switched it on.
                let asked = outbox::switched_on(conn, &provider.slug, kind.as_str())?;
                if asked.is_empty() {
                    continue;
                }
                let readers: Vec<_> =
                    users::holders_of(conn, &provider.slug, notify::holders(kind))?
                        .into_iter()
                        .filter(|u| asked.contains(&u.id))
                        .collect();
                if readers.is_empty() {
                    continue;
                }
                let (data, digest) = digest_of(conn, backend, app, provider)?;
                for user in &readers {
                    let done = write_transaction(conn, |conn| {
                        if !weekly_digests::claim(conn, user.id, &provider.slug, &week, now)? {
                            return Ok::<_, AppError>(false);
                        }
                        notify::digest(conn, &app.links, provider, user, (&data, &digest), now)?;
                        Ok(true)
                    })?;
                    sent += usize::from(done);
                }
            }
            Ok(sent)
        })
        .await
}
