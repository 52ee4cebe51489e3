//! Teams of an organisation's agents, and sharing a habilitation with a team or an agent.

use actix_web::{HttpResponse, web};

use crate::error::AppError;
use crate::services::App;
use crate::services::teams::{self as service, MemberChange, ShareTarget};
use crate::web::ctx::PageCtx;
use crate::web::forms::{Form, ShareForm, TeamForm, TeamMemberForm, UnshareForm};
use crate::web::views::teams::{TeamPage, TeamsPage};

use super::{demande_id, ok, or_show_again, row_id, see_other};

pub async fn list_teams(app: web::Data<App>, ctx: PageCtx) -> Result<HttpResponse, AppError> {
    let teams = service::list(&app, &ctx.current).await?;
    ok(&TeamsPage::new(&ctx, teams, None))
}

pub async fn create_team(
    app: web::Data<App>,
    ctx: PageCtx,
    Form(form): Form<TeamForm>,
) -> Result<HttpResponse, AppError> {
    let done = service::create(&app, &ctx.current, &form.name)
        .await
        .map(|id| see_other(&format!("/equipes/{id}")));
    or_show_again(done, |message| async {
        let teams = service::list(&app, &ctx.current).await?;
        Ok(TeamsPage::new(
            &ctx,
            teams,
            Some((message, form.name.clone())),
        ))
    })
    .await
}

pub async fn show_team(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let file = service::show(&app, &ctx.current, row_id(&path)?).await?;
    ok(&TeamPage::new(&ctx, file, None))
}

async fn change(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    email: String,
    change: MemberChange,
) -> Result<HttpResponse, AppError> {
    let id = row_id(&path)?;
    let done = service::change_member(&app, &ctx.current, id, &email, change)
        .await
        .map(|()| see_other(&format!("/equipes/{id}")));
    or_show_again(done, |message| async {
        let file = service::show(&app, &ctx.current, id).await?;
        Ok(TeamPage::new(&ctx, file, Some((message, email.clone()))))
    })
    .await
}

pub async fn set_team_member(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    Form(form): Form<TeamMemberForm>,
) -> Result<HttpResponse, AppError> {
    let admin = form.admin.as_deref() == Some("oui");
    change(app, ctx, path, form.email, MemberChange::Set { admin }).await
}

pub async fn remove_team_member(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    Form(form): Form<TeamMemberForm>,
) -> Result<HttpResponse, AppError> {
    change(app, ctx, path, form.email, MemberChange::Remove).await
}

/// Where a share's outcome is shown: the demande's page, at its habilitation.
fn back(id: i64) -> String {
    format!("/demandes/{id}#partage")
}

pub async fn share_habilitation(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    Form(form): Form<ShareForm>,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    let team = form
        .equipe
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let email = form
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    let target = match (team, email) {
        (Some(team), _) => ShareTarget::Team(team.parse().map_err(|_| {
            AppError::Unprocessable("Choisissez une équipe de votre organisation.".to_string())
        })?),
        (None, Some(email)) => ShareTarget::Agent(email.to_string()),
        (None, None) => {
            return Err(AppError::Unprocessable(
                "Choisissez une équipe ou indiquez l'adresse électronique d'un agent.".to_string(),
            ));
        }
    };
    service::share(&app, &ctx.current, id, target).await?;
    Ok(see_other(&back(id)))
}

pub async fn unshare_habilitation(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    Form(form): Form<UnshareForm>,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    let share = form
        .partage
        .trim()
        .parse()
        .map_err(|_| AppError::NotFound)?;
    service::unshare(&app, &ctx.current, id, share).await?;
    Ok(see_other(&back(id)))
}
