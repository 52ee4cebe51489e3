//! The managers' message templates.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::AppError;
use crate::services::App;
use crate::services::message_templates as service;
use crate::web::ctx::PageCtx;
use crate::web::forms::{ButtonForm, Form, TemplateForm};
use crate::web::session::SignedIn;
use crate::web::views::templates::{TemplatesFeedback, TemplatesPage};

use super::{ok, or_show_again, row_id, see_other};

async fn page(
    app: &App,
    ctx: &PageCtx,
    feedback: TemplatesFeedback,
) -> Result<TemplatesPage, AppError> {
    let managed = service::managed(app, &ctx.current).await?;
    Ok(TemplatesPage::new(ctx, app, managed, feedback))
}

pub async fn list_templates(
    app: web::Data<App>,
    ctx: PageCtx,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let done = match req.query_string() {
        "fait=ajout" => Some(
            "Le modèle est enregistré : les instructeurs le trouvent dans le bloc de décision.",
        ),
        "fait=suppression" => Some("Le modèle est supprimé."),
        _ => None,
    };
    let feedback = TemplatesFeedback {
        done,
        ..TemplatesFeedback::default()
    };
    ok(&page(&app, &ctx, feedback).await?)
}

pub async fn create_template(
    app: web::Data<App>,
    ctx: PageCtx,
    Form(form): Form<TemplateForm>,
) -> Result<HttpResponse, AppError> {
    let done = service::create(
        &app,
        &ctx.current,
        (&form.provider, &form.kind),
        (&form.title, &form.body),
    )
    .await
    .map(|()| see_other("/instruction/modeles?fait=ajout"));
    or_show_again(done, |message| {
        let feedback = TemplatesFeedback {
            done: None,
            error: Some(message),
            title: form.title.chars().take(200).collect(),
            body: form.body.chars().take(10_000).collect(),
        };
        page(&app, &ctx, feedback)
    })
    .await
}

pub async fn delete_template(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    path: web::Path<String>,
    _: Form<ButtonForm>,
) -> Result<HttpResponse, AppError> {
    service::delete(&app, &current, row_id(&path)?).await?;
    Ok(see_other("/instruction/modeles?fait=suppression"))
}
