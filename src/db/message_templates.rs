//! The message templates of providers.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::message_templates as templates;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = templates)]
pub struct MessageTemplate {
    pub id: i64,
    pub provider: String,
    pub kind: String,
    pub title: String,
    pub body: String,
}

pub fn insert(
    conn: &mut DbConnection,
    (provider, kind): (&str, &str),
    (title, body): (&str, &str),
    created_by: i64,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(templates::table)
        .values((
            templates::provider.eq(provider),
            templates::kind.eq(kind),
            templates::title.eq(title),
            templates::body.eq(body),
            templates::created_by.eq(created_by),
            templates::created_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// How many templates of this kind the provider has.
pub fn count(conn: &mut DbConnection, provider: &str, kind: &str) -> QueryResult<i64> {
    templates::table
        .filter(templates::provider.eq(provider))
        .filter(templates::kind.eq(kind))
        .count()
        .get_result(conn)
}

/// The templates of these providers, by provider, kind and title.
pub fn of_providers(
    conn: &mut DbConnection,
    providers: &[String],
) -> QueryResult<Vec<MessageTemplate>> {
    templates::table
        .filter(templates::provider.eq_any(providers))
        .order((templates::provider, templates::kind, templates::title))
        .select(MessageTemplate::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<MessageTemplate>> {
    templates::table
        .find(id)
        .select(MessageTemplate::as_select())
        .first(conn)
        .optional()
}

pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
    diesel::delete(templates::table.find(id))
        .execute(conn)
        .map(|n| n == 1)
}
