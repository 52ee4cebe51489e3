//! Role management: admins for every provider, managers for theirs.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::AppError;
use crate::services::App;
use crate::services::roles::{self as service, Who};
use crate::web::ctx::PageCtx;
use crate::web::forms::{BanForm, ButtonForm, Form, RoleForm};
use crate::web::input;
use crate::web::session::SignedIn;
use crate::web::views::accounts::{AccountsFeedback, LapsedPage};
use crate::web::views::admin::{Roles, RolesFeedback, RolesPage};

use super::{ok, or_show_again, see_other};

/// The roles page; the audit trail is for admins only.
async fn page(app: &App, ctx: &PageCtx, feedback: RolesFeedback) -> Result<RolesPage, AppError> {
    let audit = match ctx.current.actor.is_admin {
        true => service::audit_trail(app, &ctx.current, 50).await?,
        false => vec![],
    };
    let roles = Roles {
        holders: service::holders(app, &ctx.current).await?,
        managed: service::managed_providers(app, &ctx.current),
        audit,
    };
    Ok(RolesPage::new(ctx, app, roles, feedback))
}

pub async fn roles(
    app: web::Data<App>,
    ctx: PageCtx,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let query = input::parse(req.query_string().as_bytes()).unwrap_or_default();
    let done = match super::query_value(&query, "fait") {
        Some("ajout") => Some("Le rôle a été attribué."),
        Some("retrait") => Some("Le rôle a été retiré."),
        _ => None,
    };
    let feedback = RolesFeedback {
        done,
        ..RolesFeedback::default()
    };
    ok(&page(&app, &ctx, feedback).await?)
}

/// Grants or removes a role; a refusal shows the page again with the email typed.
async fn change(
    app: web::Data<App>,
    ctx: PageCtx,
    form: RoleForm,
    grant: bool,
) -> Result<HttpResponse, AppError> {
    let typed = service::Typed {
        email: &form.email,
        provider: &form.provider,
        role: &form.role,
    };
    let change = if grant {
        service::Change::Grant
    } else {
        service::Change::Revoke
    };
    let done = service::change(&app, Who::User(&ctx.current), typed, change).await;
    let back = if grant { "ajout" } else { "retrait" };
    let done = done.map(|()| see_other(&format!("/admin/roles?fait={back}")));
    or_show_again(done, |message| {
        let feedback = RolesFeedback {
            done: None,
            error: Some(message),
            email: form.email.chars().take(254).collect(),
        };
        page(&app, &ctx, feedback)
    })
    .await
}

pub async fn grant_role(
    app: web::Data<App>,
    ctx: PageCtx,
    Form(form): Form<RoleForm>,
) -> Result<HttpResponse, AppError> {
    change(app, ctx, form, true).await
}

pub async fn revoke_role(
    app: web::Data<App>,
    ctx: PageCtx,
    Form(form): Form<RoleForm>,
) -> Result<HttpResponse, AppError> {
    change(app, ctx, form, false).await
}

/// The report of risky rights (admins).
pub async fn risks(app: web::Data<App>, ctx: PageCtx) -> Result<HttpResponse, AppError> {
    let report = crate::services::risks::report(&app, &ctx.current).await?;
    super::ok(&crate::web::views::admin::RisksPage::new(
        &ctx, &app, report,
    ))
}

async fn accounts_page(
    app: &App,
    ctx: &PageCtx,
    feedback: AccountsFeedback,
) -> Result<LapsedPage, AppError> {
    let accounts = crate::services::lapsing::pending(app, &ctx.current).await?;
    let blocked = crate::services::bans::blocked(app, &ctx.current).await?;
    Ok(LapsedPage::new(ctx, app, accounts, blocked, feedback))
}

/// Accounts warned or disabled for want of use, and blocked ones (admins).
pub async fn lapsed_accounts(
    app: web::Data<App>,
    ctx: PageCtx,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let query = input::parse(req.query_string().as_bytes()).unwrap_or_default();
    let done = match super::query_value(&query, "fait") {
        Some("reactive") => Some(
            "Le compte est réactivé : son titulaire peut se connecter de nouveau. Ses rôles ne lui sont pas rendus : attribuez-les depuis la page des rôles si besoin.",
        ),
        Some("bloque") => Some(
            "Le compte est bloqué : ses sessions sont terminées et toute connexion lui est refusée avec le motif indiqué.",
        ),
        Some("debloque") => {
            Some("Le compte est débloqué : son titulaire peut se connecter de nouveau.")
        }
        Some("vue-terminee") => Some(
            "Vous avez quitté la consultation : la personne est prévenue par courriel, avec le motif.",
        ),
        _ => None,
    };
    let feedback = AccountsFeedback {
        done,
        ..AccountsFeedback::default()
    };
    ok(&accounts_page(&app, &ctx, feedback).await?)
}

/// Gives a disabled account back (admins).
pub async fn reactivate_account(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    path: web::Path<String>,
    _: Form<ButtonForm>,
) -> Result<HttpResponse, AppError> {
    crate::services::lapsing::reactivate(&app, &current, super::row_id(&path)?).await?;
    Ok(see_other("/admin/comptes?fait=reactive"))
}

/// Blocks an account (admins); a refusal shows the page again with what was typed.
pub async fn ban_account(
    app: web::Data<App>,
    ctx: PageCtx,
    Form(form): Form<BanForm>,
) -> Result<HttpResponse, AppError> {
    let done = crate::services::bans::ban(&app, &ctx.current, &form.email, &form.motif).await;
    let done = done.map(|()| see_other("/admin/comptes?fait=bloque"));
    or_show_again(done, |message| {
        let feedback = AccountsFeedback {
            done: None,
            error: Some(message),
            form: "bloquer",
            email: form.email.chars().take(254).collect(),
            reason: form.motif.chars().take(2000).collect(),
        };
        accounts_page(&app, &ctx, feedback)
    })
    .await
}

/// Starts seeing the portal as a person (admins), read-only; a refusal shows the page again.
pub async fn view_as(
    app: web::Data<App>,
    ctx: PageCtx,
    session: actix_session::Session,
    Form(form): Form<BanForm>,
) -> Result<HttpResponse, AppError> {
    let token = crate::web::session::token(&session).ok_or(AppError::Unauthenticated)?;
    let done =
        crate::services::support::start(&app, &ctx.current, &token, &form.email, &form.motif).await;
    let done = done.map(|()| see_other("/"));
    or_show_again(done, |message| {
        let feedback = AccountsFeedback {
            done: None,
            error: Some(message),
            form: "voir",
            email: form.email.chars().take(254).collect(),
            reason: form.motif.chars().take(2000).collect(),
        };
        accounts_page(&app, &ctx, feedback)
    })
    .await
}

/// Ends this session's view of the portal as someone else (a no-op without one).
pub async fn stop_view(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: actix_session::Session,
    _: Form<ButtonForm>,
) -> Result<HttpResponse, AppError> {
    if let Some(token) = crate::web::session::token(&session) {
        crate::services::support::stop(&app, &token).await?;
    }
    match current.viewing {
        Some(_) => Ok(see_other("/admin/comptes?fait=vue-terminee")),
        None => Ok(see_other("/")),
    }
}

/// Lifts the block on an account (admins).
pub async fn unban_account(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    path: web::Path<String>,
    _: Form<ButtonForm>,
) -> Result<HttpResponse, AppError> {
    crate::services::bans::unban(&app, &current, super::row_id(&path)?).await?;
    Ok(see_other("/admin/comptes?fait=debloque"))
}

/// The access review: progress, and the roles the person reviews (managers, admins).
pub async fn access_review(
    app: web::Data<App>,
    ctx: PageCtx,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let board = crate::services::access_review::board(&app, &ctx.current).await?;
    let done = match req.query_string() {
        "fait=confirme" => Some("Le rôle est confirmé."),
        "fait=retire" => Some("Le rôle est retiré à son titulaire."),
        _ => None,
    };
    ok(&crate::web::views::admin::ReviewPage::new(
        &ctx, &app, board, done,
    ))
}

async fn review_decision(
    app: &App,
    current: &crate::services::accounts::CurrentUser,
    raw: &str,
    keep: bool,
) -> Result<HttpResponse, AppError> {
    crate::services::access_review::decide(app, current, super::row_id(raw)?, keep).await?;
    let done = if keep { "confirme" } else { "retire" };
    Ok(see_other(&format!("/revue-des-acces?fait={done}")))
}

pub async fn confirm_role(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    path: web::Path<String>,
    _: Form<ButtonForm>,
) -> Result<HttpResponse, AppError> {
    review_decision(&app, &current, &path, true).await
}

pub async fn remove_reviewed_role(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    path: web::Path<String>,
    _: Form<ButtonForm>,
) -> Result<HttpResponse, AppError> {
    review_decision(&app, &current, &path, false).await
}
