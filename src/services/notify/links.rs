//! Links in emails, and the signed unsubscribe links (RFC 8058 one-click).

use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;

use crate::config::Settings;

/// Links in emails, and the key that signs unsubscribe links.
#[derive(Clone)]
pub struct Links {
    pub base_url: String,
    key: Vec<u8>,
    /// Webhook URLs and secrets, by the variable names providers' files give.
    pub webhook_env: std::sync::Arc<std::collections::HashMap<String, String>>,
}

impl Links {
    pub fn from_settings(settings: &Settings) -> Links {
        Links {
            base_url: settings.base_url.clone(),
            key: settings.session_key.expose_secret().as_bytes().to_vec(),
            webhook_env: std::sync::Arc::new(settings.webhook_env.clone()),
        }
    }

    /// An absolute link to a path of habilis.
    pub fn to(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// HMAC accepts keys of any length, so this is always Some.
    fn mac(&self, user_id: i64, provider: &str, kind: &str) -> Option<Hmac<Sha256>> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).ok()?;
        mac.update(format!("desabonnement:{user_id}:{provider}:{kind}").as_bytes());
        Some(mac)
    }

    /// The token of an unsubscribe link: turns off exactly this kind, for this provider and person.
    pub fn unsubscribe_token(&self, user_id: i64, provider: &str, kind: &str) -> String {
        self.mac(user_id, provider, kind)
            .map(|mac| {
                mac.finalize()
                    .into_bytes()
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn verify_unsubscribe(
        &self,
        user_id: i64,
        provider: &str,
        kind: &str,
        token: &str,
    ) -> bool {
        let (Some(bytes), Some(mac)) = (decode_hex(token), self.mac(user_id, provider, kind))
        else {
            return false;
        };
        mac.verify_slice(&bytes).is_ok()
    }

    pub fn unsubscribe_url(&self, user_id: i64, provider: &str, kind: &str) -> String {
        let token = self.unsubscribe_token(user_id, provider, kind);
        format!(
            "{}/desabonnement?u={user_id}&f={provider}&k={kind}&t={token}",
            self.base_url
        )
    }
}

fn decode_hex(raw: &str) -> Option<Vec<u8>> {
    if !raw.len().is_multiple_of(2) || raw.len() > 128 {
        return None;
    }
    (0..raw.len())
        .step_by(2)
        .map(|i| {
            raw.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect()
}

#[cfg(test)]
pub(super) fn test_links() -> Links {
    Links {
        base_url: "https://habilis.example".into(),
        key: b"secret".to_vec(),
        webhook_env: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsubscribe_tokens_turn_off_exactly_one_kind() {
        let l = test_links();
        let token = l.unsubscribe_token(7, "api-particulier", "messages");
        assert!(l.verify_unsubscribe(7, "api-particulier", "messages", &token));
        assert!(!l.verify_unsubscribe(8, "api-particulier", "messages", &token));
        assert!(!l.verify_unsubscribe(7, "api-entreprise", "messages", &token));
        assert!(!l.verify_unsubscribe(7, "api-particulier", "decisions", &token));
        assert!(!l.verify_unsubscribe(7, "api-particulier", "messages", "zz"));
        assert!(
            l.unsubscribe_url(7, "api-particulier", "messages")
                .starts_with("https://habilis.example/desabonnement?u=7&")
        );
    }
}
