//! An SMTP server on loopback that keeps what it receives: the real lettre client talks to it.
//! A recipient containing "refuse" is rejected for good (550), like an unknown mailbox.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Notify;

#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub raw: String,
}

impl Mail {
    fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(self.raw.as_bytes())
            .expect("a parsable email")
    }

    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_string()
    }

    pub fn text(&self) -> String {
        self.parsed()
            .body_text(0)
            .map(|t| t.to_string())
            .unwrap_or_default()
    }

    pub fn html(&self) -> String {
        self.parsed()
            .body_html(0)
            .map(|t| t.to_string())
            .unwrap_or_default()
    }

    /// A header as sent (raw value, unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self
            .raw
            .split("\r\n\r\n")
            .next()
            .unwrap_or_default()
            .replace("\r\n ", " ")
            .replace("\r\n\t", " ");
        head.lines()
            .find(|l| {
                l.to_lowercase()
                    .starts_with(&format!("{}:", name.to_lowercase()))
            })
            .map(|l| l[name.len() + 1..].trim().to_string())
    }
}

pub struct SmtpSink {
    pub port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
    arrived: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        SmtpSink::start_on(0).await
    }

    /// A slow server: it answers each email `pace` after receiving it (a worker killed then has
    /// sent an email it never heard was accepted).
    pub async fn start_paced(pace: Duration) -> SmtpSink {
        SmtpSink::listen(0, pace).await
    }

    pub async fn start_on(port: u16) -> SmtpSink {
        SmtpSink::listen(port, Duration::ZERO).await
    }

    async fn listen(port: u16, pace: Duration) -> SmtpSink {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind the SMTP sink");
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let arrived = Arc::new(Notify::new());
        let (m, a) = (mails.clone(), arrived.clone());
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (m, a) = (m.clone(), a.clone());
                tokio::spawn(async move {
                    let _ = session(socket, m, a, pace).await;
                });
            }
        });
        SmtpSink {
            port,
            mails,
            arrived,
            task,
        }
    }

    /// Stops listening: the port refuses connections from now on.
    pub fn stop(self) -> u16 {
        self.task.abort();
        self.port
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }

    /// Waits (at most 15 s) until `n` emails have arrived, and returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Mail> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            // Registered before looking, so an email arriving in between still wakes us.
            let notified = self.arrived.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let mails = self.mails();
            if mails.len() >= n {
                return mails;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!(
                    "expected {n} emails, got {}: {:#?}",
                    mails.len(),
                    mails
                        .iter()
                        .map(|m| (&m.to, m.subject()))
                        .collect::<Vec<_>>()
                );
            }
        }
    }
}

async fn session(
    socket: tokio::net::TcpStream,
    mails: Arc<Mutex<Vec<Mail>>>,
    arrived: Arc<Notify>,
    pace: Duration,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink ESMTP\r\n").await?;
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_uppercase();
        if command.starts_with("EHLO") {
            write
                .write_all(b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                .await?;
        } else if command.starts_with("HELO")
            || command.starts_with("MAIL FROM")
            || command.starts_with("RSET")
            || command.starts_with("NOOP")
        {
            write.write_all(b"250 OK\r\n").await?;
        } else if command.starts_with("RCPT TO") {
            if command.contains("REFUSE") {
                write.write_all(b"550 5.1.1 Adresse inconnue\r\n").await?;
            } else {
                to.push(
                    line.trim_end()[8..]
                        .trim()
                        .trim_matches(|c| c == '<' || c == '>')
                        .to_string(),
                );
                write.write_all(b"250 OK\r\n").await?;
            }
        } else if command == "DATA" {
            write.write_all(b"354 Go ahead\r\n").await?;
            let mut raw = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                raw.push_str(
                    line.strip_prefix('.')
                        .filter(|_| line.starts_with(".."))
                        .unwrap_or(&line),
                );
            }
            mails.lock().unwrap().push(Mail {
                to: std::mem::take(&mut to),
                raw,
            });
            arrived.notify_waiters();
            tokio::time::sleep(pace).await;
            write.write_all(b"250 Queued\r\n").await?;
        } else if command == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"250 OK\r\n").await?;
        }
    }
}
