//! The admin's report of risky rights, as an access policy asks to review them: accounts
//! holding roles on many providers, roles never used since granted, managers who also apply
//! to their own provider, rights-API tokens left unused.

use crate::db::risks;
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::{App, now};

/// From how many providers' roles an account is listed.
pub const MANY_PROVIDERS: usize = 3;
/// After how many days without a read a live token is listed.
pub const IDLE_TOKEN_DAYS: i64 = 90;

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub many_providers: Vec<(String, Vec<String>)>,
    pub never_used: Vec<risks::UnusedRole>,
    pub managers_applying: Vec<(String, String, i64)>,
    pub idle_tokens: Vec<risks::IdleToken>,
}

/// The report (admins only).
pub async fn report(app: &App, current: &CurrentUser) -> Result<Report, AppError> {
    if !current.actor.is_admin {
        return Err(AppError::Forbidden);
    }
    let before = now() - chrono::Duration::days(IDLE_TOKEN_DAYS);
    app.db
        .run(move |conn| {
            Ok(Report {
                many_providers: risks::many_providers(conn, MANY_PROVIDERS)?,
                never_used: risks::never_used(conn)?,
                managers_applying: risks::managers_applying(conn)?,
                idle_tokens: risks::idle_tokens(conn, before)?,
            })
        })
        .await
}
