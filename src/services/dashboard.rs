//! The instruction dashboard: the demandes of the providers one instructs or reports on, their
//! tab counts and unread messages, read on one connection and kept while unchanged; and the
//! same list in batches for the CSV export.

use std::sync::Arc;

use crate::db::dashboard::{self, Counts, Filter, ListRow};
use crate::db::{DbConnection, messages};
use crate::domain::listing::{Cursor, DashboardQuery};
use crate::error::AppError;

use super::App;
use super::accounts::CurrentUser;
use super::boards::BoardKey;

/// Rows per page of the dashboard.
pub const PAGE_SIZE: i64 = 50;

/// Providers whose demandes the person sees in the workspace (all of them for an admin).
pub fn visible_providers(app: &App, current: &CurrentUser) -> Vec<String> {
    if current.actor.is_admin {
        app.catalog.all().iter().map(|p| p.slug.clone()).collect()
    } else {
        current.actor.reported_providers()
    }
}

/// One page of the dashboard.
#[derive(Debug)]
pub struct Dashboard {
    pub rows: Vec<ListRow>,
    /// Where the next page starts, when there is one.
    pub next: Option<Cursor>,
    pub counts: Counts,
    /// Messages from applicants not read yet: on the rows shown, and how many demandes have some.
    pub unread: Unread,
    /// (id, name) of the people the rows shown are assigned to.
    pub assignees: Vec<(i64, String)>,
    /// The rows as the page shows them, filled by the page the first time it shows this
    /// dashboard: a kept dashboard's rows are formatted and escaped once, not at every load.
    pub rows_html: std::sync::OnceLock<String>,
}

/// The query as a filter on the providers the person sees (`visible`).
fn filter_of(visible: &[String], query: &DashboardQuery, user: i64) -> Filter {
    let providers = if query.providers.is_empty() {
        visible.to_vec()
    } else {
        query
            .providers
            .iter()
            .filter(|p| visible.contains(p))
            .cloned()
            .collect()
    };
    Filter {
        providers,
        states: query.listed_states(),
        search: query.search.clone(),
        from: query.from,
        to: query.to,
        only: None,
        assignee: query.mine.then_some(user),
    }
}

/// The dashboard: demandes of the providers the person instructs or reports on. Kept while
/// the data it shows is unchanged (see [`super::boards`]).
pub async fn dashboard(
    app: &App,
    current: &CurrentUser,
    query: &DashboardQuery,
) -> Result<Arc<Dashboard>, AppError> {
    if !current.actor.sees_instruction() {
        return Err(AppError::Forbidden);
    }
    let key = BoardKey {
        user: current.user.id,
        reads: current.lists_version.map_or(0, |v| v.reads),
        providers: visible_providers(app, current),
        query: query.clone(),
    };
    if let Some(version) = current.lists_version
        && let Some(kept) = app.boards.get(&key, version.demandes)
    {
        return Ok(kept);
    }
    let board = Arc::new(read_dashboard(app, current, &key.providers, query).await?);
    if let Some(version) = current.lists_version {
        app.boards.put(key, version.demandes, board.clone());
    }
    Ok(board)
}

/// The dashboard as the database has it now.
async fn read_dashboard(
    app: &App,
    current: &CurrentUser,
    visible: &[String],
    query: &DashboardQuery,
) -> Result<Dashboard, AppError> {
    let mut filter = filter_of(visible, query, current.user.id);
    let backend = app.db.backend();
    let query = query.clone();
    let user = current.user.id;
    let visible = visible.to_vec();
    // One connection for the whole page: tabs, rows and unread messages.
    app.db
        .run(move |conn| {
            // Counted first: a word search that matches few rows hands them to the list.
            let tally = dashboard::tally(conn, backend, &filter)?;
            filter.only = tally.only;
            let page = dashboard::page(
                conn,
                backend,
                &filter,
                query.sort,
                query.descending,
                query.after.as_ref(),
                PAGE_SIZE + 1,
            )?;
            // A cursor that does not fit the sort (an edited URL) starts from the top.
            let mut rows = match page {
                Some(rows) => rows,
                None => dashboard::page(
                    conn,
                    backend,
                    &filter,
                    query.sort,
                    query.descending,
                    None,
                    PAGE_SIZE + 1,
                )?
                .unwrap_or_default(),
            };
            let next = if rows.len() as i64 > PAGE_SIZE {
                rows.truncate(PAGE_SIZE as usize);
                rows.last()
                    .map(|last| dashboard::cursor_of(last, query.sort))
            } else {
                None
            };
            let shown: Vec<i64> = rows.iter().map(|d| d.id).collect();
            let unread = unread_for_instructor(conn, user, &visible, &shown)?;
            let mut assigned: Vec<i64> = rows.iter().filter_map(|d| d.assigned_to).collect();
            assigned.sort_unstable();
            assigned.dedup();
            let assignees = crate::db::assignments::names(conn, &assigned)?;
            Ok(Dashboard {
                rows,
                assignees,
                next,
                counts: tally.counts,
                unread,
                rows_html: std::sync::OnceLock::new(),
            })
        })
        .await
}

/// Every row of the filtered list, in order, in batches (for the CSV export).
pub fn export_batches(
    app: &App,
    current: &CurrentUser,
    query: &DashboardQuery,
) -> Result<ExportCursor, AppError> {
    if !current.actor.sees_instruction() {
        return Err(AppError::Forbidden);
    }
    Ok(ExportCursor {
        filter: filter_of(&visible_providers(app, current), query, current.user.id),
        sort: query.sort,
        descending: query.descending,
        after: None,
        done: false,
    })
}

/// Walks the filtered list batch by batch.
pub struct ExportCursor {
    filter: Filter,
    sort: crate::domain::listing::Sort,
    descending: bool,
    after: Option<Cursor>,
    done: bool,
}

impl ExportCursor {
    /// The next batch, empty at the end. Blocking: call from a blocking task.
    pub fn next_batch(
        &mut self,
        conn: &mut crate::db::DbConnection,
        backend: crate::db::Backend,
    ) -> Result<Vec<ListRow>, AppError> {
        if self.done {
            return Ok(vec![]);
        }
        let rows = dashboard::page(
            conn,
            backend,
            &self.filter,
            self.sort,
            self.descending,
            self.after.as_ref(),
            1000,
        )?
        .unwrap_or_default();
        self.after = rows
            .last()
            .map(|last| dashboard::cursor_of(last, self.sort));
        self.done = rows.len() < 1000;
        Ok(rows)
    }
}

/// Demandes with unread messages on a page: which of those it shows have some, and for
/// the dashboard's banner how many of the instructor's have some, up to a cap.
#[derive(Debug, Clone, Default)]
pub struct Unread {
    /// The demandes shown that have messages from the other side not read yet.
    pub shown: Vec<i64>,
    /// How many demandes have some (at most `UNREAD_CAP`, then `more`).
    pub demandes: usize,
    /// More than `UNREAD_CAP` demandes have some.
    pub more: bool,
}

/// The banner counts demandes with unread messages exactly up to this, then says "more than".
pub const UNREAD_CAP: usize = 100;

/// For the instruction dashboard, on the connection that read its rows: which of the
/// demandes shown (`shown`) have messages from applicants not read yet, and on how many of
/// the `providers`' demandes (capped).
pub fn unread_for_instructor(
    conn: &mut DbConnection,
    user: i64,
    providers: &[String],
    shown: &[i64],
) -> Result<Unread, AppError> {
    let marked = messages::unread_among(conn, user, true, shown)?;
    let found = messages::unread_for_instructor(conn, user, providers, UNREAD_CAP as i64)?;
    Ok(Unread {
        shown: marked,
        demandes: found.min(UNREAD_CAP),
        more: found > UNREAD_CAP,
    })
}
