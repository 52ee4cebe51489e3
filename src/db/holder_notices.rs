//! Notices to the holders of a provider's active habilitations.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{demandes, habilitations, holder_notices, organisations};

/// (organisation name, applicant's address) of every active habilitation of the provider at
/// `now`, one line per address and organisation, by organisation.
pub fn holders(
    conn: &mut DbConnection,
    provider: &str,
    now: NaiveDateTime,
) -> QueryResult<Vec<(String, String)>> {
    let mut rows: Vec<(String, String)> = habilitations::table
        .inner_join(demandes::table)
        .inner_join(organisations::table.on(organisations::id.eq(habilitations::organisation_id)))
        .filter(habilitations::provider.eq(provider))
        .filter(habilitations::state.eq("active"))
        .filter(habilitations::expires_at.gt(now))
        .select((organisations::name, demandes::applicant_email))
        .load(conn)?;
    rows.sort();
    rows.dedup();
    Ok(rows)
}

/// Records a notice sent; false when this form's token was sent already (two clicks at once
/// included: the unique token decides, without aborting the transaction).
pub fn record(
    conn: &mut DbConnection,
    (provider, subject, body): (&str, &str, &str),
    sent_by: i64,
    (recipients, token): (i64, &str),
    at: NaiveDateTime,
) -> QueryResult<bool> {
    use diesel::sql_types::{BigInt, Text, Timestamp};
    let sql = |p: char| {
        format!(
            "INSERT INTO holder_notices (provider, subject, body, sent_by, sent_at, recipients, token) \
             VALUES ({p}1, {p}2, {p}3, {p}4, {p}5, {p}6, {p}7) ON CONFLICT (token) DO NOTHING"
        )
    };
    let inserted = match conn {
        DbConnection::Postgresql(pg) => diesel::sql_query(sql('$'))
            .bind::<Text, _>(provider)
            .bind::<Text, _>(subject)
            .bind::<Text, _>(body)
            .bind::<BigInt, _>(sent_by)
            .bind::<Timestamp, _>(at)
            .bind::<BigInt, _>(recipients)
            .bind::<Text, _>(token)
            .execute(pg)?,
        DbConnection::Sqlite(lite) => diesel::sql_query(sql('?'))
            .bind::<Text, _>(provider)
            .bind::<Text, _>(subject)
            .bind::<Text, _>(body)
            .bind::<BigInt, _>(sent_by)
            .bind::<Timestamp, _>(at)
            .bind::<BigInt, _>(recipients)
            .bind::<Text, _>(token)
            .execute(lite)?,
    };
    Ok(inserted == 1)
}

/// The notices sent for these providers, the latest first: (provider, subject, sent at,
/// recipients).
pub fn sent(
    conn: &mut DbConnection,
    providers: &[String],
) -> QueryResult<Vec<(String, String, NaiveDateTime, i64)>> {
    holder_notices::table
        .filter(holder_notices::provider.eq_any(providers))
        .order(holder_notices::sent_at.desc())
        .limit(50)
        .select((
            holder_notices::provider,
            holder_notices::subject,
            holder_notices::sent_at,
            holder_notices::recipients,
        ))
        .load(conn)
}
