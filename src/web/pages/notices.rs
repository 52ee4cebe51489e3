//! Notices to the holders of a provider's habilitations: write, see who and how, send.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::AppError;
use crate::services::App;
use crate::services::holder_notices as service;
use crate::web::ctx::PageCtx;
use crate::web::forms::{Form, NoticeForm};
use crate::web::input;
use crate::web::views::notices::{NoticePreviewPage, NoticesFeedback, NoticesPage};

use super::{ok, or_show_again, see_other};

async fn page(
    app: &App,
    ctx: &PageCtx,
    feedback: NoticesFeedback,
) -> Result<NoticesPage, AppError> {
    let history = service::history(app, &ctx.current).await?;
    Ok(NoticesPage::new(ctx, app, history, feedback))
}

fn typed(form: &NoticeForm, error: Option<String>) -> NoticesFeedback {
    NoticesFeedback {
        done: None,
        error,
        provider: form.provider.chars().take(100).collect(),
        subject: form.subject.chars().take(300).collect(),
        body: form.body.chars().take(20_000).collect(),
    }
}

pub async fn list_notices(
    app: web::Data<App>,
    ctx: PageCtx,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let query = input::parse(req.query_string().as_bytes()).unwrap_or_default();
    let done = super::query_value(&query, "envoyes").map(|n| {
        format!("Le courriel est en route vers {n} destinataire(s) : il part dans un instant, avec les autres courriels de habilis.")
    });
    let feedback = NoticesFeedback {
        done,
        ..NoticesFeedback::default()
    };
    ok(&page(&app, &ctx, feedback).await?)
}

/// The preview, with the count; or, from the preview's "Modifier", the form again as typed.
pub async fn preview_notice(
    app: web::Data<App>,
    ctx: PageCtx,
    req: HttpRequest,
    Form(form): Form<NoticeForm>,
) -> Result<HttpResponse, AppError> {
    if req.query_string() == "modifier=1" {
        return ok(&page(&app, &ctx, typed(&form, None)).await?);
    }
    let prepared = service::prepare(
        &app,
        &ctx.current,
        &form.provider,
        (&form.subject, &form.body),
    )
    .await;
    match prepared {
        Ok(notice) => ok(&NoticePreviewPage::new(&ctx, notice)),
        Err(AppError::Unprocessable(message)) => {
            let shown = page(&app, &ctx, typed(&form, Some(message))).await?;
            super::render(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY, &shown)
        }
        Err(e) => Err(e),
    }
}

pub async fn send_notice(
    app: web::Data<App>,
    ctx: PageCtx,
    Form(form): Form<NoticeForm>,
) -> Result<HttpResponse, AppError> {
    let sent = service::send(
        &app,
        &ctx.current,
        &form.provider,
        (&form.subject, &form.body),
        &form.jeton,
    )
    .await
    .map(|n| see_other(&format!("/instruction/annonces?envoyes={n}")));
    or_show_again(sent, |message| {
        page(&app, &ctx, typed(&form, Some(message)))
    })
    .await
}
