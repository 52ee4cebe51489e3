//! The applicant's email, shown before a decision is confirmed.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::domain::demande::Event;
use crate::error::AppError;
use crate::services::App;
use crate::web::ctx::PageCtx;
use crate::web::forms::{DecisionForm, FormWithPairs};
use crate::web::input;
use crate::web::views::decision_preview::PreviewPage;

use super::{demande_id, ok};

pub async fn preview_decision(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    req: HttpRequest,
    FormWithPairs(form, pairs): FormWithPairs<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    let query = input::parse(req.query_string().as_bytes()).unwrap_or_default();
    // In the address (the decision form's buttons), or among the fields.
    let asked =
        super::query_value(&query, "decision").or_else(|| super::query_value(&pairs, "decision"));
    let (event, named) = match asked {
        Some("valider") => (Event::Approve, ("valider", "valider", "Valider")),
        Some("modifier") => (
            Event::RequestChanges,
            (
                "modifier",
                "demander-modifications",
                "Demander des modifications",
            ),
        ),
        Some("refuser") => (Event::Refuse, ("refuser", "refuser", "Refuser")),
        _ => {
            return Err(AppError::BadRequest(
                "Indiquez la décision dont vous voulez voir le courriel.".to_string(),
            ));
        }
    };
    let hidden: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "_csrf" | "reason" | "decision"))
        .cloned()
        .collect();
    let (decision, typed) = form.decision(&pairs);
    let mail =
        crate::services::decision_preview::preview(&app, &ctx.current, id, event, decision).await?;
    ok(&PreviewPage::new(&ctx, id, named, mail, (typed, hidden)))
}
