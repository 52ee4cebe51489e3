//! Organisations, known by SIRET.

use diesel::prelude::*;

use super::DbConnection;
use super::models::{NewOrganisation, Organisation};
use super::schema::organisations;

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Organisation>> {
    organisations::table
        .find(id)
        .select(Organisation::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_siret(conn: &mut DbConnection, siret: &str) -> QueryResult<Option<Organisation>> {
    organisations::table
        .filter(organisations::siret.eq(siret))
        .select(Organisation::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, new: &NewOrganisation) -> QueryResult<Organisation> {
    diesel::insert_into(organisations::table)
        .values(new)
        .returning(organisations::all_columns)
        .get_result(conn)
}

/// What the company directory says of an establishment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub name: String,
    pub naf: Option<String>,
    pub address: Option<String>,
    pub active: bool,
    /// SIRENE's legal category ("1000": a sole trader).
    pub legal_form: Option<String>,
}

pub fn record_facts(
    conn: &mut DbConnection,
    id: i64,
    facts: &Facts,
    at: chrono::NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(organisations::table.find(id))
        .set((
            organisations::name.eq(&facts.name),
            organisations::naf.eq(&facts.naf),
            organisations::address.eq(&facts.address),
            organisations::active.eq(Some(facts.active)),
            organisations::legal_form.eq(&facts.legal_form),
            organisations::looked_up_at.eq(Some(at)),
            organisations::lookup_error.eq(None::<String>),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A lookup that did not answer: kept for a later try.
pub fn record_lookup_error(conn: &mut DbConnection, id: i64, error: &str) -> QueryResult<()> {
    diesel::update(organisations::table.find(id))
        .set(organisations::lookup_error.eq(Some(error)))
        .execute(conn)
        .map(|_| ())
}

/// Organisations the directory has not answered for yet.
pub fn not_looked_up(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<Organisation>> {
    organisations::table
        .filter(organisations::looked_up_at.is_null())
        .order(organisations::id)
        .limit(limit)
        .select(Organisation::as_select())
        .load(conn)
}

/// The legal form of these organisations, by id (none while the directory has not answered).
pub fn legal_forms(
    conn: &mut DbConnection,
    ids: &[i64],
) -> QueryResult<Vec<(i64, Option<String>)>> {
    organisations::table
        .filter(organisations::id.eq_any(ids))
        .select((organisations::id, organisations::legal_form))
        .load(conn)
}
