//! Notices to holders: a provider's managers (and admins) email every organisation holding an
//! active habilitation of theirs, after a preview and a count; through the outbox, in one
//! transaction with the notice's record (its form token makes a double click send once),
//! audited.

use askama::Template;

use crate::db::{holder_notices as db, outbox, write_transaction};
use crate::domain::holder_notice::{self as rules, NoticeError};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::roles::managed_providers;
use super::{App, audit, now};

/// What a notice email shows (with the names the email layout reads).
#[derive(Debug, Clone)]
pub struct NoticeMail {
    pub subject: String,
    pub provider_name: String,
    pub organisation: String,
    pub body: String,
    pub link: String,
    pub link_label: String,
    pub public_id: String,
    pub unsubscribe: Option<String>,
}

#[derive(Template)]
#[template(path = "mail/holder_notice.txt")]
struct Text<'a> {
    m: &'a NoticeMail,
}

#[derive(Template)]
#[template(path = "mail/holder_notice.html")]
struct Html<'a> {
    m: &'a NoticeMail,
}

/// A notice ready to send: whom it reaches and how it reads.
pub struct Prepared {
    pub provider: String,
    pub provider_name: String,
    pub subject: String,
    pub body: String,
    pub organisations: usize,
    pub recipients: usize,
    /// The first recipient's email: (to, subject, text).
    pub sample: (String, String, String),
}

fn refused(e: NoticeError) -> AppError {
    AppError::Unprocessable(e.to_string())
}

fn mail(
    app: &App,
    provider_name: &str,
    organisation: &str,
    subject: &str,
    body: &str,
) -> NoticeMail {
    NoticeMail {
        subject: rules::subject_line(provider_name, subject),
        provider_name: provider_name.to_string(),
        organisation: organisation.to_string(),
        body: body.to_string(),
        link: app.links.to("/demandes"),
        link_label: "Voir vos habilitations sur habilis".to_string(),
        public_id: String::new(),
        unsubscribe: None,
    }
}

fn managed(app: &App, current: &CurrentUser, provider: &str) -> Result<String, AppError> {
    if !managed_providers(app, current)
        .iter()
        .any(|p| p == provider)
    {
        return Err(AppError::Forbidden);
    }
    Ok(app
        .catalog
        .get(provider)
        .map_or(provider.to_string(), |p| p.name.clone()))
}

/// Checks the notice and counts whom it reaches, with the email the first will read.
pub async fn prepare(
    app: &App,
    current: &CurrentUser,
    provider: &str,
    (subject, body): (&str, &str),
) -> Result<Prepared, AppError> {
    let provider_name = managed(app, current, provider)?;
    let (subject, body) = rules::check(subject, body).map_err(refused)?;
    let slug = provider.to_string();
    let holders = app
        .db
        .run(move |conn| Ok::<_, AppError>(db::holders(conn, &slug, now())?))
        .await?;
    let Some((organisation, to)) = holders.first().cloned() else {
        return Err(refused(NoticeError::Nobody));
    };
    let mut organisations: Vec<&String> = holders.iter().map(|(o, _)| o).collect();
    organisations.dedup();
    let m = mail(app, &provider_name, &organisation, &subject, &body);
    let text = Text { m: &m }.render().map_err(anyhow::Error::from)?;
    Ok(Prepared {
        provider: provider.to_string(),
        provider_name,
        organisations: organisations.len(),
        recipients: holders.len(),
        sample: (to, m.subject.clone(), text),
        subject,
        body,
    })
}

/// Sends the notice to every holder now; how many emails were queued (0 when this form was
/// sent already).
pub async fn send(
    app: &App,
    current: &CurrentUser,
    provider: &str,
    (subject, body): (&str, &str),
    token: &str,
) -> Result<usize, AppError> {
    let provider_name = managed(app, current, provider)?;
    let (subject, body) = rules::check(subject, body).map_err(refused)?;
    if token.len() < 16 || token.len() > 128 {
        return Err(AppError::BadRequest(
            "Ce formulaire est incomplet : recommencez depuis l'aperçu.".to_string(),
        ));
    }
    let (slug, token) = (provider.to_string(), token.to_string());
    let (key, admin, user_id) = (
        app.settings.audit_key.clone(),
        current.user.email.clone(),
        current.user.id,
    );
    let mails: Vec<(String, NoticeMail)> = {
        let slug = slug.clone();
        let holders = app
            .db
            .run(move |conn| Ok::<_, AppError>(db::holders(conn, &slug, now())?))
            .await?;
        holders
            .into_iter()
            .map(|(org, to)| (to, mail(app, &provider_name, &org, &subject, &body)))
            .collect()
    };
    if mails.is_empty() {
        return Err(refused(NoticeError::Nobody));
    }
    let rendered: Vec<(String, String, String, String)> = mails
        .iter()
        .map(|(to, m)| {
            let text = Text { m }.render().map_err(anyhow::Error::from)?;
            let html = Html { m }.render().map_err(anyhow::Error::from)?;
            Ok((to.clone(), m.subject.clone(), text, html))
        })
        .collect::<Result<_, AppError>>()?;
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let at = now();
                let count = i64::try_from(rendered.len()).unwrap_or(i64::MAX);
                if !db::record(conn, (&slug, &subject, &body), user_id, (count, &token), at)? {
                    return Ok(0);
                }
                for (to, subject, text, html) in &rendered {
                    outbox::insert_email(conn, "holder_notice", to, subject, (text, html), at)?;
                }
                let detail = serde_json::json!({ "subject": subject, "recipients": count });
                audit::record(
                    conn,
                    &key,
                    &admin,
                    "provider.notice",
                    &format!("provider:{slug}"),
                    None,
                    Some(&detail.to_string()),
                )?;
                Ok(rendered.len())
            })
        })
        .await
}

/// A notice sent: (provider, subject, sent at, recipients).
pub type Sent = (String, String, chrono::NaiveDateTime, i64);

/// The providers the person manages, and the notices sent for them.
pub async fn history(
    app: &App,
    current: &CurrentUser,
) -> Result<(Vec<String>, Vec<Sent>), AppError> {
    let providers = managed_providers(app, current);
    if providers.is_empty() {
        return Err(AppError::Forbidden);
    }
    let list = providers.clone();
    let sent = app
        .db
        .run(move |conn| Ok::<_, AppError>(db::sent(conn, &list)?))
        .await?;
    Ok((providers, sent))
}
