//! A provider's observed time to decide, told on the page that starts a demande: the median of
//! its last 90 days of decisions, read at most once an hour per provider.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::domain::delay::{self, Observed};
use crate::error::AppError;

use super::{App, now};

/// The decisions counted: the last 90 days'.
pub const WINDOW_DAYS: i64 = 90;
/// How long a provider's figure is kept before it is read again.
const KEPT: Duration = Duration::from_secs(3600);
/// The newest decisions counted, at most: enough for a median, and cheap at any size (at a
/// million demandes, 28-40 ms to read 1,000 against 120-144 ms for 5,000).
const MAX_DECISIONS: i64 = 1_000;

/// Each provider's last figure, and when it was read.
#[derive(Debug, Default)]
pub struct DelayCache {
    kept: Mutex<HashMap<String, (Instant, Option<Observed>)>>,
}

impl DelayCache {
    /// Drops the provider's figure, after one of its decisions.
    pub fn forget(&self, provider: &str) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.remove(provider);
        }
    }
}

/// The provider's observed time to decide; `None` with too few recent decisions.
pub async fn observed(app: &App, provider: &str) -> Result<Option<Observed>, AppError> {
    let fresh = app.delays.kept.lock().ok().and_then(|kept| {
        kept.get(provider)
            .filter(|(at, _)| at.elapsed() < KEPT)
            .map(|(_, value)| *value)
    });
    if let Some(value) = fresh {
        return Ok(value);
    }
    let slug = provider.to_string();
    let since = now() - chrono::Duration::days(WINDOW_DAYS);
    let waits = app
        .db
        .run(move |conn| {
            crate::db::events::decision_waits(conn, &slug, since, MAX_DECISIONS)
                .map_err(AppError::from)
        })
        .await?;
    let value = delay::observed(&waits);
    if let Ok(mut kept) = app.delays.kept.lock() {
        kept.insert(provider.to_string(), (Instant::now(), value));
    }
    Ok(value)
}
