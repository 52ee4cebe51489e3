//! The instruction dashboard's queries: filters, search routed to the right index, keyset
//! pagination on every sort column, and exact counts per state.

use super::MultiBackend;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use strum::VariantArray;

use super::models::Demande;
use super::schema::demandes;
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
}

type Boxed<'a> = demandes::BoxedQuery<'a, MultiBackend>;

/// Text of a timestamp in a cursor.
pub const CURSOR_TIME: &str = "%Y-%m-%dT%H:%M:%S%.6f";

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
    match &filter.search {
        None => {}
        Some(SearchKey::Id(id)) => q = q.filter(demandes::id.eq(*id)),
        Some(SearchKey::Siret(siret)) => q = q.filter(demandes::siret.eq(siret.clone())),
        Some(SearchKey::Email(email)) => q = q.filter(demandes::applicant_email.eq(email.clone())),
        Some(SearchKey::Words(words)) => {
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
                    q.filter(
                        sql::<Bool>("demandes.id IN (SELECT rowid FROM demandes_fts WHERE demandes_fts MATCH ")
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
pub fn cursor_of(row: &Demande, sort: Sort) -> Cursor {
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
) -> QueryResult<Option<Vec<Demande>>> {
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
    q.limit(limit)
        .select(Demande::as_select())
        .load(conn)
        .map(Some)
}

/// How many rows of each state match the filter (its states aside): exact, one count per
/// state (a boxed query cannot be grouped), each read from the indexes on `state`.
pub fn counts(
    conn: &mut DbConnection,
    backend: Backend,
    filter: &Filter,
) -> QueryResult<Vec<(State, i64)>> {
    State::VARIANTS
        .iter()
        .map(|state| {
            filtered(filter, backend, false)
                .filter(demandes::state.eq(state.as_str()))
                .count()
                .get_result(conn)
                .map(|n| (*state, n))
        })
        .collect()
}
