//! The rights API's tokens, for the provider's managers: created (shown once), named, revoked.

use actix_web::{HttpResponse, web};

use crate::error::AppError;
use crate::services::{App, api as service, roles};
use crate::web::ctx::PageCtx;
use crate::web::forms::{ButtonForm, Form, TokenForm};
use crate::web::session::SignedIn;
use crate::web::views::admin::TokensPage;

use super::{ok, or_show_again, row_id, see_other};

/// The tokens page, with the token just created or the reason one was not.
async fn page(
    app: &App,
    ctx: &PageCtx,
    outcome: (Option<String>, Option<String>),
) -> Result<TokensPage, AppError> {
    let rows = service::tokens_for(app, &ctx.current).await?;
    let reads = service::reads_for(app, &ctx.current).await?;
    let managed = roles::managed_providers(app, &ctx.current);
    Ok(TokensPage::new(ctx, app, (rows, managed, reads), outcome))
}

pub async fn list_tokens(app: web::Data<App>, ctx: PageCtx) -> Result<HttpResponse, AppError> {
    ok(&page(&app, &ctx, (None, None)).await?)
}

pub async fn create_token(
    app: web::Data<App>,
    ctx: PageCtx,
    Form(form): Form<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let scopes = form.scopes();
    let created =
        service::create_token_as(&app, &ctx.current, &form.provider, &form.name, &scopes).await;
    // Rendered, not redirected: the token is shown this once and never again.
    let done = match created {
        Ok(token) => ok(&page(&app, &ctx, (Some(token), None)).await?),
        Err(e) => Err(e),
    };
    or_show_again(done, |message| page(&app, &ctx, (None, Some(message)))).await
}

pub async fn revoke_token(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    path: web::Path<String>,
    _: Form<ButtonForm>,
) -> Result<HttpResponse, AppError> {
    service::revoke_token_as(&app, &current, row_id(&path)?).await?;
    Ok(see_other("/instruction/api"))
}
