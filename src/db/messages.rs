//! Messages on a demande, and the last one each person has read.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{demandes, message_reads, messages, users};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = messages)]
pub struct MessageRow {
    pub id: i64,
    pub demande_id: i64,
    pub author_id: i64,
    pub from_instructor: bool,
    pub body: String,
    pub created_at: NaiveDateTime,
}

/// Writes a message; returns its id.
pub fn insert(
    conn: &mut DbConnection,
    demande_id: i64,
    author_id: i64,
    from_instructor: bool,
    body: &str,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(messages::table)
        .values((
            messages::demande_id.eq(demande_id),
            messages::author_id.eq(author_id),
            messages::from_instructor.eq(from_instructor),
            messages::body.eq(body),
            messages::created_at.eq(at),
        ))
        .returning(messages::id)
        .get_result(conn)
}

/// A message with its author's (given name, family name, email).
pub type ThreadRow = (MessageRow, (String, String, String));

/// The thread of a demande, oldest first, with each author.
pub fn thread(conn: &mut DbConnection, demande_id: i64) -> QueryResult<Vec<ThreadRow>> {
    messages::table
        .inner_join(users::table)
        .filter(messages::demande_id.eq(demande_id))
        .order(messages::id)
        .select((
            MessageRow::as_select(),
            (users::given_name, users::family_name, users::email),
        ))
        .load(conn)
}

/// Remembers that the user has read the thread up to `last_id`.
pub fn mark_read(
    conn: &mut DbConnection,
    user_id: i64,
    demande_id: i64,
    last_id: i64,
) -> QueryResult<()> {
    let updated = diesel::update(
        message_reads::table
            .filter(message_reads::user_id.eq(user_id))
            .filter(message_reads::demande_id.eq(demande_id))
            .filter(message_reads::last_read_id.lt(last_id)),
    )
    .set(message_reads::last_read_id.eq(last_id))
    .execute(conn)?;
    if updated == 0 {
        let known = message_reads::table
            .filter(message_reads::user_id.eq(user_id))
            .filter(message_reads::demande_id.eq(demande_id))
            .count()
            .get_result::<i64>(conn)?;
        if known == 0 {
            diesel::insert_into(message_reads::table)
                .values((
                    message_reads::user_id.eq(user_id),
                    message_reads::demande_id.eq(demande_id),
                    message_reads::last_read_id.eq(last_id),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Demandes with messages from the other side that the user has not read: for instructors,
/// messages from applicants on the given providers; for applicants, messages from
/// instructors on the given organisations.
pub fn unread(
    conn: &mut DbConnection,
    user_id: i64,
    instructor: bool,
    providers: &[String],
    organisations: &[i64],
) -> QueryResult<Vec<i64>> {
    let mut q = messages::table
        .inner_join(demandes::table)
        .left_join(
            message_reads::table.on(message_reads::demande_id
                .eq(messages::demande_id)
                .and(message_reads::user_id.eq(user_id))),
        )
        .filter(messages::from_instructor.eq(!instructor))
        .filter(
            message_reads::last_read_id
                .is_null()
                .or(messages::id.gt(message_reads::last_read_id.assume_not_null())),
        )
        .select(messages::demande_id)
        .distinct()
        .into_boxed();
    q = if instructor {
        q.filter(demandes::provider.eq_any(providers.to_vec()))
    } else {
        q.filter(demandes::organisation_id.eq_any(organisations.to_vec()))
    };
    q.load(conn)
}
