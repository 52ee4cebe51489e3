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

/// Remembers that the user has read the thread up to `last_id`. Reads first, so that
/// opening a thread already read writes nothing (one statement instead of three).
pub fn mark_read(
    conn: &mut DbConnection,
    user_id: i64,
    demande_id: i64,
    last_id: i64,
) -> QueryResult<()> {
    let mine = message_reads::table
        .filter(message_reads::user_id.eq(user_id))
        .filter(message_reads::demande_id.eq(demande_id));
    let known: Option<i64> = mine
        .select(message_reads::last_read_id)
        .first(conn)
        .optional()?;
    let advance = |conn: &mut DbConnection| {
        diesel::update(mine.filter(message_reads::last_read_id.lt(last_id)))
            .set(message_reads::last_read_id.eq(last_id))
            .execute(conn)
            .map(|_| ())
    };
    match known {
        Some(read) if read >= last_id => Ok(()),
        Some(_) => advance(conn),
        None => {
            let inserted = diesel::insert_into(message_reads::table)
                .values((
                    message_reads::user_id.eq(user_id),
                    message_reads::demande_id.eq(demande_id),
                    message_reads::last_read_id.eq(last_id),
                ))
                .execute(conn);
            match inserted {
                // The same person reading in another tab at the same instant wrote it first.
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                )) => advance(conn),
                other => other.map(|_| ()),
            }
        }
    }
}

/// The messages of `source` written by the given side (`from_instructor`) that `user_id`
/// has not read: after their last read mark on the demande, or with no mark at all.
macro_rules! unread_from {
    ($source:expr, $user_id:expr, $from_instructor:expr) => {
        $source
            .left_join(
                message_reads::table.on(message_reads::demande_id
                    .eq(messages::demande_id)
                    .and(message_reads::user_id.eq($user_id))),
            )
            .filter(messages::from_instructor.eq($from_instructor))
            .filter(
                message_reads::last_read_id
                    .is_null()
                    .or(messages::id.gt(message_reads::last_read_id.assume_not_null())),
            )
    };
}

/// Among the demandes `ids` (those a page shows), the ones with messages from the other
/// side that the user has not read: from applicants when `instructor`, else from
/// instructors. Reads the messages of these demandes only (index
/// `messages_side_demande`), whatever the size of the table of demandes.
pub fn unread_among(
    conn: &mut DbConnection,
    user_id: i64,
    instructor: bool,
    ids: &[i64],
) -> QueryResult<Vec<i64>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    unread_from!(messages::table, user_id, !instructor)
        .filter(messages::demande_id.eq_any(ids))
        .select(messages::demande_id)
        .distinct()
        .load(conn)
}

/// How many demandes of the given providers have messages from applicants the instructor
/// has not read, counted up to `cap + 1` (more than `cap` when it returns `cap + 1`).
/// Starts from the applicants' messages (index `messages_side_demande`) and stops at the
/// cap, so its cost follows the messages, not the table of demandes.
pub fn unread_for_instructor(
    conn: &mut DbConnection,
    user_id: i64,
    providers: &[String],
    cap: i64,
) -> QueryResult<usize> {
    if providers.is_empty() {
        return Ok(0);
    }
    let found: Vec<i64> = unread_from!(messages::table.inner_join(demandes::table), user_id, false)
        .filter(demandes::provider.eq_any(providers))
        .select(messages::demande_id)
        .distinct()
        .limit(cap + 1)
        .load(conn)?;
    Ok(found.len())
}
