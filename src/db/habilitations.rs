//! Habilitations: the rights a validated demande granted.

use diesel::prelude::*;

use super::DbConnection;
use super::models::{Habilitation, NewHabilitation};
use super::schema::habilitations;

pub fn insert(conn: &mut DbConnection, new: &NewHabilitation) -> QueryResult<Habilitation> {
    diesel::insert_into(habilitations::table)
        .values(new)
        .returning(habilitations::all_columns)
        .get_result(conn)
}

pub fn for_demande(conn: &mut DbConnection, demande_id: i64) -> QueryResult<Vec<Habilitation>> {
    habilitations::table
        .filter(habilitations::demande_id.eq(demande_id))
        .order(habilitations::id.desc())
        .select(Habilitation::as_select())
        .load(conn)
}

/// Habilitations of some organisations, newest first.
pub fn for_organisations(
    conn: &mut DbConnection,
    organisation_ids: &[i64],
    limit: i64,
) -> QueryResult<Vec<Habilitation>> {
    habilitations::table
        .filter(habilitations::organisation_id.eq_any(organisation_ids))
        .order(habilitations::id.desc())
        .limit(limit)
        .select(Habilitation::as_select())
        .load(conn)
}

/// Ends the active habilitations of a demande.
pub fn revoke_active(conn: &mut DbConnection, demande_id: i64) -> QueryResult<usize> {
    diesel::update(
        habilitations::table
            .filter(habilitations::demande_id.eq(demande_id))
            .filter(habilitations::state.eq("active")),
    )
    .set(habilitations::state.eq("revoked"))
    .execute(conn)
}
