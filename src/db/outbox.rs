//! The outbox: rows written with the event that causes them, claimed by workers with a lease
//! (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several instances can run side by side).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp};
use strum::{AsRefStr, EnumString, IntoStaticStr};

use super::DbConnection;
use super::schema::{notification_prefs, outbox};

/// What an outbox row holds, stored by its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsRefStr, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Kind {
    /// An email: recipient, subject, text and HTML bodies.
    Email,
    /// A webhook: the URL in `recipient`, the JSON in `body_text`, the name of the variable
    /// holding its secret in `secret_env` (the worker signs with its value when it sends).
    Webhook,
}

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: i64,
    pub kind: String,
    pub topic: String,
    pub demande_id: Option<i64>,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub unsubscribe_url: Option<String>,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
    pub failed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub secret_env: Option<String>,
}

impl OutboxRow {
    /// What the row holds (None for a kind this version does not know).
    pub fn kind(&self) -> Option<Kind> {
        self.kind.parse().ok()
    }
}

/// A row to write: an email, or a webhook (see [`Kind`] for what each column holds).
#[derive(Debug, Insertable)]
#[diesel(table_name = outbox)]
pub struct NewOutboxRow<'a> {
    pub kind: &'static str,
    pub topic: &'a str,
    pub demande_id: Option<i64>,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    pub unsubscribe_url: Option<&'a str>,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub secret_env: Option<&'a str>,
}

pub fn insert(conn: &mut DbConnection, row: &NewOutboxRow) -> QueryResult<()> {
    diesel::insert_into(outbox::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Queues an email about no demande (alerts, notices about accounts and reviews), due at once.
pub fn insert_email(
    conn: &mut DbConnection,
    topic: &str,
    to: &str,
    subject: &str,
    (text, html): (&str, &str),
    at: NaiveDateTime,
) -> QueryResult<()> {
    insert(
        conn,
        &NewOutboxRow {
            kind: Kind::Email.into(),
            topic,
            demande_id: None,
            recipient: to,
            subject,
            body_text: text,
            body_html: html,
            unsubscribe_url: None,
            attempts: 0,
            next_attempt_at: at,
            created_at: at,
            secret_env: None,
        },
    )
}

/// Claims up to `limit` rows due now, leasing them until `lease_until` and counting the attempt.
/// A row whose lease ran out (a worker died mid-send) is claimed again.
pub fn claim(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<OutboxRow>> {
    // Parameters: 1 = now, 2 = end of the lease, 3 = batch size. Numbered as each backend
    // reads them: SQLite would number `$2` first if it came first.
    let due = |p: char| {
        format!(
            "delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= {p}1 \
             AND (locked_until IS NULL OR locked_until < {p}1)"
        )
    };
    match conn {
        DbConnection::Postgresql(pg) => diesel::sql_query(format!(
            "UPDATE outbox SET locked_until = $2, attempts = attempts + 1 WHERE id IN \
             (SELECT id FROM outbox WHERE {} ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING *",
            due('$')
        ))
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(lease_until)
        .bind::<BigInt, _>(limit)
        .load(pg),
        // One writer at a time on SQLite: the UPDATE itself is the lock.
        DbConnection::Sqlite(lite) => diesel::sql_query(format!(
            "UPDATE outbox SET locked_until = ?2, attempts = attempts + 1 WHERE id IN \
             (SELECT id FROM outbox WHERE {} ORDER BY id LIMIT ?3) RETURNING *",
            due('?')
        ))
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(lease_until)
        .bind::<BigInt, _>(limit)
        .load(lite),
    }
}

/// Gives back a row a stopped worker was sending: due again at once for the next worker.
pub fn release(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::delivered_at.is_null()),
    )
    .set(outbox::locked_until.eq(None::<NaiveDateTime>))
    .execute(conn)
}

pub fn mark_delivered(conn: &mut DbConnection, id: i64, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::delivered_at.eq(Some(at)),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Another try later, or none: `retry_at` None marks the row failed (a dead letter).
pub fn mark_failed(
    conn: &mut DbConnection,
    id: i64,
    error: &str,
    retry_at: Option<NaiveDateTime>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let error: String = error.chars().take(1000).collect();
    match retry_at {
        Some(next) => diesel::update(outbox::table.find(id))
            .set((
                outbox::next_attempt_at.eq(next),
                outbox::locked_until.eq(None::<NaiveDateTime>),
                outbox::last_error.eq(Some(error)),
            ))
            .execute(conn),
        None => diesel::update(outbox::table.find(id))
            .set((
                outbox::failed_at.eq(Some(at)),
                outbox::locked_until.eq(None::<NaiveDateTime>),
                outbox::last_error.eq(Some(error)),
            ))
            .execute(conn),
    }
    .map(|_| ())
}

/// Puts a dead letter back in the queue, now.
pub fn retry(conn: &mut DbConnection, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::failed_at.is_not_null()),
    )
    .set((
        outbox::failed_at.eq(None::<NaiveDateTime>),
        outbox::next_attempt_at.eq(at),
        outbox::attempts.eq(0),
    ))
    .execute(conn)
}

/// Emails, newest first (the dev mailbox).
pub fn recent_emails(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<OutboxRow>> {
    outbox::table
        .filter(outbox::kind.eq(Kind::Email.as_ref()))
        .order(outbox::id.desc())
        .limit(limit)
        .select(OutboxRow::as_select())
        .load(conn)
}

/// Dead letters, newest first.
pub fn failed(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<OutboxRow>> {
    outbox::table
        .filter(outbox::failed_at.is_not_null())
        .order(outbox::id.desc())
        .limit(limit)
        .select(OutboxRow::as_select())
        .load(conn)
}

/// Rows not delivered yet (pending or failed).
pub fn undelivered_count(conn: &mut DbConnection) -> QueryResult<i64> {
    outbox::table
        .filter(outbox::delivered_at.is_null())
        .count()
        .get_result(conn)
}

/// A person's choice for a kind of notification from a provider (None: never chose).
pub fn preference(
    conn: &mut DbConnection,
    user_id: i64,
    provider: &str,
    kind: &str,
) -> QueryResult<Option<bool>> {
    notification_prefs::table
        .filter(notification_prefs::user_id.eq(user_id))
        .filter(notification_prefs::provider.eq(provider))
        .filter(notification_prefs::kind.eq(kind))
        .select(notification_prefs::enabled)
        .first(conn)
        .optional()
}

/// (provider, kind, enabled) for every choice a person made.
pub fn preferences(
    conn: &mut DbConnection,
    user_id: i64,
) -> QueryResult<Vec<(String, String, bool)>> {
    notification_prefs::table
        .filter(notification_prefs::user_id.eq(user_id))
        .select((
            notification_prefs::provider,
            notification_prefs::kind,
            notification_prefs::enabled,
        ))
        .load(conn)
}

/// People who switched a kind on for a provider (for kinds off by default).
pub fn switched_on(conn: &mut DbConnection, provider: &str, kind: &str) -> QueryResult<Vec<i64>> {
    notification_prefs::table
        .filter(notification_prefs::provider.eq(provider))
        .filter(notification_prefs::kind.eq(kind))
        .filter(notification_prefs::enabled.eq(true))
        .select(notification_prefs::user_id)
        .load(conn)
}

/// Switches a kind on or off for a provider.
pub fn set_pref(
    conn: &mut DbConnection,
    user_id: i64,
    provider: &str,
    kind: &str,
    enabled: bool,
) -> QueryResult<()> {
    diesel::delete(
        notification_prefs::table
            .filter(notification_prefs::user_id.eq(user_id))
            .filter(notification_prefs::provider.eq(provider))
            .filter(notification_prefs::kind.eq(kind)),
    )
    .execute(conn)?;
    diesel::insert_into(notification_prefs::table)
        .values((
            notification_prefs::user_id.eq(user_id),
            notification_prefs::provider.eq(provider),
            notification_prefs::kind.eq(kind),
            notification_prefs::enabled.eq(enabled),
        ))
        .execute(conn)
        .map(|_| ())
}

/// What the metrics tell of the outbox and its neighbours, read at a scrape.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    /// (kind, rows waiting to be delivered).
    pub pending: Vec<(String, i64)>,
    /// (kind, rows given up).
    pub dead: Vec<(String, i64)>,
    /// Webhook attempts answered by anything but a 2xx, or not answered.
    pub webhook_failures: u64,
    /// Reminders sent (their events).
    pub reminders: u64,
}

pub fn figures(conn: &mut DbConnection) -> QueryResult<Figures> {
    use super::schema::{events, webhook_attempts};
    let pending = outbox::table
        .filter(outbox::delivered_at.is_null())
        .filter(outbox::failed_at.is_null())
        .group_by(outbox::kind)
        .select((outbox::kind, diesel::dsl::count_star()))
        .load(conn)?;
    let dead = outbox::table
        .filter(outbox::failed_at.is_not_null())
        .group_by(outbox::kind)
        .select((outbox::kind, diesel::dsl::count_star()))
        .load(conn)?;
    let webhook_failures: i64 = webhook_attempts::table
        .filter(
            webhook_attempts::status
                .is_null()
                .or(webhook_attempts::status.lt(200))
                .or(webhook_attempts::status.ge(300)),
        )
        .count()
        .get_result(conn)?;
    let reminders: i64 = events::table
        .filter(events::name.like("reminder%"))
        .count()
        .get_result(conn)?;
    Ok(Figures {
        pending,
        dead,
        webhook_failures: webhook_failures.max(0) as u64,
        reminders: reminders.max(0) as u64,
    })
}
