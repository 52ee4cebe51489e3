//! The access review's emails: whom to ask about which role, and what each email says.

use std::collections::BTreeMap;

use askama::Template;
use chrono::NaiveDateTime;

use crate::db::access_reviews::{self as db, Item, Review};
use crate::db::{DbConnection, outbox, users};
use crate::domain::policy::Role;
use crate::error::AppError;
use crate::services::App;

/// What the review emails show (with the names the shared email layout reads).
pub struct ReviewMail {
    pub subject: String,
    /// start, remind or suspended.
    pub kind: &'static str,
    pub count: usize,
    pub deadline: String,
    pub suspend: bool,
    pub roles: Vec<String>,
    pub link: String,
    pub link_label: String,
    pub public_id: String,
    pub provider_name: String,
    pub organisation: String,
    pub unsubscribe: Option<String>,
}

#[derive(Template)]
#[template(path = "mail/access_review.txt")]
struct Text<'a> {
    m: &'a ReviewMail,
}

#[derive(Template)]
#[template(path = "mail/access_review.html")]
struct Html<'a> {
    m: &'a ReviewMail,
}

pub(super) fn day(at: NaiveDateTime) -> String {
    at.format("%d/%m/%Y").to_string()
}

/// "Instructeur – API Particulier", "Administrateur".
pub fn role_label(catalog: &crate::catalog::Catalog, provider: &str, role: &str) -> String {
    if provider.is_empty() {
        return "Administrateur".to_string();
    }
    let role = Role::parse(role).map_or(role.to_string(), |r| r.label().to_string());
    let provider = catalog
        .get(provider)
        .map_or(provider.to_string(), |p| p.name.clone());
    format!("{role} – {provider}")
}

fn line(app: &App, item: &Item) -> String {
    format!(
        "{} : {} {} ({})",
        role_label(&app.catalog, &item.provider, &item.role),
        item.given_name,
        item.family_name,
        item.email
    )
}

/// Who may be asked about an item: the provider's managers (its admins when it has none but
/// the holder), other admins for an admin; never the holder.
pub(super) fn askable(
    conn: &mut DbConnection,
    item: &Item,
    admins: &[crate::db::models::User],
) -> Result<Vec<crate::db::models::User>, AppError> {
    let managers = match item.provider.is_empty() {
        true => vec![],
        false => users::holders_of(conn, &item.provider, &[Role::Manager])?,
    };
    let pool = if managers.iter().any(|m| m.id != item.user_id) {
        managers
    } else {
        admins.to_vec()
    };
    Ok(pool.into_iter().filter(|r| r.id != item.user_id).collect())
}

/// Whom to ask about each undecided item, by address: the lines they review.
fn reviewers(
    conn: &mut DbConnection,
    app: &App,
    items: &[Item],
) -> Result<BTreeMap<String, Vec<String>>, AppError> {
    let admins = db::admins(conn)?;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in items.iter().filter(|i| i.decision.is_none()) {
        for reviewer in askable(conn, item, &admins)? {
            out.entry(reviewer.email.clone())
                .or_default()
                .push(line(app, item));
        }
    }
    Ok(out)
}

pub(super) fn send(
    conn: &mut DbConnection,
    to: &str,
    m: &ReviewMail,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let (text, html) = (
        Text { m }.render().map_err(anyhow::Error::from)?,
        Html { m }.render().map_err(anyhow::Error::from)?,
    );
    outbox::insert_email(conn, "access_review", to, &m.subject, (&text, &html), at)?;
    Ok(())
}

/// Emails each reviewer their roles left (`kind`: start or remind).
pub(super) fn ask(
    conn: &mut DbConnection,
    app: &App,
    review: &Review,
    kind: &'static str,
    at: NaiveDateTime,
) -> Result<usize, AppError> {
    let items = db::items(conn, review.id)?;
    let asked = reviewers(conn, app, &items)?;
    for (email, roles) in &asked {
        let subject = match kind {
            "start" => format!(
                "[habilis] Revue des accès : {} rôle(s) à revoir avant le {}",
                roles.len(),
                day(review.deadline)
            ),
            _ => format!(
                "[habilis] Rappel : {} rôle(s) à revoir avant le {}",
                roles.len(),
                day(review.deadline)
            ),
        };
        let m = ReviewMail {
            subject,
            kind,
            count: roles.len(),
            deadline: day(review.deadline),
            suspend: app.settings.access_review.suspend,
            roles: roles.clone(),
            link: format!("{}/revue-des-acces", app.settings.base_url),
            link_label: "Revoir les rôles sur habilis".to_string(),
            public_id: String::new(),
            provider_name: String::new(),
            organisation: String::new(),
            unsubscribe: None,
        };
        send(conn, email, &m, at)?;
    }
    Ok(asked.len())
}
