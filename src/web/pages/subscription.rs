//! The read-only summary of a demande that subscribers open from their emails.

use actix_web::{HttpResponse, web};

use crate::error::AppError;
use crate::services::{App, subscription};
use crate::web::ctx::PageCtx;
use crate::web::views::subscription::SummaryPage;

use super::{demande_id, ok};

pub async fn show_summary(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let summary = subscription::summary(&app, &ctx.current, demande_id(&path)?).await?;
    ok(&SummaryPage::new(&ctx, &app, &summary))
}
