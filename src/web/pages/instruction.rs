//! The instruction workspace: the demandes to process and the decisions on one.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::domain::demande::Event;
use crate::domain::listing::DashboardQuery;
use crate::error::AppError;
use crate::services::{App, dashboard as board, instruction as service, messages};
use crate::web::ctx::PageCtx;
use crate::web::forms::{DecisionForm, Form, FormWithPairs, InstructionTransferForm, MergeForm};
use crate::web::input;
use crate::web::session::SignedIn;
use crate::web::views::dashboard::{DashboardInput, DashboardPage, list_link};
use crate::web::views::done::Done;
use crate::web::views::instruction::{InstructionPage, Refused};
use crate::web::views::opinions::OpinionsBox;
use crate::web::views::unreadable;

use super::{demande_id, ok, or_show_again, see_other};

/// The dashboard's criteria from the query string, with the ones that could not be read.
fn dashboard_query(
    req: &HttpRequest,
    visible: &[String],
) -> (DashboardQuery, Vec<String>, Vec<String>) {
    let decoded = input::decode(req.query_string().as_bytes());
    let (query, mut problems) = DashboardQuery::parse(&decoded.pairs, visible);
    problems.extend(decoded.undecodable.iter().map(|k| unreadable(k)));
    (query, problems, decoded.undecodable)
}

pub async fn dashboard(
    app: web::Data<App>,
    ctx: PageCtx,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let visible = board::visible_providers(&app, &ctx.current);
    let (query, problems, _) = dashboard_query(&req, &visible);
    let board = board::dashboard(&app, &ctx.current, &query).await?;
    let selectable = !crate::services::assignment::instructed(&app, &ctx.current).is_empty();
    let input = DashboardInput {
        query: &query,
        problems,
        visible: &visible,
        candidates: crate::services::assignment::candidates(&app, &ctx.current).await?,
        selectable,
    };
    let page = DashboardPage::new(&ctx, &app, input, &board).map_err(|e| {
        AppError::Internal(anyhow::Error::new(e).context("gabarit du tableau de bord"))
    })?;
    ok(&page)
}

/// The instruction page of a demande, with the form that was refused when there is one.
pub async fn page(
    app: &App,
    ctx: &PageCtx,
    id: i64,
    refused: Option<Refused>,
) -> Result<InstructionPage, AppError> {
    page_from(app, ctx, (id, None), refused).await
}

/// The same, with its link back to the dashboard list it was opened from (`retour`: that
/// list's parameters).
pub(super) async fn page_from(
    app: &App,
    ctx: &PageCtx,
    (id, retour): (i64, Option<&str>),
    refused: Option<Refused>,
) -> Result<InstructionPage, AppError> {
    let (file, (thread, attempts)) = messages::instruction_page(app, &ctx.current, id).await?;
    let provider = app.provider_of(&file.demande)?;
    let history = (thread.as_slice(), attempts);
    let (back, retour) = list_link(retour, &board::visible_providers(app, &ctx.current));
    let asked = crate::services::opinions::of_demande(app, &ctx.current, &file.demande).await?;
    let may_ask = file.state == crate::domain::demande::State::Submitted
        && crate::domain::policy::can(
            &ctx.current.actor,
            crate::domain::policy::Action::Instruct,
            &crate::services::facts(&file.demande),
        );
    let timeline = crate::web::views::file::timeline_with(
        &file.events,
        crate::web::views::opinions::timeline_lines(&asked),
    );
    let may_withdraw = crate::domain::policy::can(
        &ctx.current.actor,
        crate::domain::policy::Action::Instruct,
        &crate::services::facts(&file.demande),
    );
    let mut opinions = OpinionsBox::new(asked, ctx.current.user.id, (may_ask, may_withdraw));
    let offers_templates = crate::domain::policy::can(
        &ctx.current.actor,
        crate::domain::policy::Action::Instruct,
        &crate::services::facts(&file.demande),
    );
    let templates = match offers_templates {
        true => crate::services::message_templates::for_provider(app, &file.demande.provider)
            .await?
            .into_iter()
            .map(|t| {
                let kind =
                    crate::domain::message_template::Kind::parse(&t.kind).map_or("", |k| k.label());
                (t.id, format!("{kind} : {}", t.title))
            })
            .collect(),
        false => vec![],
    };
    if let Some(r) = refused
        .as_ref()
        .filter(|r| matches!(r.action, "avis" | "repondre" | "retirer"))
    {
        opinions.error_form = r.action;
        opinions.error = r.message.clone();
        opinions.typed = r.typed.clone();
    }
    let (assignee, assign_to) =
        crate::services::assignment::on_page(app, &ctx.current, &file.demande).await?;
    Ok(InstructionPage {
        assignee,
        assign_to,
        back,
        retour,
        opinions,
        timeline,
        templates,
        ..InstructionPage::new(ctx, provider, &file, history, refused)
    })
}

pub async fn show(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    let decoded = input::decode(req.query_string().as_bytes());
    let retour = super::query_value(&decoded.pairs, "retour");
    let mut shown = page_from(&app, &ctx, (id, retour), None).await?;
    shown.done = Done::from_query(req.query_string()).and_then(Done::for_instructor);
    // A template picked: its text, filled in for this demande, in the box it is for.
    let picked = super::query_value(&decoded.pairs, "modele").and_then(|v| v.parse::<i64>().ok());
    if let Some(template) = picked.filter(|_| !shown.templates.is_empty()) {
        let file = crate::services::instruction::find(&app, &ctx.current, id).await?;
        let name = shown.head.provider_name.clone();
        match crate::services::message_templates::picked(&app, &file.demande, &name, template)
            .await?
        {
            Some((crate::domain::message_template::Kind::Message, text)) => {
                shown.message_prefill = text;
            }
            Some((_, text)) => shown.prefill_reason = text,
            None => {}
        }
    }
    ok(&shown)
}

/// Every decision: a refused one (a reason missing) shows the page again with what was typed.
async fn decide(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    FormWithPairs(form, pairs): FormWithPairs<DecisionForm>,
    (event, action): (Event, &'static str),
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    let retour = form.retour.clone();
    let (decision, typed) = form.decision(&pairs);
    let done = service::decide(&app, &ctx.current, id, event, decision).await;
    let landing = match event {
        Event::Approve => Done::Approved.on_instruction(id),
        Event::Refuse => Done::Refused.on_instruction(id),
        Event::RequestChanges => Done::ChangesRequested.on_instruction(id),
        Event::Revoke => Done::Revoked.on_instruction(id),
        Event::Archive => Done::Archived.on_instruction(id),
        _ => format!("/instruction/demandes/{id}"),
    };
    let done = done.map(|()| see_other(&keep_list(&landing, &retour)));
    or_show_again(done, |message| {
        let refused = Refused {
            action,
            message,
            typed,
            typed_email: String::new(),
            typed_siret: String::new(),
        };
        page_from(&app, &ctx, (id, Some(retour.as_str())), Some(refused))
    })
    .await
}

/// The landing page keeps the dashboard list the instructor came from (`retour`).
fn keep_list(landing: &str, retour: &str) -> String {
    if retour.is_empty() {
        return landing.to_string();
    }
    let (page, anchor) = landing.split_once('#').unwrap_or((landing, ""));
    let separator = if page.contains('?') { '&' } else { '?' };
    let encoded = percent_encoding::utf8_percent_encode(retour, percent_encoding::NON_ALPHANUMERIC);
    let anchor = if anchor.is_empty() {
        String::new()
    } else {
        format!("#{anchor}")
    };
    format!("{page}{separator}retour={encoded}{anchor}")
}

pub async fn approve(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    form: FormWithPairs<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    decide(app, ctx, path, form, (Event::Approve, "valider")).await
}

pub async fn refuse(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    form: FormWithPairs<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    decide(app, ctx, path, form, (Event::Refuse, "refuser")).await
}

pub async fn request_changes(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    form: FormWithPairs<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    decide(app, ctx, path, form, (Event::RequestChanges, "modifier")).await
}

pub async fn archive(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    form: FormWithPairs<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    decide(app, ctx, path, form, (Event::Archive, "archiver")).await
}

pub async fn revoke(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    form: FormWithPairs<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    decide(app, ctx, path, form, (Event::Revoke, "revoquer")).await
}

/// Hands the demande to another agent of its organisation (instructors, admins); a refusal
/// shows the page again with what was typed.
pub async fn transfer(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    Form(form): Form<InstructionTransferForm>,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    let done = crate::services::handover::transfer_for_instruction(
        &app,
        &ctx.current,
        id,
        &form.email,
        &form.motif,
    )
    .await;
    let landing = keep_list(&Done::Transferred.on_instruction(id), &form.retour);
    let done = done.map(|()| see_other(&landing));
    or_show_again(done, |message| {
        let refused = Refused {
            action: "transferer",
            message,
            typed: form.motif.chars().take(5_000).collect(),
            typed_email: form.email.chars().take(254).collect(),
            typed_siret: String::new(),
        };
        page_from(&app, &ctx, (id, Some(form.retour.as_str())), Some(refused))
    })
    .await
}

/// An admin moves the demande, and its habilitations, to another organisation (a merger); a
/// refusal shows the page again with what was typed.
pub async fn move_organisation(
    app: web::Data<App>,
    ctx: PageCtx,
    path: web::Path<String>,
    Form(form): Form<MergeForm>,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    let done = crate::services::handover::move_to_organisation(
        &app,
        &ctx.current,
        id,
        (&form.siret, &form.email),
        &form.motif,
    )
    .await;
    let landing = keep_list(&Done::Moved.on_instruction(id), &form.retour);
    let done = done.map(|()| see_other(&landing));
    or_show_again(done, |message| {
        let refused = Refused {
            action: "rattacher",
            message,
            typed: form.motif.chars().take(5_000).collect(),
            typed_email: form.email.chars().take(254).collect(),
            typed_siret: form.siret.chars().take(30).collect(),
        };
        page_from(&app, &ctx, (id, Some(form.retour.as_str())), Some(refused))
    })
    .await
}

/// The filtered list as CSV, streamed.
pub async fn export_csv(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let visible = board::visible_providers(&app, &current);
    let (query, _, undecodable) = dashboard_query(&req, &visible);
    // Checked before the first byte is streamed: an export never stops after its header.
    if let Some(k) = undecodable.first() {
        return Err(AppError::BadRequest(unreadable(k)));
    }
    let chunks = crate::services::export::start(app.into_inner(), &current, &query)?;
    let stream = futures_util::stream::unfold(chunks, |mut chunks| async move {
        let item = chunks.recv().await?;
        Some((item.map(web::Bytes::from), chunks))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"demandes.csv\"",
        ))
        .streaming(stream))
}
