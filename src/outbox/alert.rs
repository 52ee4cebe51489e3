//! The email the worker writes itself: a provider's managers are told when its webhook keeps
//! failing. Rendered with askama like every other email, queued through the outbox.

use askama::Template;
use chrono::NaiveDateTime;

use crate::db::{DbConnection, outbox, users, webhooks};

/// Failed webhook attempts in a row before the provider's managers are emailed.
pub const FAILURES_BEFORE_ALERT: i32 = 5;

/// What the alert's templates show (the names the shared email layout reads).
pub struct AlertMail {
    pub subject: String,
    /// "d'API Particulier": the provider as people know it, elided as French writes it.
    pub of_provider: String,
    pub url: String,
    pub failures: i32,
    pub link: String,
    pub link_label: String,
    /// No demande, no unsubscribe link: the shared layout's footers stay empty.
    pub public_id: String,
    pub provider_name: String,
    pub organisation: String,
    pub unsubscribe: Option<String>,
}

#[derive(Template)]
#[template(path = "mail/webhook_failing.txt")]
struct Text<'a> {
    m: &'a AlertMail,
}

#[derive(Template)]
#[template(path = "mail/webhook_failing.html")]
struct Html<'a> {
    m: &'a AlertMail,
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

/// A webhook delivery that keeps failing.
pub struct Failing<'a> {
    pub outbox_id: i64,
    pub url: &'a str,
    /// Providers' names by slug.
    pub names: &'a std::collections::HashMap<String, String>,
    pub base_url: &'a str,
}

/// Emails the managers of the webhook's provider that it keeps failing.
pub fn managers(
    conn: &mut DbConnection,
    failing: &Failing,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    let Some(provider) = webhooks::provider_of(conn, failing.outbox_id)? else {
        return Ok(());
    };
    // People know the provider by its name; the slug is for machines.
    let name = failing.names.get(&provider).unwrap_or(&provider);
    let m = AlertMail {
        subject: format!(
            "[habilis] Le webhook {} échoue depuis {FAILURES_BEFORE_ALERT} tentatives",
            of_name(name)
        ),
        of_provider: of_name(name),
        url: failing.url.to_string(),
        failures: FAILURES_BEFORE_ALERT,
        link: format!("{}/instruction/webhooks", failing.base_url),
        link_label: "Voir les envois de webhooks sur habilis".to_string(),
        public_id: String::new(),
        provider_name: name.clone(),
        organisation: String::new(),
        unsubscribe: None,
    };
    let (text, html) = (Text { m: &m }.render()?, Html { m: &m }.render()?);
    for manager in users::holders_of(conn, &provider, &[crate::domain::policy::Role::Manager])? {
        outbox::insert_email(
            conn,
            "webhook_failing",
            &manager.email,
            &m.subject,
            (&text, &html),
            now,
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
