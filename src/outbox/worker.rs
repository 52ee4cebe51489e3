//! The outbox worker: claims due rows, sends them, records the outcome. Retries with
//! exponential backoff and jitter; gives up after the configured attempts (a dead letter
//! admins can retry); a 5xx answer fails at once with the server's words.

use std::time::Duration;

use chrono::NaiveDateTime;

use crate::db::outbox::OutboxRow;
use crate::db::{Db, outbox, webhooks};

use super::mailer::{Mailer, SendError};
use super::{alert, webhook};

pub struct Worker {
    pub db: Db,
    pub mailer: Mailer,
    /// Posts webhooks (redirects not followed).
    pub http: reqwest::Client,
    /// Webhook secrets, by variable name.
    pub webhook_env: std::collections::HashMap<String, String>,
    /// Providers' names by slug, for the emails the worker writes itself.
    pub provider_names: std::collections::HashMap<String, String>,
    pub max_attempts: i32,
    pub backoff: Duration,
    pub poll: Duration,
    /// The time the worker acts at.
    pub clock: crate::clock::Clock,
    /// The portal's address, for links in the emails the worker writes itself.
    pub base_url: String,
    /// How long a claimed row stays with this worker.
    pub lease: chrono::Duration,
    /// Set when the process stops: the worker finishes the row in hand and claims no more.
    pub stop: std::sync::Arc<super::Stop>,
}

/// Rows sent per pass, each claimed just before it is sent.
const BATCH: usize = 20;

/// What one pass did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub delivered: usize,
    pub retried: usize,
    pub failed: usize,
}

impl Worker {
    /// The delay before attempt `attempts + 1`: doubling from `backoff`, capped at a day,
    /// plus up to 20 % of jitter so that a burst of failures does not retry in step.
    pub fn delay(&self, attempts: i32) -> Duration {
        use rand::Rng;
        let base = self.backoff.as_millis() as u64;
        let exp = base
            .saturating_mul(1u64 << attempts.clamp(0, 20))
            .min(86_400_000);
        let jitter = rand::rng().random_range(0..=exp / 5);
        Duration::from_millis(exp + jitter)
    }

    /// Claims and delivers what is due at `now`.
    pub async fn run_once(&self, now: NaiveDateTime) -> anyhow::Result<Pass> {
        let mut pass = Pass::default();
        for _ in 0..BATCH {
            if self.stop.stopping() {
                break;
            }
            // The lease runs from the moment of the claim, not from the start of the pass.
            // Well beyond one send (the SMTP timeout is 20 s), and rows are claimed one at a
            // time, so a slow server never lets another instance take a row still being sent.
            let lease = now.max((self.clock)()) + self.lease;
            let claimed = self
                .db
                .run(move |conn| Ok::<_, anyhow::Error>(outbox::claim(conn, now, lease, 1)?))
                .await?;
            let Some(row) = claimed.into_iter().next() else {
                break;
            };
            self.stop.hold(row.id);
            let outcome = if row.kind() == Some(outbox::Kind::Webhook) {
                self.post_webhook(&row).await?
            } else {
                self.mailer.send(&row).await
            };
            let at = (self.clock)();
            let id = row.id;
            match outcome {
                Ok(()) => {
                    self.db
                        .run(move |conn| {
                            Ok::<_, anyhow::Error>(outbox::mark_delivered(conn, id, at)?)
                        })
                        .await?;
                    tracing::info!(outbox = id, topic = %row.topic, "email delivered");
                    pass.delivered += 1;
                }
                Err(e) => {
                    let give_up = e.permanent || row.attempts >= self.max_attempts;
                    let retry_at = (!give_up).then(|| {
                        at + chrono::Duration::from_std(self.delay(row.attempts))
                            .unwrap_or_default()
                    });
                    tracing::warn!(outbox = id, attempts = row.attempts, permanent = e.permanent, error = %e.message, "email not delivered");
                    let message = e.message.clone();
                    self.db
                        .run(move |conn| {
                            Ok::<_, anyhow::Error>(outbox::mark_failed(
                                conn, id, &message, retry_at, at,
                            )?)
                        })
                        .await?;
                    if give_up {
                        pass.failed += 1
                    } else {
                        pass.retried += 1
                    }
                }
            }
            self.stop.hold(0);
        }
        Ok(pass)
    }

    /// Posts a webhook and records the attempt; a 2xx delivers it, anything else retries.
    async fn post_webhook(&self, row: &OutboxRow) -> anyhow::Result<Result<(), SendError>> {
        // Rows queued by a version before secret_env named the variable in `subject`.
        let variable = row.secret_env.as_deref().unwrap_or(&row.subject);
        let Some(secret) = self.webhook_env.get(variable) else {
            return Ok(Err(SendError {
                permanent: true,
                message: format!("secret absent : variable {variable} non définie"),
            }));
        };
        let answer = webhook::post(&self.http, row, secret).await;
        let (id, demande, at) = (row.id, row.demande_id, (self.clock)());
        let recorded = answer.clone();
        self.db
            .run(move |conn| {
                webhooks::record(
                    conn,
                    id,
                    demande,
                    at,
                    recorded.status.map(i32::from),
                    recorded.duration_ms,
                    &recorded.response,
                )?;
                if let (true, Some(token), Some(demande)) =
                    (recorded.succeeded(), &recorded.token_id, demande)
                {
                    webhooks::store_token(conn, demande, token)?;
                }
                Ok::<_, anyhow::Error>(())
            })
            .await?;
        // After five failed attempts in a row, the provider's managers are told, once.
        if !answer.succeeded() && row.attempts == alert::FAILURES_BEFORE_ALERT {
            let (id, url, names) = (row.id, row.recipient.clone(), self.provider_names.clone());
            let (base_url, now) = (self.base_url.clone(), (self.clock)());
            self.db
                .run(move |conn| {
                    let to = alert::Failing {
                        outbox_id: id,
                        url: &url,
                        names: &names,
                        base_url: &base_url,
                    };
                    alert::managers(conn, &to, now)
                })
                .await?;
        }
        Ok(if answer.succeeded() {
            Ok(())
        } else {
            let status = answer
                .status
                .map_or("pas de réponse".to_string(), |s| format!("statut {s}"));
            Err(SendError {
                permanent: false,
                message: format!("{status} : {}", answer.response),
            })
        })
    }

    /// Delivers every `poll` until `stopping` is set; the row in hand is finished first.
    pub async fn run_forever(self) {
        while !self.stop.stopping() {
            match self.run_once((self.clock)()).await {
                Ok(pass) if pass.delivered + pass.retried + pass.failed >= BATCH => {
                    continue;
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = ?e, "outbox pass failed"),
            }
            self.stop.sleep(self.poll).await;
        }
        tracing::info!("outbox worker stopped");
    }
}
