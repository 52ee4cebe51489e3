//! Webhook delivery attempts, and the token a provider's system answered with.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{habilitations, webhook_attempts};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_attempts)]
pub struct Attempt {
    pub id: i64,
    pub outbox_id: i64,
    pub demande_id: Option<i64>,
    pub attempted_at: NaiveDateTime,
    pub status: Option<i32>,
    pub duration_ms: i64,
    pub response: Option<String>,
}

pub fn record(
    conn: &mut DbConnection,
    outbox_id: i64,
    demande_id: Option<i64>,
    at: NaiveDateTime,
    status: Option<i32>,
    duration_ms: i64,
    response: &str,
) -> QueryResult<()> {
    let response: String = response.chars().take(500).collect();
    diesel::insert_into(webhook_attempts::table)
        .values((
            webhook_attempts::outbox_id.eq(outbox_id),
            webhook_attempts::demande_id.eq(demande_id),
            webhook_attempts::attempted_at.eq(at),
            webhook_attempts::status.eq(status),
            webhook_attempts::duration_ms.eq(duration_ms),
            webhook_attempts::response.eq(Some(response)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Attempts for one demande, newest first.
pub fn for_demande(conn: &mut DbConnection, demande_id: i64) -> QueryResult<Vec<Attempt>> {
    webhook_attempts::table
        .filter(webhook_attempts::demande_id.eq(demande_id))
        .order(webhook_attempts::id.desc())
        .limit(100)
        .select(Attempt::as_select())
        .load(conn)
}

/// Stores the provider's token on the demande's newest active habilitation.
pub fn store_token(conn: &mut DbConnection, demande_id: i64, token: &str) -> QueryResult<usize> {
    let latest: Option<i64> = habilitations::table
        .filter(habilitations::demande_id.eq(demande_id))
        .filter(habilitations::state.eq("active"))
        .order(habilitations::id.desc())
        .select(habilitations::id)
        .first(conn)
        .optional()?;
    match latest {
        Some(id) => diesel::update(habilitations::table.find(id))
            .set(habilitations::token_id.eq(Some(token)))
            .execute(conn),
        None => Ok(0),
    }
}

/// Webhook deliveries of some providers' demandes, newest first.
pub fn deliveries(
    conn: &mut DbConnection,
    providers: &[String],
    limit: i64,
) -> QueryResult<Vec<(super::outbox::OutboxRow, String)>> {
    use super::schema::{demandes, outbox};
    outbox::table
        .inner_join(demandes::table)
        .filter(outbox::kind.eq(super::outbox::Kind::Webhook.as_ref()))
        .filter(demandes::provider.eq_any(providers.to_vec()))
        .order(outbox::id.desc())
        .limit(limit)
        .select((super::outbox::OutboxRow::as_select(), demandes::provider))
        .load(conn)
}

/// The provider of a webhook delivery.
pub fn provider_of(conn: &mut DbConnection, outbox_id: i64) -> QueryResult<Option<String>> {
    use super::schema::{demandes, outbox};
    outbox::table
        .inner_join(demandes::table)
        .filter(outbox::id.eq(outbox_id))
        .filter(outbox::kind.eq(super::outbox::Kind::Webhook.as_ref()))
        .select(demandes::provider)
        .first(conn)
        .optional()
}

/// Sends a delivery again, now (same body, same event id).
pub fn replay(conn: &mut DbConnection, outbox_id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    use super::schema::outbox;
    diesel::update(
        outbox::table
            .find(outbox_id)
            .filter(outbox::kind.eq(super::outbox::Kind::Webhook.as_ref())),
    )
    .set((
        outbox::delivered_at.eq(None::<NaiveDateTime>),
        outbox::failed_at.eq(None::<NaiveDateTime>),
        outbox::locked_until.eq(None::<NaiveDateTime>),
        outbox::next_attempt_at.eq(at),
        outbox::attempts.eq(0),
    ))
    .execute(conn)
}
