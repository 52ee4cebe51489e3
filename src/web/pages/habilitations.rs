//! The instruction workspace's second tab: habilitations by status.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::db::habilitations::Status;
use crate::error::AppError;
use crate::services::{App, instruction as service};
use crate::web::ctx::PageCtx;
use crate::web::forms::{Form, HabilitationForm};
use crate::web::input;
use crate::web::views::habilitations::{HabilitationPage, HabilitationsPage};

use super::{ok, or_show_again, see_other};

/// The status and the position asked in the query string; what cannot be read falls back to
/// the first page of active habilitations, saying so.
fn criteria(req: &HttpRequest) -> (Status, Option<i64>, Vec<String>) {
    let pairs = input::decode(req.query_string().as_bytes()).pairs;
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let mut problems = Vec::new();
    let status = get("statut").map_or(Status::Active, |raw| {
        Status::parse(raw).unwrap_or_else(|| {
            problems.push(format!(
                "Statut inconnu « {} » : habilitations actives.",
                raw.chars().take(40).collect::<String>()
            ));
            Status::Active
        })
    });
    let before = get("avant").and_then(|raw| match raw.parse::<i64>() {
        Ok(id) if id > 0 => Some(id),
        _ => {
            problems.push("Position dans la liste invalide : retour au début.".to_string());
            None
        }
    });
    (status, before, problems)
}

pub async fn list_habilitations(
    app: web::Data<App>,
    ctx: PageCtx,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let (status, before, problems) = criteria(&req);
    let list = service::habilitations(&app, &ctx.current, status, before).await?;
    ok(&HabilitationsPage::new(&ctx, &app, status, list, problems))
}

/// A habilitation's id from the URL (`12` or `H12`); anything else is a page that does not exist.
fn habilitation_id(raw: &str) -> Result<i64, AppError> {
    crate::domain::public_id::PublicId::parse(crate::domain::public_id::Kind::Habilitation, raw)
        .map(|p| p.id())
        .ok_or(AppError::NotFound)
}

/// The page of one habilitation, with what was just done or the form refused.
async fn page(
    app: &App,
    ctx: &PageCtx,
    id: i64,
    refused: Option<(&'static str, String, String)>,
) -> Result<HabilitationPage, AppError> {
    let opened = crate::services::habilitation_file::open(app, &ctx.current, id).await?;
    let mut page = HabilitationPage::new(ctx, app, &opened)?;
    if let Some((action, message, typed)) = refused {
        page.error_action = action;
        page.error_message = message;
        page.typed = typed;
    }
    Ok(page)
}

pub async fn show_habilitation(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let id = habilitation_id(&path)?;
    let mut shown = page(&app, &ctx, id, None).await?;
    let pairs = input::decode(req.query_string().as_bytes()).pairs;
    if super::query_value(&pairs, "fait") == Some("prolongee") {
        shown.done = Some(format!(
            "L'habilitation est prolongée jusqu'au {}. Le demandeur a été prévenu par courriel.",
            shown.h.expires
        ));
    }
    ok(&shown)
}

/// Extends the habilitation; a refusal shows the page again with the note typed.
pub async fn renew_habilitation(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    Form(form): Form<HabilitationForm>,
) -> Result<HttpResponse, AppError> {
    let id = habilitation_id(&path)?;
    let done =
        crate::services::habilitation_file::renew(&app, &ctx.current, id, &form.mois, &form.note)
            .await
            .map(|_| {
                see_other(&format!(
                    "/instruction/habilitations/{id}?fait=prolongee#fait"
                ))
            });
    or_show_again(done, |message| async move {
        let typed = form.note.chars().take(2_000).collect();
        let mut shown = page(&app, &ctx, id, Some(("prolonger", message, typed))).await?;
        // The duration chosen stays chosen, when it is one of those offered.
        if let Ok(m) = form.mois.trim().parse::<u32>()
            && shown.months.contains(&m)
        {
            shown.chosen_months = m;
        }
        Ok(shown)
    })
    .await
}

/// Revokes the habilitation (its demande's revocation); then shows the demande, revoked.
pub async fn revoke_habilitation(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    Form(form): Form<HabilitationForm>,
) -> Result<HttpResponse, AppError> {
    let id = habilitation_id(&path)?;
    let done = crate::services::habilitation_file::revoke(&app, &ctx.current, id, &form.motif)
        .await
        .map(|demande| see_other(&crate::web::views::done::Done::Revoked.on_instruction(demande)));
    or_show_again(done, |message| {
        let typed = form.motif.chars().take(5_000).collect();
        page(&app, &ctx, id, Some(("revoquer", message, typed)))
    })
    .await
}
