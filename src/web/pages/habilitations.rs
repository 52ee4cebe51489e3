//! The instruction workspace's second tab: habilitations by status.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::db::habilitations::Status;
use crate::error::AppError;
use crate::services::{App, instruction as service};
use crate::web::ctx::PageCtx;
use crate::web::input;
use crate::web::views::habilitations::HabilitationsPage;

use super::ok;

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
