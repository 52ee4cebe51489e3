//! Role management: admins for every provider, managers for theirs.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::domain::policy::Role;
use crate::error::AppError;
use crate::services::roles::{self as service, Holder, Who};
use crate::services::{App, accounts::CurrentUser};
use crate::web::csrf;
use crate::web::input::{self, FormInput};
use crate::web::session::SignedIn;
use crate::web::views::{Layout, format_datetime};

use super::{render, see_other};

pub struct RoleChoice {
    pub value: &'static str,
    pub label: &'static str,
}

pub struct AuditLine {
    pub when: String,
    pub actor: String,
    pub action: String,
    pub resource: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "admin/roles.html")]
pub struct RolesPage {
    pub layout: Layout,
    /// (slug, name) of the providers the person manages.
    pub providers: Vec<(String, String)>,
    pub roles: Vec<RoleChoice>,
    /// (provider name, holders).
    pub groups: Vec<(String, String, Vec<Holder>)>,
    pub done: Option<&'static str>,
    pub error: Option<String>,
    pub email: String,
    pub audit: Vec<AuditLine>,
}

async fn page(
    app: &App,
    current: &CurrentUser,
    session: &Session,
    done: Option<&'static str>,
    error: Option<String>,
    email: String,
) -> Result<RolesPage, AppError> {
    let holders = service::holders(app, current).await?;
    let managed = service::managed_providers(app, current);
    let name = |slug: &str| {
        app.catalog
            .get(slug)
            .map_or(slug.to_string(), |p| p.name.clone())
    };
    let groups = managed
        .iter()
        .map(|slug| {
            (
                slug.clone(),
                name(slug),
                holders
                    .iter()
                    .filter(|h| &h.provider == slug)
                    .cloned()
                    .collect(),
            )
        })
        .collect();
    let audit = if current.actor.is_admin {
        service::audit_trail(app, current, 50)
            .await?
            .into_iter()
            .map(|r| AuditLine {
                when: format_datetime(&r.created_at),
                actor: r.actor,
                action: r.action,
                resource: r.resource,
                before: r.old_value.unwrap_or_default(),
                after: r.new_value.unwrap_or_default(),
            })
            .collect()
    } else {
        vec![]
    };
    Ok(RolesPage {
        layout: Layout::new(
            Some(current),
            csrf::token(session)?,
            app.settings.is_dev(),
            "admin",
        ),
        providers: managed
            .iter()
            .map(|slug| (slug.clone(), name(slug)))
            .collect(),
        roles: Role::ALL
            .iter()
            .map(|r| RoleChoice {
                value: r.as_str(),
                label: r.label(),
            })
            .collect(),
        groups,
        done,
        error,
        email,
        audit,
    })
}

pub async fn roles(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let query = input::parse(req.query_string().as_bytes()).unwrap_or_default();
    let done = match query
        .iter()
        .find(|(k, _)| k == "fait")
        .map(|(_, v)| v.as_str())
    {
        Some("ajout") => Some("Le rôle a été attribué."),
        Some("retrait") => Some("Le rôle a été retiré."),
        _ => None,
    };
    render(
        StatusCode::OK,
        &page(&app, &current, &session, done, None, String::new()).await?,
    )
}

async fn change(
    app: web::Data<App>,
    current: CurrentUser,
    session: Session,
    payload: web::Payload,
    grant: bool,
) -> Result<HttpResponse, AppError> {
    let input = FormInput::read(payload, &session).await?;
    let (email, provider, role) = (
        input.get("email").unwrap_or(""),
        input.get("provider").unwrap_or(""),
        input.get("role").unwrap_or(""),
    );
    let result = if grant {
        service::grant(&app, Who::User(&current), email, provider, role).await
    } else {
        service::revoke(&app, Who::User(&current), email, provider, role).await
    };
    match result {
        Ok(()) => Ok(see_other(if grant {
            "/admin/roles?fait=ajout"
        } else {
            "/admin/roles?fait=retrait"
        })),
        Err(AppError::Unprocessable(message)) => {
            let page = page(
                &app,
                &current,
                &session,
                None,
                Some(message),
                email.chars().take(254).collect(),
            )
            .await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e),
    }
}

pub async fn grant_role(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    change(app, current, session, payload, true).await
}

pub async fn revoke_role(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    change(app, current, session, payload, false).await
}
