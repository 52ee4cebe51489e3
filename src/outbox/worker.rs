//! The outbox worker: claims due rows, sends them, records the outcome. Retries with
//! exponential backoff and jitter; gives up after the configured attempts (a dead letter
//! admins can retry); a 5xx answer fails at once with the server's words.

use std::time::Duration;

use chrono::NaiveDateTime;

use crate::db::outbox::OutboxRow;
use crate::db::{Db, outbox, webhooks};

use super::mailer::{Mailer, SendError};
use super::webhook;

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
}

/// How long a claimed row stays with its worker before another may take it: well beyond one
/// send (the SMTP timeout is 20 s), and rows are claimed one at a time, so a slow server never
/// lets another instance take a row still being sent.
const LEASE_SECONDS: i64 = 120;
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
            // The lease runs from the moment of the claim, not from the start of the pass.
            let lease = now.max(crate::services::now()) + chrono::Duration::seconds(LEASE_SECONDS);
            let claimed = self
                .db
                .run(move |conn| Ok::<_, anyhow::Error>(outbox::claim(conn, now, lease, 1)?))
                .await?;
            let Some(row) = claimed.into_iter().next() else {
                break;
            };
            let outcome = if row.kind == "webhook" {
                self.post_webhook(&row).await?
            } else {
                self.mailer.send(&row).await
            };
            let at = crate::services::now();
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
        }
        Ok(pass)
    }

    /// Posts a webhook and records the attempt; a 2xx delivers it, anything else retries.
    async fn post_webhook(&self, row: &OutboxRow) -> anyhow::Result<Result<(), SendError>> {
        let Some(secret) = self.webhook_env.get(&row.subject) else {
            return Ok(Err(SendError {
                permanent: true,
                message: format!("secret absent : variable {} non définie", row.subject),
            }));
        };
        let answer = webhook::post(&self.http, row, secret).await;
        let (id, demande, at) = (row.id, row.demande_id, crate::services::now());
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
        if !answer.succeeded() && row.attempts == FAILURES_BEFORE_ALERT {
            let (id, url, names) = (row.id, row.recipient.clone(), self.provider_names.clone());
            self.db
                .run(move |conn| Ok::<_, anyhow::Error>(alert_managers(conn, id, &url, &names)?))
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

    /// Delivers forever, every `poll`.
    pub async fn run_forever(self) {
        loop {
            match self.run_once(crate::services::now()).await {
                Ok(pass) if pass.delivered + pass.retried + pass.failed >= BATCH => {
                    continue;
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = ?e, "outbox pass failed"),
            }
            tokio::time::sleep(self.poll).await;
        }
    }
}

/// Failed webhook attempts in a row before the provider's managers are emailed.
pub const FAILURES_BEFORE_ALERT: i32 = 5;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// "de API Particulier" as French writes it: "d'API Particulier".
fn of_name(name: &str) -> String {
    let vowel = name
        .chars()
        .next()
        .is_some_and(|c| "aeiouyàâäéèêëîïôöùûüAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜ".contains(c));
    if vowel {
        format!("d'{name}")
    } else {
        format!("de {name}")
    }
}

/// Emails the managers of a webhook's provider that it keeps failing.
fn alert_managers(
    conn: &mut crate::db::DbConnection,
    outbox_id: i64,
    url: &str,
    names: &std::collections::HashMap<String, String>,
) -> diesel::QueryResult<()> {
    let Some(provider) = webhooks::provider_of(conn, outbox_id)? else {
        return Ok(());
    };
    // People know the provider by its name; the slug is for machines.
    let name = names.get(&provider).unwrap_or(&provider);
    let subject = format!(
        "[habilis] Le webhook {} échoue depuis {FAILURES_BEFORE_ALERT} tentatives",
        of_name(name)
    );
    let text = format!(
        "Bonjour,\n\nLes {FAILURES_BEFORE_ALERT} dernières tentatives d'envoi à {url} ont échoué. habilis continue d'essayer ; \
         vérifiez que ce système répond, puis consultez /instruction/webhooks.\n"
    );
    let html = format!(
        "<p>Bonjour,</p><p>{}</p>",
        escape(&text.replace("Bonjour,\n\n", ""))
    );
    let now = crate::services::now();
    for manager in crate::db::users::holders_of(conn, &provider, &["manager"])? {
        outbox::insert(
            conn,
            &outbox::NewEmail {
                kind: "email",
                topic: "webhook_failing",
                demande_id: None,
                recipient: &manager.email,
                subject: &subject,
                body_text: &text,
                body_html: &html,
                unsubscribe_url: None,
                attempts: 0,
                next_attempt_at: now,
                created_at: now,
            },
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::of_name;

    #[test]
    fn a_name_starting_with_a_vowel_is_elided() {
        assert_eq!(of_name("API Particulier"), "d'API Particulier");
        assert_eq!(of_name("Équipements"), "d'Équipements");
        assert_eq!(of_name("DGFiP"), "de DGFiP");
    }
}
