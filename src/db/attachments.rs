//! Files attached to demandes: their metadata (the bytes are in the file store).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::attachments;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = attachments)]
pub struct Attachment {
    pub id: i64,
    pub demande_id: i64,
    pub field: String,
    pub name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub added_by: Option<i64>,
    pub added_by_name: String,
    pub added_at: NaiveDateTime,
    /// When the bytes were deleted from the store (the row stays for the history).
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = attachments)]
pub struct NewAttachment<'a> {
    pub demande_id: i64,
    pub field: &'a str,
    pub name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub storage_key: &'a str,
    pub added_by: Option<i64>,
    pub added_by_name: &'a str,
    pub added_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, new: &NewAttachment) -> QueryResult<i64> {
    diesel::insert_into(attachments::table)
        .values(new)
        .returning(attachments::id)
        .get_result(conn)
}

/// A demande's files, oldest first.
pub fn for_demande(conn: &mut DbConnection, demande_id: i64) -> QueryResult<Vec<Attachment>> {
    attachments::table
        .filter(attachments::demande_id.eq(demande_id))
        .order(attachments::id.asc())
        .select(Attachment::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Attachment>> {
    attachments::table
        .find(id)
        .select(Attachment::as_select())
        .first(conn)
        .optional()
}

/// Records that the bytes of these files are gone.
pub fn mark_deleted(conn: &mut DbConnection, ids: &[i64], at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        attachments::table
            .filter(attachments::id.eq_any(ids))
            .filter(attachments::deleted_at.is_null()),
    )
    .set(attachments::deleted_at.eq(at))
    .execute(conn)
}

/// Files whose bytes are still kept, of demandes in one of `states` whose last change is older
/// than `before`: what the retention rule deletes.
pub fn expired(
    conn: &mut DbConnection,
    states: &[&str],
    before: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Attachment>> {
    use super::schema::demandes;
    attachments::table
        .inner_join(demandes::table)
        .filter(attachments::deleted_at.is_null())
        .filter(demandes::state.eq_any(states))
        .filter(demandes::updated_at.lt(before))
        .order(attachments::id.asc())
        .limit(limit)
        .select(Attachment::as_select())
        .load(conn)
}
