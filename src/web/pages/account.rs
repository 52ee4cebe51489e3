//! The person's own account (who they are, for whom they act, signing out everywhere), and the
//! admins' page to remove a person's membership of an organisation.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::error::AppError;
use crate::services::memberships::{self, Member};
use crate::services::{App, accounts::CurrentUser};
use crate::web::csrf;
use crate::web::input::{self, FormInput};
use crate::web::session::SignedIn;
use crate::web::views::Layout;

use super::{ok, render, see_other};

#[derive(Template)]
#[template(path = "compte/account.html")]
pub struct AccountPage {
    pub layout: Layout,
    pub name: String,
    pub email: String,
    /// (SIRET, name) of the organisations the person acts for.
    pub organisations: Vec<(String, String)>,
    /// (provider name, role label).
    pub roles: Vec<(String, &'static str)>,
}

pub async fn show_account(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let provider_name = |slug: &str| {
        app.catalog
            .get(slug)
            .map_or(slug.to_string(), |p| p.name.clone())
    };
    ok(&AccountPage {
        layout: Layout::new(
            Some(&current),
            csrf::token(&session)?,
            app.settings.is_dev(),
            "moncompte",
        ),
        name: current.user.full_name().trim().to_string(),
        email: current.user.email.clone(),
        organisations: current
            .organisations
            .iter()
            .map(|o| (o.siret.clone(), o.name.clone()))
            .collect(),
        roles: current
            .actor
            .roles
            .iter()
            .map(|(p, r)| (provider_name(p), r.label()))
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "admin/members.html")]
pub struct MembersPage {
    pub layout: Layout,
    pub email: String,
    pub member: Option<Member>,
    pub searched: bool,
    pub done: bool,
    pub error: Option<String>,
}

async fn members_page(
    app: &App,
    current: &CurrentUser,
    session: &Session,
    email: String,
    done: bool,
) -> Result<MembersPage, AppError> {
    let (member, error) = if email.is_empty() {
        (None, None)
    } else {
        match memberships::find(app, current, &email).await {
            Ok(member) => (member, None),
            Err(AppError::Unprocessable(message)) => (None, Some(message)),
            Err(e) => return Err(e),
        }
    };
    Ok(MembersPage {
        layout: Layout::new(
            Some(current),
            csrf::token(session)?,
            app.settings.is_dev(),
            "admin",
        ),
        searched: !email.is_empty(),
        email,
        member,
        done,
        error,
    })
}

/// Admins look a person up by email and see the organisations they act for.
pub async fn list_members(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    if !current.actor.is_admin {
        return Err(AppError::Forbidden);
    }
    let query = input::parse(req.query_string().as_bytes()).unwrap_or_default();
    let get = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().chars().take(254).collect::<String>())
    };
    let done = get("fait").is_some();
    let page = members_page(
        &app,
        &current,
        &session,
        get("email").unwrap_or_default(),
        done,
    );
    ok(&page.await?)
}

/// Admins end a person's membership of an organisation.
pub async fn remove_member(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let input = FormInput::read(payload, &session).await?;
    let email = input.get("email").unwrap_or("").to_string();
    let organisation = input
        .get("organisation_id")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    match memberships::remove(&app, &current, &email, organisation).await {
        Ok(()) => {
            let back = format!(
                "/admin/membres?email={}&fait=retrait",
                percent_encoding::utf8_percent_encode(&email, percent_encoding::NON_ALPHANUMERIC)
            );
            Ok(see_other(&back))
        }
        Err(AppError::Unprocessable(message)) => {
            let mut page = members_page(&app, &current, &session, email, false).await?;
            page.error = Some(message);
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e),
    }
}
