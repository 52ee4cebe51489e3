//! The rights API's tokens and queries, always limited to one provider.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::models::{Demande, Habilitation, Standing};
use super::schema::{api_tokens, demandes, habilitations};

pub fn insert_token(
    conn: &mut DbConnection,
    provider: &str,
    name: &str,
    hash: &str,
    scopes: &str,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::provider.eq(provider),
            api_tokens::name.eq(name),
            api_tokens::token_hash.eq(hash),
            api_tokens::scopes.eq(scopes),
            api_tokens::created_at.eq(at),
        ))
        .returning(api_tokens::id)
        .get_result(conn)
}

/// The id, provider and scopes of a live token, by its hash; records the use.
pub fn use_token(
    conn: &mut DbConnection,
    hash: &str,
    at: NaiveDateTime,
) -> QueryResult<Option<(i64, String, String)>> {
    let found: Option<(i64, String, String)> = api_tokens::table
        .filter(api_tokens::token_hash.eq(hash))
        .filter(api_tokens::revoked_at.is_null())
        .select((api_tokens::id, api_tokens::provider, api_tokens::scopes))
        .first(conn)
        .optional()?;
    if let Some((id, _, _)) = &found {
        diesel::update(api_tokens::table.find(*id))
            .set(api_tokens::last_used_at.eq(Some(at)))
            .execute(conn)?;
    }
    Ok(found)
}

/// Records one read of the API.
pub fn record_read(
    conn: &mut DbConnection,
    token_id: i64,
    provider: &str,
    route: &str,
    returned: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    use super::schema::api_reads;
    diesel::insert_into(api_reads::table)
        .values((
            api_reads::token_id.eq(token_id),
            api_reads::provider.eq(provider),
            api_reads::route.eq(route),
            api_reads::returned.eq(returned),
            api_reads::at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// A read of the API, with its token's name.
#[derive(Debug, Clone, Queryable)]
pub struct ReadRow {
    pub at: NaiveDateTime,
    pub provider: String,
    pub token_name: String,
    pub route: String,
    pub returned: String,
}

/// The newest reads of some providers.
pub fn reads(
    conn: &mut DbConnection,
    providers: &[String],
    limit: i64,
) -> QueryResult<Vec<ReadRow>> {
    use super::schema::api_reads;
    api_reads::table
        .inner_join(api_tokens::table)
        .filter(api_reads::provider.eq_any(providers.to_vec()))
        .order(api_reads::id.desc())
        .limit(limit)
        .select((
            api_reads::at,
            api_reads::provider,
            api_tokens::name,
            api_reads::route,
            api_reads::returned,
        ))
        .load(conn)
}

/// Deletes the reads older than `before`; returns how many went.
pub fn purge_reads(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    use super::schema::api_reads;
    diesel::delete(api_reads::table.filter(api_reads::at.lt(before))).execute(conn)
}

pub fn revoke_token(conn: &mut DbConnection, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        api_tokens::table
            .find(id)
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(Some(at)))
    .execute(conn)
}

/// Filters of the habilitations list.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub siret: Option<String>,
    /// active (not expired), expired, revoked, obsolete.
    pub state: Option<String>,
    pub scope: Option<String>,
    pub granted_since: Option<NaiveDateTime>,
}

/// A habilitation with its demande's SIRET and organisation name.
pub type Row = (Habilitation, (String, String));

pub fn habilitations(
    conn: &mut DbConnection,
    provider: &str,
    f: &Filters,
    now: NaiveDateTime,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<Row>> {
    let mut q = habilitations::table
        .inner_join(demandes::table)
        .filter(habilitations::provider.eq(provider.to_string()))
        .into_boxed();
    if let Some(siret) = &f.siret {
        q = q.filter(demandes::siret.eq(siret.clone()));
    }
    if let Some(scope) = &f.scope {
        // Scopes are a JSON list of identifiers (letters, digits, _): matched as a quoted item.
        q = q.filter(habilitations::scopes.like(format!("%\"{scope}\"%")));
    }
    if let Some(since) = f.granted_since {
        q = q.filter(habilitations::granted_at.ge(since));
    }
    q = match f.state.as_deref() {
        None => q,
        Some(code) => match Standing::parse(code) {
            Some(standing) => super::habilitations::within(q, standing.bounds(now)),
            // The service refuses unknown codes first; were one to pass, it matches nothing.
            None => q.filter(habilitations::state.eq(code.to_string())),
        },
    };
    q.order(habilitations::id.desc())
        .offset(offset)
        .limit(limit)
        .select((
            Habilitation::as_select(),
            (demandes::siret, demandes::organisation_name),
        ))
        .load(conn)
}

pub fn habilitation(conn: &mut DbConnection, provider: &str, id: i64) -> QueryResult<Option<Row>> {
    habilitations::table
        .inner_join(demandes::table)
        .filter(habilitations::provider.eq(provider))
        .filter(habilitations::id.eq(id))
        .select((
            Habilitation::as_select(),
            (demandes::siret, demandes::organisation_name),
        ))
        .first(conn)
        .optional()
}

/// A demande of the provider, once submitted at least once: a draft is the applicant's alone,
/// as the instruction pages keep it.
pub fn demande(conn: &mut DbConnection, provider: &str, id: i64) -> QueryResult<Option<Demande>> {
    demandes::table
        .filter(demandes::provider.eq(provider))
        .filter(demandes::id.eq(id))
        .filter(demandes::last_submitted_at.is_not_null())
        .select(Demande::as_select())
        .first(conn)
        .optional()
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub id: i64,
    pub provider: String,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    /// What it may read, space-separated (`habilitations:read demandes:read`).
    pub scopes: String,
}

/// Tokens of some providers, newest first (never their hash).
pub fn tokens(conn: &mut DbConnection, providers: &[String]) -> QueryResult<Vec<TokenRow>> {
    api_tokens::table
        .filter(api_tokens::provider.eq_any(providers.to_vec()))
        .order(api_tokens::id.desc())
        .select(TokenRow::as_select())
        .load(conn)
}

pub fn token_provider(conn: &mut DbConnection, id: i64) -> QueryResult<Option<String>> {
    api_tokens::table
        .find(id)
        .select(api_tokens::provider)
        .first(conn)
        .optional()
}
