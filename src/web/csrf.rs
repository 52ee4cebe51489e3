//! CSRF protection: a random token kept in the (encrypted) session, echoed by every form.

use actix_session::Session;

use crate::error::AppError;

const KEY: &str = "csrf";
pub const FIELD: &str = "_csrf";

/// The session's token, created on first use.
pub fn token(session: &Session) -> Result<String, AppError> {
    if let Ok(Some(token)) = session.get::<String>(KEY) {
        return Ok(token);
    }
    let token = crate::config::random_key();
    session
        .insert(KEY, &token)
        .map_err(super::session::stored)?;
    Ok(token)
}

/// Checks the token a form sent back.
pub fn verify(session: &Session, input: &[(String, String)]) -> Result<(), AppError> {
    let expected = session
        .get::<String>(KEY)
        .ok()
        .flatten()
        .ok_or(AppError::Csrf)?;
    let sent = input
        .iter()
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.as_str())
        .ok_or(AppError::Csrf)?;
    if constant_time_eq(expected.as_bytes(), sent.as_bytes()) {
        Ok(())
    } else {
        Err(AppError::Csrf)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
