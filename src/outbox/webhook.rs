//! Posting a webhook: the JSON body signed with HMAC-SHA256 (`X-Hub-Signature-256`), an event
//! id stable across retries (`X-Habilis-Event-Id`), any 2xx a success, `{"token_id"}` kept.
//! The `User-Agent` names habilis and its version, so a receiver's logs say who called.

use std::time::Instant;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::db::outbox::OutboxRow;

/// What the receiver answered.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: Option<u16>,
    pub duration_ms: i64,
    /// The first bytes of the answer, or the error.
    pub response: String,
    pub token_id: Option<String>,
}

impl Answer {
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// What every webhook request says it is.
pub const USER_AGENT: &str = concat!("habilis/", env!("CARGO_PKG_VERSION"));

/// `sha256=<hex HMAC-SHA256(secret, body)>`.
pub fn signature(secret: &str, body: &str) -> String {
    let hex = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .map(|mut mac| {
            mac.update(body.as_bytes());
            mac.finalize()
                .into_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        })
        .unwrap_or_default();
    format!("sha256={hex}")
}

/// Stable for a row across retries: a receiver drops what it has already seen.
pub fn event_id(row: &OutboxRow) -> String {
    format!("evt-{}-{}", row.id, row.created_at.and_utc().timestamp())
}

pub async fn post(client: &reqwest::Client, row: &OutboxRow, secret: &str) -> Answer {
    let started = Instant::now();
    let sent = client
        .post(&row.recipient)
        .header("Content-Type", "application/json")
        .header("User-Agent", USER_AGENT)
        .header("X-Hub-Signature-256", signature(secret, &row.body_text))
        .header("X-Habilis-Event-Id", event_id(row))
        .body(row.body_text.clone())
        .send()
        .await;
    let elapsed = || started.elapsed().as_millis() as i64;
    match sent {
        Err(e) => Answer {
            status: None,
            duration_ms: elapsed(),
            response: e.to_string(),
            token_id: None,
        },
        Ok(response) => {
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            let token_id = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| {
                    v.get("token_id")
                        .and_then(|t| t.as_str())
                        .map(str::to_string)
                })
                .filter(|t| !t.is_empty() && t.len() <= 200);
            Answer {
                status: Some(status),
                duration_ms: elapsed(),
                response: text.chars().take(500).collect(),
                token_id,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hex_hmac_of_the_body() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
