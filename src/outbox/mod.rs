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
    })
}
