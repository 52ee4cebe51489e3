//! Sending an outbox email: over SMTP (lettre), or into the dev mailbox when no SMTP server is
//! configured (the email then stays in the database, listed at /dev/emails).

use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::config::{Settings, SmtpTls};
use crate::db::outbox::OutboxRow;

/// Why an email did not leave.
#[derive(Debug, Clone)]
pub struct SendError {
    /// The server refused it for good (5xx): retrying would not help.
    pub permanent: bool,
    pub message: String,
}

#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
        domain: String,
    },
    /// No SMTP server: delivering means keeping it in the database.
    DevMailbox,
}

/// `List-Unsubscribe` (RFC 2369).
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_string()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_string())
    }
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Mailer> {
        let Some(smtp) = &settings.smtp else {
            return Ok(Mailer::DevMailbox);
        };
        let mut builder = match smtp.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
        }
        .port(smtp.port)
        .timeout(Some(std::time::Duration::from_secs(20)));
        if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                password.expose_secret().to_string(),
            ));
        }
        let from: Mailbox = settings.mail_from.parse().map_err(|e| {
            anyhow::anyhow!(
                "HABILIS_MAIL_FROM « {} » invalide : {e}",
                settings.mail_from
            )
        })?;
        let domain = from.email.domain().to_string();
        Ok(Mailer::Smtp {
            transport: Box::new(builder.build()),
            from,
            domain,
        })
    }

    /// The stable Message-ID of an outbox row: a retry after a crash carries the same one.
    pub fn message_id(row: &OutboxRow, domain: &str) -> String {
        format!(
            "<outbox-{}-{}@{domain}>",
            row.id,
            row.created_at.and_utc().timestamp()
        )
    }

    pub async fn send(&self, row: &OutboxRow) -> Result<(), SendError> {
        let (transport, from, domain) = match self {
            Mailer::DevMailbox => return Ok(()),
            Mailer::Smtp {
                transport,
                from,
                domain,
            } => (transport, from, domain),
        };
        let permanent = |message: String| SendError {
            permanent: true,
            message,
        };
        let to: Mailbox = row
            .recipient
            .parse()
            .map_err(|e| permanent(format!("adresse invalide : {e}")))?;
        let mut builder = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(row.subject.clone())
            .message_id(Some(Mailer::message_id(row, domain)));
        if let Some(url) = &row.unsubscribe_url {
            builder = builder
                .header(ListUnsubscribe(format!("<{url}>")))
                .header(ListUnsubscribePost);
        }
        let message = builder
            .multipart(MultiPart::alternative_plain_html(
                row.body_text.clone(),
                row.body_html.clone(),
            ))
            .map_err(|e| permanent(format!("courriel impossible à construire : {e}")))?;
        transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| SendError {
                permanent: e.is_permanent(),
                message: e.to_string(),
            })
    }

    pub fn is_dev_mailbox(&self) -> bool {
        matches!(self, Mailer::DevMailbox)
    }
}
