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
