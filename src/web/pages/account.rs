//! The person's own account (who they are, for whom they act, signing out everywhere), and the
//! admins' page to remove a person's membership of an organisation.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::AppError;
use crate::services::App;
use crate::services::memberships;
use crate::web::ctx::PageCtx;
use crate::web::forms::{Form, RemoveMemberForm};
use crate::web::input;
use crate::web::views::account::{AccountPage, MembersPage};

use super::{ok, or_show_again, see_other};

pub async fn show_account(app: web::Data<App>, ctx: PageCtx) -> Result<HttpResponse, AppError> {
    ok(&AccountPage::new(&ctx, &app))
}

/// The members page, with the person looked up by `email` when one is given.
async fn members_page(
    app: &App,
    ctx: &PageCtx,
    email: String,
    done: bool,
) -> Result<MembersPage, AppError> {
    let (member, error) = if email.is_empty() {
        (None, None)
    } else {
        match memberships::find(app, &ctx.current, &email).await {
            Ok(member) => (member, None),
            Err(AppError::Unprocessable(message)) => (None, Some(message)),
            Err(e) => return Err(e),
        }
    };
    Ok(MembersPage {
        layout: ctx.layout("admin"),
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
    ctx: PageCtx,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    if !ctx.current.actor.is_admin {
        return Err(AppError::Forbidden);
    }
    let query = input::parse(req.query_string().as_bytes()).unwrap_or_default();
    let get = |name: &str| super::query_value(&query, name);
    let email: String = get("email")
        .unwrap_or("")
        .trim()
        .chars()
        .take(254)
        .collect();
    ok(&members_page(&app, &ctx, email, get("fait").is_some()).await?)
}

/// Admins end a person's membership of an organisation.
pub async fn remove_member(
    app: web::Data<App>,
    ctx: PageCtx,
    Form(form): Form<RemoveMemberForm>,
) -> Result<HttpResponse, AppError> {
    let organisation = form.organisation_id.and_then(|v| v.parse::<i64>().ok());
    let email = form.email;
    let done = memberships::remove(&app, &ctx.current, &email, organisation.unwrap_or(0)).await;
    let encoded = percent_encoding::utf8_percent_encode(&email, percent_encoding::NON_ALPHANUMERIC);
    let done = done.map(|()| see_other(&format!("/admin/membres?email={encoded}&fait=retrait")));
    or_show_again(done, |message| async move {
        let mut page = members_page(&app, &ctx, email.clone(), false).await?;
        page.error = Some(message);
        Ok(page)
    })
    .await
}
