//! The instruction dashboard's queries: filters, search routed to the right index, keyset
//! pagination on every sort column, and counts per state read from a table the database keeps
//! (or, for a search or a period, counted up to a cap).

use super::MultiBackend;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use strum::VariantArray;

use super::schema::{demande_counts, demandes};
use super::{Backend, DbConnection};
use crate::domain::demande::State;
use crate::domain::listing::{Cursor, SearchKey, Sort};

/// What to list (the position aside).
#[derive(Debug, Clone)]
pub struct Filter {
    /// Providers the person may see, narrowed by the query.
    pub providers: Vec<String>,
    pub states: Vec<State>,
    pub search: Option<SearchKey>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Every row the search matches, when [`tally`] found few: the list then reads them by id
    /// instead of walking the date index in search of rare words.
    pub only: Option<Vec<i64>>,
    /// Only the demandes assigned to this person ("assigned to me").
    pub assignee: Option<i64>,
}

/// What a list row shows (and the CSV, and the digest): the answers stay in the table.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = demandes)]
pub struct ListRow {
    pub id: i64,
    pub provider: String,
    pub state: String,
    pub intitule: String,
    pub organisation_name: String,
    pub siret: String,
    pub applicant_email: String,
    pub updated_at: NaiveDateTime,
    pub last_submitted_at: Option<NaiveDateTime>,
    /// The procedure's stage, for a provider in stages.
    pub stage: Option<String>,
    /// The instructor it is assigned to.
    pub assigned_to: Option<i64>,
}

impl super::models::Demande {
    /// The columns a list shows.
    pub fn listed(&self) -> ListRow {
        ListRow {
            id: self.id,
            provider: self.provider.clone(),
            state: self.state.clone(),
            intitule: self.intitule.clone(),
            organisation_name: self.organisation_name.clone(),
            siret: self.siret.clone(),
            applicant_email: self.applicant_email.clone(),
            updated_at: self.updated_at,
            last_submitted_at: self.last_submitted_at,
            stage: self.stage.clone(),
            assigned_to: self.assigned_to,
        }
    }
}

/// The version of everything the dashboards show, as a SQL expression: the sum of the
/// providers' versions, each moved on by triggers in the transaction of every change of a
/// submitted demande or of a message (migration `demande_versions`; a read moves the reader's
/// `users.reads_version` instead, migration `reads_version`). Versions only grow, so an equal
/// sum means nothing changed.
const VERSION_SQL: &str =
    "(SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM demande_versions)";

/// [`VERSION_SQL`] as an expression of a query diesel keeps prepared: the session query
/// selects it on every request, and with an `sql()` literal in it PostgreSQL parsed and
/// planned that query every time (half of the database's CPU on a kept dashboard).
#[derive(Debug, Clone, Copy, diesel::query_builder::QueryId)]
pub struct ListsVersion;

impl diesel::expression::Expression for ListsVersion {
    type SqlType = diesel::sql_types::BigInt;
}

impl<DB: diesel::backend::Backend> diesel::query_builder::QueryFragment<DB> for ListsVersion {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        out.push_sql(VERSION_SQL);
        Ok(())
    }
}

impl<QS> diesel::expression::AppearsOnTable<QS> for ListsVersion {}
impl<QS> diesel::expression::SelectableExpression<QS> for ListsVersion {}
impl diesel::expression::ValidGrouping<()> for ListsVersion {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

/// Past this many matches, a search's or a period's tabs are not counted (the page says so).
pub const COUNT_CAP: usize = 1000;

/// The tab counts of a view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Counts {
    /// (state, count) for every state.
    Exact(Vec<(State, i64)>),
    /// More than [`COUNT_CAP`] demandes match (the states aside).
    Over,
}

/// The counts of a view, and the matches of a word search when they are few.
#[derive(Debug, Clone)]
pub struct Tally {
    pub counts: Counts,
    pub only: Option<Vec<i64>>,
}

type Boxed<'a> = demandes::BoxedQuery<'a, MultiBackend>;

/// Text of a timestamp in a cursor.
pub const CURSOR_TIME: &str = "%Y-%m-%dT%H:%M:%S%.6f";

/// The filter as a query: for the list (`with_states`: its states applied, rows read in the
/// sort's order) or for the tally (every state, no order).
fn filtered(filter: &Filter, backend: Backend, with_states: bool) -> Boxed<'static> {
    let mut q = demandes::table
        .into_boxed()
        .filter(demandes::provider.eq_any(filter.providers.clone()))
        // Drafts never submitted are the applicant's business only.
        .filter(demandes::last_submitted_at.is_not_null());
    if with_states {
        let states: Vec<&'static str> = filter.states.iter().map(|s| s.as_str()).collect();
        q = q.filter(demandes::state.eq_any(states));
    }
    if let Some(person) = filter.assignee {
        q = q.filter(demandes::assigned_to.eq(person));
    }
    if let Some(from) = filter.from.and_then(|d| d.and_hms_opt(0, 0, 0)) {
        q = q.filter(demandes::last_submitted_at.ge(from));
    }
    if let Some(to) = filter
        .to
        .and_then(|d| d.succ_opt())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
    {
        q = q.filter(demandes::last_submitted_at.lt(to));
    }
    match (&filter.only, &filter.search) {
        (Some(ids), _) => q = q.filter(demandes::id.eq_any(ids.clone())),
        (None, None) => {}
        (None, Some(SearchKey::Id(id))) => q = q.filter(demandes::id.eq(*id)),
        (None, Some(SearchKey::Siret(siret))) => q = q.filter(demandes::siret.eq(siret.clone())),
        (None, Some(SearchKey::Email(email))) => {
            q = q.filter(demandes::applicant_email.eq(email.clone()))
        }
        (None, Some(SearchKey::Words(words))) => {
            // Words are letters and digits only (see SearchKey::parse): safe inside quotes.
            q = match backend {
                Backend::Postgres => {
                    // Whole words, stemmed: an exact lexeme match is twice as cheap as a prefix one.
                    let query = words.join(" & ");
                    q.filter(
                        sql::<Bool>("demandes.search @@ to_tsquery('habilis_fr', ")
                            .bind::<Text, _>(query)
                            .sql(")"),
                    )
                }
                Backend::Sqlite => {
                    let query = words
                        .iter()
                        .map(|w| format!("\"{w}\"*"))
                        .collect::<Vec<_>>()
                        .join(" ");
                    // The list only gets here when the words match more than the tally's cap:
                    // then `+` keeps SQLite from fetching and sorting every match by rowid, and
                    // it walks the sort's index, checking each row against the matches (100,000
                    // demandes, a word in one in twelve: 13 ms -> 4 ms).
                    let column = if with_states {
                        "+demandes.id"
                    } else {
                        "demandes.id"
                    };
                    q.filter(
                        sql::<Bool>(&format!(
                            "{column} IN (SELECT rowid FROM demandes_fts WHERE demandes_fts MATCH "
                        ))
                        .bind::<Text, _>(query)
                        .sql(")"),
                    )
                }
            };
        }
    }
    q
}

/// The sort value of a row, as a cursor carries it.
pub fn cursor_of(row: &ListRow, sort: Sort) -> Cursor {
    let value = match sort {
        Sort::Submitted => row
            .last_submitted_at
            .map(|t| t.format(CURSOR_TIME).to_string())
            .unwrap_or_default(),
        Sort::Updated => row.updated_at.format(CURSOR_TIME).to_string(),
        Sort::Id => row.id.to_string(),
        Sort::Organisation => row.organisation_name.clone(),
        Sort::Intitule => row.intitule.clone(),
    };
    Cursor { value, id: row.id }
}

/// Keyset condition: rows strictly after the cursor in the sort order.
macro_rules! after {
    ($q:expr, $col:expr, $value:expr, $id:expr, $desc:expr) => {
        if $desc {
            $q.filter(
                $col.lt($value.clone())
                    .or($col.eq($value).and(demandes::id.lt($id))),
            )
        } else {
            $q.filter(
                $col.gt($value.clone())
                    .or($col.eq($value).and(demandes::id.gt($id))),
            )
        }
    };
}

macro_rules! ordered {
    ($q:expr, $col:expr, $desc:expr) => {
        if $desc {
            $q.order(($col.desc(), demandes::id.desc()))
        } else {
            $q.order(($col.asc(), demandes::id.asc()))
        }
    };
}

/// One page of the list. `None` when the cursor does not fit the sort (a hand-edited URL).
pub fn page(
    conn: &mut DbConnection,
    backend: Backend,
    filter: &Filter,
    sort: Sort,
    descending: bool,
    after: Option<&Cursor>,
    limit: i64,
) -> QueryResult<Option<Vec<ListRow>>> {
    let mut q = filtered(filter, backend, true);
    if let Some(cursor) = after {
        let id = cursor.id;
        q = match sort {
            Sort::Submitted => match NaiveDateTime::parse_from_str(&cursor.value, CURSOR_TIME) {
                Ok(v) => after!(q, demandes::last_submitted_at, Some(v), id, descending),
                Err(_) => return Ok(None),
            },
            Sort::Updated => match NaiveDateTime::parse_from_str(&cursor.value, CURSOR_TIME) {
                Ok(v) => after!(q, demandes::updated_at, v, id, descending),
                Err(_) => return Ok(None),
            },
            Sort::Id => after!(q, demandes::id, id, id, descending),
            Sort::Organisation => after!(
                q,
                demandes::organisation_name,
                cursor.value.clone(),
                id,
                descending
            ),
            Sort::Intitule => after!(q, demandes::intitule, cursor.value.clone(), id, descending),
        };
    }
    q = match sort {
        Sort::Submitted => ordered!(q, demandes::last_submitted_at, descending),
        Sort::Updated => ordered!(q, demandes::updated_at, descending),
        Sort::Id => {
            if descending {
                q.order(demandes::id.desc())
            } else {
                q.order(demandes::id.asc())
            }
        }
        Sort::Organisation => ordered!(q, demandes::organisation_name, descending),
        Sort::Intitule => ordered!(q, demandes::intitule, descending),
    };
    if backend == Backend::Postgres && sort == Sort::Submitted {
        // In two steps: the page's ids from the date index alone (it carries the provider, the
        // state and the search vector; the SIRET and email indexes carry the first two), then
        // their rows. A common word walks hundreds of index entries for its 51 rows: read from
        // the table, each one costs a page (at 1,000,000 demandes, 777 entries for `cantine`:
        // 1.4-16 ms in one step, 0.7 ms in two).
        let ids: Vec<i64> = q.select(demandes::id).limit(limit).load(conn)?;
        let rows = demandes::table
            .into_boxed()
            .filter(demandes::id.eq_any(ids));
        return ordered!(rows, demandes::last_submitted_at, descending)
            .select(ListRow::as_select())
            .load(conn)
            .map(Some);
    }
    q.limit(limit)
        .select(ListRow::as_select())
        .load(conn)
        .map(Some)
}

/// How many rows of each state match the filter (its states aside). Without a search, a
/// period or an assignee, read from `demande_counts` (kept by triggers, see its migration): a few rows
/// whatever the size of the table. Otherwise the matches are read up to [`COUNT_CAP`]: exact
/// counts below it, and for a word search the ids of every match, so the list reads them
/// directly (a rare word's few rows) instead of scanning the date index for them.
pub fn tally(conn: &mut DbConnection, backend: Backend, filter: &Filter) -> QueryResult<Tally> {
    let narrowed = filter.search.is_some()
        || filter.from.is_some()
        || filter.to.is_some()
        || filter.assignee.is_some();
    if !narrowed {
        let stored: Vec<(String, i64)> = demande_counts::table
            .filter(demande_counts::provider.eq_any(filter.providers.clone()))
            .select((demande_counts::state, demande_counts::n))
            .load(conn)?;
        return Ok(Tally {
            counts: Counts::Exact(per_state(stored)),
            only: None,
        });
    }
    let matches: Vec<(i64, String)> = filtered(filter, backend, false)
        .select((demandes::id, demandes::state))
        .limit(COUNT_CAP as i64 + 1)
        .load(conn)?;
    if matches.len() > COUNT_CAP {
        return Ok(Tally {
            counts: Counts::Over,
            only: None,
        });
    }
    let words = matches!(filter.search, Some(SearchKey::Words(_)));
    let only = words.then(|| matches.iter().map(|(id, _)| *id).collect());
    Ok(Tally {
        counts: Counts::Exact(per_state(
            matches.into_iter().map(|(_, s)| (s, 1)).collect(),
        )),
        only,
    })
}

/// Sums (state, n) pairs into one count per state, every state listed.
fn per_state(pairs: Vec<(String, i64)>) -> Vec<(State, i64)> {
    State::VARIANTS
        .iter()
        .map(|state| {
            let n = pairs
                .iter()
                .filter(|(s, _)| s == state.as_str())
                .map(|(_, n)| n)
                .sum();
            (*state, n)
        })
        .collect()
}
