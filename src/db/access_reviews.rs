//! Access review campaigns and their items: each role (and each admin) as the campaign
//! started, and what its reviewers decided. Every change is guarded, so two workers or two
//! reviewers never decide twice.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{access_review_items, access_reviews, roles, users};
use crate::domain::access_review::ADMIN;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = access_reviews)]
pub struct Review {
    pub id: i64,
    pub started_at: NaiveDateTime,
    pub deadline: NaiveDateTime,
    pub started_by: String,
    pub reminded_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
}

/// One role to review, with its holder.
#[derive(Debug, Clone, Queryable)]
pub struct Item {
    pub id: i64,
    pub review_id: i64,
    pub user_id: i64,
    pub provider: String,
    pub role: String,
    pub decision: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub email: String,
    pub given_name: String,
    pub family_name: String,
}

/// The campaign open now, if any.
pub fn open(conn: &mut DbConnection) -> QueryResult<Option<Review>> {
    access_reviews::table
        .filter(access_reviews::closed_at.is_null())
        .select(Review::as_select())
        .first(conn)
        .optional()
}

/// The latest campaign, open or closed.
pub fn latest(conn: &mut DbConnection) -> QueryResult<Option<Review>> {
    access_reviews::table
        .order(access_reviews::id.desc())
        .select(Review::as_select())
        .first(conn)
        .optional()
}

/// Starts a campaign with every role and every admin as they are now; returns its id, or
/// `None` when one is open already (the unique index says so, even at the same instant).
pub fn start(
    conn: &mut DbConnection,
    started_at: NaiveDateTime,
    deadline: NaiveDateTime,
    by: &str,
) -> QueryResult<Option<i64>> {
    if open(conn)?.is_some() {
        return Ok(None);
    }
    // In a savepoint: a campaign started at the same instant elsewhere breaks the unique index,
    // and the caller's transaction must survive that to answer 409.
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(access_reviews::table)
            .values((
                access_reviews::started_at.eq(started_at),
                access_reviews::deadline.eq(deadline),
                access_reviews::started_by.eq(by),
            ))
            .returning(access_reviews::id)
            .get_result::<i64>(conn)
    });
    let id = match inserted {
        Ok(id) => id,
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => return Ok(None),
        Err(e) => return Err(e),
    };
    let held: Vec<(i64, String, String)> = roles::table
        .inner_join(users::table)
        .filter(users::erased_at.is_null())
        .select((roles::user_id, roles::provider, roles::role))
        .load(conn)?;
    let admins: Vec<i64> = users::table
        .filter(users::is_admin.eq(true))
        .filter(users::erased_at.is_null())
        .select(users::id)
        .load(conn)?;
    // One row at a time: the multi-backend connection has no batch insert.
    for (user, provider, role) in held.into_iter().chain(
        admins
            .into_iter()
            .map(|u| (u, String::new(), ADMIN.to_string())),
    ) {
        diesel::insert_into(access_review_items::table)
            .values((
                access_review_items::review_id.eq(id),
                access_review_items::user_id.eq(user),
                access_review_items::provider.eq(provider),
                access_review_items::role.eq(role),
            ))
            .execute(conn)?;
    }
    Ok(Some(id))
}

/// The columns an item is read with: its own, then its holder's.
type Columns = (
    (
        access_review_items::id,
        access_review_items::review_id,
        access_review_items::user_id,
        access_review_items::provider,
        access_review_items::role,
        access_review_items::decision,
        access_review_items::decided_by,
        access_review_items::decided_at,
    ),
    (users::email, users::given_name, users::family_name),
);

fn columns() -> Columns {
    (
        (
            access_review_items::id,
            access_review_items::review_id,
            access_review_items::user_id,
            access_review_items::provider,
            access_review_items::role,
            access_review_items::decision,
            access_review_items::decided_by,
            access_review_items::decided_at,
        ),
        (users::email, users::given_name, users::family_name),
    )
}

type ItemRow = (
    (
        i64,
        i64,
        i64,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<NaiveDateTime>,
    ),
    (String, String, String),
);

fn item((i, u): ItemRow) -> Item {
    Item {
        id: i.0,
        review_id: i.1,
        user_id: i.2,
        provider: i.3,
        role: i.4,
        decision: i.5,
        decided_by: i.6,
        decided_at: i.7,
        email: u.0,
        given_name: u.1,
        family_name: u.2,
    }
}

/// Every item of a campaign, by provider, role and address.
pub fn items(conn: &mut DbConnection, review: i64) -> QueryResult<Vec<Item>> {
    let rows: Vec<ItemRow> = access_review_items::table
        .inner_join(users::table)
        .filter(access_review_items::review_id.eq(review))
        .order((
            access_review_items::provider,
            access_review_items::role,
            users::email,
        ))
        .select(columns())
        .load(conn)?;
    Ok(rows.into_iter().map(item).collect())
}

/// One item.
pub fn find_item(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Item>> {
    let row: Option<ItemRow> = access_review_items::table
        .inner_join(users::table)
        .filter(access_review_items::id.eq(id))
        .select(columns())
        .first(conn)
        .optional()?;
    Ok(row.map(item))
}

/// Records a decision on an undecided item; false when it was decided meanwhile.
pub fn decide(
    conn: &mut DbConnection,
    id: i64,
    decision: &str,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        access_review_items::table
            .find(id)
            .filter(access_review_items::decision.is_null()),
    )
    .set((
        access_review_items::decision.eq(decision),
        access_review_items::decided_by.eq(by),
        access_review_items::decided_at.eq(at),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Records a reminder, unless another worker sent it since `seen`.
pub fn mark_reminded(
    conn: &mut DbConnection,
    review: &Review,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let target = access_reviews::table
        .find(review.id)
        .filter(access_reviews::closed_at.is_null());
    let n = match review.reminded_at {
        None => diesel::update(target.filter(access_reviews::reminded_at.is_null()))
            .set(access_reviews::reminded_at.eq(at))
            .execute(conn)?,
        Some(seen) => diesel::update(target.filter(access_reviews::reminded_at.eq(seen)))
            .set(access_reviews::reminded_at.eq(at))
            .execute(conn)?,
    };
    Ok(n == 1)
}

/// Closes the campaign; false when it was closed already.
pub fn close(conn: &mut DbConnection, review: i64, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        access_reviews::table
            .find(review)
            .filter(access_reviews::closed_at.is_null()),
    )
    .set(access_reviews::closed_at.eq(at))
    .execute(conn)
    .map(|n| n == 1)
}

/// Takes the admin role from a person.
pub fn remove_admin(conn: &mut DbConnection, user_id: i64) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id))
        .set(users::is_admin.eq(false))
        .execute(conn)
}

/// Every admin whose account is live.
pub fn admins(conn: &mut DbConnection) -> QueryResult<Vec<super::models::User>> {
    users::table
        .filter(users::is_admin.eq(true))
        .filter(users::erased_at.is_null())
        .filter(users::disabled_at.is_null())
        .order(users::email)
        .select(super::models::User::as_select())
        .load(conn)
}
