//! Rate limits. Sign-in attempts per address and rights-API requests per token are counted per
//! minute in the database on PostgreSQL, so that they hold across every instance ([`allow`]);
//! a single SQLite instance counts in memory. Invalid API tokens per client address
//! ([`FailureLimiter`]) are turned away before any work is done, counted by each instance.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

/// A window opens at a key's first failure and lasts [`FailureLimiter::WINDOW_SECONDS`].
#[derive(Debug)]
pub struct FailureLimiter<K> {
    max_failures: u32,
    /// Key -> (second its window opened, failures in it).
    seen: Mutex<HashMap<K, (i64, u32)>>,
}

impl<K: Hash + Eq> FailureLimiter<K> {
    pub const WINDOW_SECONDS: i64 = 60;

    pub fn new(max_failures: u32) -> FailureLimiter<K> {
        FailureLimiter {
            max_failures,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Whether the key has used up its failures in its current window.
    pub fn blocked(&self, key: &K, now_seconds: i64) -> bool {
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.get(key).is_some_and(|(opened, failures)| {
            now_seconds - opened < Self::WINDOW_SECONDS && *failures >= self.max_failures
        })
    }

    /// Counts a failure of the key.
    pub fn failed(&self, key: K, now_seconds: i64) {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() > 10_000 {
            seen.retain(|_, (opened, _)| now_seconds - *opened < Self::WINDOW_SECONDS);
        }
        let entry = seen.entry(key).or_insert((now_seconds, 0));
        if now_seconds - entry.0 >= Self::WINDOW_SECONDS {
            *entry = (now_seconds, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_blocked_after_its_failures_until_its_window_ends() {
        let limiter = FailureLimiter::new(2);
        let (a, b) = ("10.0.0.1", "10.0.0.2");
        assert!(!limiter.blocked(&a, 100));
        limiter.failed(a, 100);
        assert!(!limiter.blocked(&a, 101));
        limiter.failed(a, 130);
        assert!(limiter.blocked(&a, 131));
        assert!(!limiter.blocked(&b, 131), "another key has its own count");
        assert!(limiter.blocked(&a, 159));
        assert!(
            !limiter.blocked(&a, 160),
            "the window opened at the first failure ended"
        );
    }
}

/// What a rate limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Sign-in attempts per client address.
    SignIn,
    /// Rights-API requests per token.
    Api,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::SignIn => "sign_in",
            Scope::Api => "api",
        }
    }
}

/// Counts one request for `key`; false when it asked too often this minute. Shared by every
/// instance on PostgreSQL.
pub async fn allow(
    app: &super::App,
    scope: Scope,
    key: String,
    at_seconds: i64,
) -> Result<bool, crate::error::AppError> {
    let (limit, memory) = match scope {
        Scope::SignIn => (app.settings.login_rate_per_minute, &app.login_limiter),
        Scope::Api => (app.settings.api_rate_per_minute, &app.api_limiter),
    };
    if app.db.backend() != crate::db::Backend::Postgres {
        return Ok(memory.allow(key, at_seconds));
    }
    let minute = at_seconds.div_euclid(60);
    let count = app
        .db
        .run(move |conn| {
            Ok::<_, crate::error::AppError>(crate::db::throttle::count(
                conn,
                scope.as_str(),
                &key,
                minute,
            )?)
        })
        .await?;
    Ok(count <= i64::from(limit))
}

/// Forgets the counts of minutes past (run hourly by the worker).
pub async fn purge(app: &super::App, at_seconds: i64) -> Result<usize, crate::error::AppError> {
    let minute = at_seconds.div_euclid(60) - 5;
    app.db
        .run(move |conn| {
            Ok::<_, crate::error::AppError>(crate::db::throttle::purge_before(conn, minute)?)
        })
        .await
}
