//! Opinions asked on demandes, and their answers.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::opinions;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = opinions)]
pub struct Opinion {
    pub id: i64,
    pub demande_id: i64,
    pub asked_by: i64,
    pub asked_to: i64,
    pub question: String,
    pub asked_at: NaiveDateTime,
    pub answer: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    /// An instructor withdrew it before anyone answered.
    pub withdrawn_at: Option<NaiveDateTime>,
    pub withdrawn_by: Option<i64>,
}

impl Opinion {
    /// Waiting for its answer: neither answered nor withdrawn.
    pub fn is_open(&self) -> bool {
        self.answered_at.is_none() && self.withdrawn_at.is_none()
    }
}

/// Records an opinion asked; an error when one is open on the demande already (the unique
/// index holds it even against two instructors asking at once).
pub fn insert(
    conn: &mut DbConnection,
    demande_id: i64,
    (asked_by, asked_to): (i64, i64),
    question: &str,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(opinions::table)
        .values((
            opinions::demande_id.eq(demande_id),
            opinions::asked_by.eq(asked_by),
            opinions::asked_to.eq(asked_to),
            opinions::question.eq(question),
            opinions::asked_at.eq(at),
        ))
        .returning(opinions::id)
        .get_result(conn)
}

/// Whether an opinion asked on the demande waits for its answer.
pub fn open_on(conn: &mut DbConnection, demande_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        opinions::table
            .filter(opinions::demande_id.eq(demande_id))
            .filter(opinions::answered_at.is_null())
            .filter(opinions::withdrawn_at.is_null()),
    ))
    .get_result(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Opinion>> {
    opinions::table
        .find(id)
        .select(Opinion::as_select())
        .first(conn)
        .optional()
}

/// Records the answer, unless there is one already.
pub fn answer(
    conn: &mut DbConnection,
    id: i64,
    text: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        opinions::table
            .find(id)
            .filter(opinions::answered_at.is_null())
            .filter(opinions::withdrawn_at.is_null()),
    )
    .set((
        opinions::answer.eq(Some(text)),
        opinions::answered_at.eq(Some(at)),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Withdraws the opinion, unless it was answered or withdrawn already.
pub fn withdraw(conn: &mut DbConnection, id: i64, by: i64, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        opinions::table
            .find(id)
            .filter(opinions::answered_at.is_null())
            .filter(opinions::withdrawn_at.is_null()),
    )
    .set((
        opinions::withdrawn_at.eq(Some(at)),
        opinions::withdrawn_by.eq(Some(by)),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// The opinions of a demande, oldest first.
pub fn for_demande(conn: &mut DbConnection, demande_id: i64) -> QueryResult<Vec<Opinion>> {
    opinions::table
        .filter(opinions::demande_id.eq(demande_id))
        .order(opinions::id)
        .select(Opinion::as_select())
        .load(conn)
}
