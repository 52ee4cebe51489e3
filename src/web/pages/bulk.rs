//! Actions on several demandes ticked in the dashboard (or on one, from its page): assign them
//! to an instructor, take their assignment off, archive them.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web;

use crate::error::AppError;
use crate::services::{App, assignment, dashboard as board};
use crate::web::ctx::PageCtx;
use crate::web::forms::{BulkForm, FormWithPairs};
use crate::web::views::bulk::{Acted, BulkPage};
use crate::web::views::dashboard::list_link;
use crate::web::views::done::Done;

use super::{demande_id, render, see_other};

/// The demandes ticked: every `ids` value, each a number (`12` or `D12`).
fn ticked(pairs: &[(String, String)]) -> Result<Vec<i64>, AppError> {
    pairs
        .iter()
        .filter(|(k, _)| k == "ids")
        .map(|(_, v)| {
            demande_id(v).map_err(|_| {
                AppError::BadRequest(format!(
                    "« {} » n'est pas un numéro de demande.",
                    v.chars().take(20).collect::<String>()
                ))
            })
        })
        .collect()
}

pub async fn act_on_several(
    app: web::Data<App>,
    ctx: PageCtx,
    FormWithPairs(form, pairs): FormWithPairs<BulkForm>,
) -> Result<HttpResponse, AppError> {
    let visible = board::visible_providers(&app, &ctx.current);
    let (back, _) = list_link(Some(&form.retour), &visible);
    let ids = ticked(&pairs)?;
    let done = match form.action.as_str() {
        "assigner" => {
            let to = match form.instructeur.trim() {
                "personne" => Ok(None),
                "moi" => Ok(Some(ctx.current.user.id)),
                raw => raw.parse::<i64>().map(Some).map_err(|_| {
                    AppError::Unprocessable(
                        "Choisissez l'instructeur à qui assigner les demandes.".to_string(),
                    )
                }),
            };
            let acted = match to {
                Ok(None) => Acted::Unassigned,
                _ => Acted::Assigned,
            };
            match to {
                Ok(to) => assignment::assign(&app, &ctx.current, &ids, to)
                    .await
                    .map(|o| (acted, o)),
                Err(e) => Err(e),
            }
        }
        "archiver" => assignment::archive(&app, &ctx.current, &ids)
            .await
            .map(|o| (Acted::Archived, o)),
        _ => {
            return Err(AppError::BadRequest(
                "Choisissez l'action : assigner ou archiver.".to_string(),
            ));
        }
    };
    match done {
        // From a demande's own page, done: back to it, saying so.
        Ok((acted, outcome))
            if acted != Acted::Archived
                && outcome.refused.is_empty()
                && is_page_of(&form.depuis, &ids) =>
        {
            Ok(see_other(&Done::Assigned.on_instruction(ids[0])))
        }
        Ok((acted, outcome)) => render(StatusCode::OK, &BulkPage::new(&ctx, acted, &outcome, back)),
        Err(AppError::Unprocessable(message)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &BulkPage::refused(&ctx, message, back),
        ),
        Err(e) => Err(e),
    }
}

/// Whether the action was sent from the page of its one demande.
fn is_page_of(depuis: &str, ids: &[i64]) -> bool {
    matches!(ids, [one] if demande_id(depuis).ok() == Some(*one))
}
