//! Outbox delivery: the worker and the transports it sends through.

mod alert;
pub mod mailer;
pub mod webhook;
pub mod worker;

use std::time::Duration;

use crate::config::Settings;
use crate::db::Db;

pub use mailer::Mailer;
pub use worker::Worker;

/// The worker as the settings describe it; `provider_names` maps slugs to names.
/// Tells a worker to stop: it finishes the row in hand, claims no more, and wakes from its
/// wait between passes at once.
#[derive(Debug, Default)]
pub struct Stop {
    flag: std::sync::atomic::AtomicBool,
    wake: tokio::sync::Notify,
    /// The row being sent (0: none).
    hand: std::sync::atomic::AtomicI64,
}

impl Stop {
    /// The row being sent now, if any.
    pub fn in_hand(&self) -> Option<i64> {
        Some(self.hand.load(std::sync::atomic::Ordering::SeqCst)).filter(|id| *id != 0)
    }

    pub(crate) fn hold(&self, id: i64) {
        self.hand.store(id, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn stop(&self) {
        self.flag.store(true, std::sync::atomic::Ordering::SeqCst);
        self.wake.notify_one();
    }

    pub fn stopping(&self) -> bool {
        self.flag.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Waits `poll`, or until told to stop.
    pub async fn sleep(&self, poll: Duration) {
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = self.wake.notified() => {}
        }
    }
}

pub fn worker(
    settings: &Settings,
    db: Db,
    provider_names: std::collections::HashMap<String, String>,
) -> anyhow::Result<Worker> {
    Ok(Worker {
        db,
        mailer: Mailer::from_settings(settings)?,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .build()?,
        webhook_env: settings.webhook_env.clone(),
        provider_names,
        max_attempts: settings.outbox.max_attempts,
        backoff: Duration::from_millis(settings.outbox.backoff_ms),
        poll: Duration::from_millis(settings.outbox.poll_ms),
        clock: crate::clock::now,
        base_url: settings.base_url.clone(),
        lease: chrono::Duration::seconds(settings.outbox.lease_seconds),
        stop: Default::default(),
    })
}
