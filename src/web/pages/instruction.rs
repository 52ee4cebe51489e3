//! The instruction workspace: the demandes to process and the decisions on one.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::domain::demande::{ActorKind, Event, State, is_offered, public_id};
use crate::domain::form::FormErrors;
use crate::domain::listing::{DashboardQuery, Sort};
use crate::error::AppError;
use crate::services::{App, accounts::CurrentUser, instruction as service};
use crate::web::csrf;
use crate::web::input::{self, FormInput};
use crate::web::session::SignedIn;
use crate::web::views::{
    ChangeView, DemandeRow, EventView, HabilitationView, Layout, MessageView, StepSummary,
    changes_since_last_submission, habilitation_view, message_views, summaries, timeline,
};

use super::{demande_id, ok, render, see_other};

fn layout(app: &App, current: &CurrentUser, session: &Session) -> Result<Layout, AppError> {
    Ok(Layout::new(
        Some(current),
        csrf::token(session)?,
        app.settings.is_dev(),
        "instruction",
    ))
}

pub struct TabView {
    pub label: &'static str,
    pub count: String,
    pub href: String,
    pub current: bool,
}

pub struct SortHeader {
    pub label: &'static str,
    pub href: String,
    /// `aria-sort` value: ascending, descending or none.
    pub aria: &'static str,
}

#[derive(Template)]
#[template(path = "instruction/list.html")]
pub struct DashboardPage {
    pub layout: Layout,
    pub rows: Vec<DemandeRow>,
    pub problems: Vec<String>,
    /// How many demandes have messages from applicants not read yet.
    pub unread: usize,
    pub text: String,
    /// (slug, name, chosen).
    pub providers: Vec<(String, String, bool)>,
    /// (state, label, chosen).
    pub states: Vec<(&'static str, &'static str, bool)>,
    pub from: String,
    pub to: String,
    pub tabs: Vec<TabView>,
    pub headers: Vec<SortHeader>,
    pub next: Option<String>,
    pub first: Option<String>,
    pub page: u32,
    pub export: String,
}

pub use crate::domain::listing::query_string;

/// A count, or "n+" when counting stopped early.
fn count_label(n: i64, capped: bool) -> String {
    if capped {
        format!("{n}+")
    } else {
        n.to_string()
    }
}

pub async fn dashboard(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let decoded = input::decode(req.query_string().as_bytes());
    let visible = service::visible_providers(&app, &current);
    let (query, mut problems) = DashboardQuery::parse(&decoded.pairs, &visible);
    problems.extend(decoded.undecodable.iter().map(|k| unreadable(k)));
    let board = service::dashboard(&app, &current, &query).await?;
    let name = |slug: &str| {
        app.catalog
            .get(slug)
            .map_or(slug.to_string(), |p| p.name.clone())
    };
    let unread = crate::services::messages::unread(&app, &current, true).await?;
    let rows = board
        .rows
        .iter()
        .map(|d| DemandeRow {
            unread: unread.contains(&d.id),
            ..DemandeRow::new(d, &name(&d.provider))
        })
        .collect();
    let base = query.to_pairs();
    let without_states: Vec<(&str, String)> =
        base.iter().filter(|(k, _)| *k != "etat").cloned().collect();
    let mut tabs = vec![TabView {
        label: "En cours et traitées",
        count: String::new(),
        href: format!("/instruction{}", query_string(&without_states)),
        current: query.states.is_empty(),
    }];
    for (state, n) in &board.counts {
        let mut pairs = without_states.clone();
        pairs.push(("etat", state.as_str().to_string()));
        tabs.push(TabView {
            label: state.label(),
            count: count_label(*n, board.counts_capped),
            href: format!("/instruction{}", query_string(&pairs)),
            current: query.states == vec![*state],
        });
    }
    let headers = [
        (Sort::Id, "N°"),
        (Sort::Intitule, "Projet"),
        (Sort::Organisation, "Organisation"),
        (Sort::Submitted, "Soumise le"),
        (Sort::Updated, "Modifiée le"),
    ]
    .into_iter()
    .map(|(sort, label)| {
        let current_sort = query.sort == sort;
        // Clicking the current column flips the order; another column starts descending.
        let descending = if current_sort {
            !query.descending
        } else {
            true
        };
        let mut pairs: Vec<(&str, String)> = base
            .iter()
            .filter(|(k, _)| *k != "tri" && *k != "ordre")
            .cloned()
            .collect();
        pairs.push(("tri", sort.as_str().to_string()));
        pairs.push(("ordre", if descending { "desc" } else { "asc" }.to_string()));
        SortHeader {
            label,
            href: format!("/instruction{}", query_string(&pairs)),
            aria: match (current_sort, query.descending) {
                (false, _) => "none",
                (true, true) => "descending",
                (true, false) => "ascending",
            },
        }
    })
    .collect();
    let next = board.next.as_ref().map(|cursor| {
        let mut pairs = base.clone();
        pairs.push(("apres", cursor.encode()));
        pairs.push(("page", (query.page + 1).to_string()));
        format!("/instruction{}", query_string(&pairs))
    });
    let first = (query.page > 1).then(|| format!("/instruction{}", query_string(&base)));
    let page = DashboardPage {
        layout: layout(&app, &current, &session)?,
        rows,
        problems,
        unread: unread.len(),
        text: query.text.clone(),
        providers: visible
            .iter()
            .map(|slug| (slug.clone(), name(slug), query.providers.contains(slug)))
            .collect(),
        states: State::ALL
            .iter()
            .map(|s| (s.as_str(), s.label(), query.states.contains(s)))
            .collect(),
        from: query.from.map(|d| d.to_string()).unwrap_or_default(),
        to: query.to.map(|d| d.to_string()).unwrap_or_default(),
        tabs,
        headers,
        next,
        first,
        page: query.page,
        export: format!("/instruction/export.csv{}", query_string(&base)),
    };
    ok(&page)
}

pub struct AttemptView {
    pub when: String,
    pub status: String,
    pub duration_ms: i64,
    pub response: String,
}

#[derive(Template)]
#[template(path = "instruction/show.html")]
pub struct InstructionPage {
    pub layout: Layout,
    /// Webhook deliveries (for instructors and managers).
    pub attempts: Vec<AttemptView>,
    pub id: i64,
    pub public_id: String,
    pub provider_name: String,
    pub intitule: String,
    pub organisation: String,
    pub siret: String,
    pub applicant: String,
    pub state: &'static str,
    pub state_label: &'static str,
    pub can_decide: bool,
    pub can_archive: bool,
    pub can_revoke: bool,
    /// (id, label) of the scopes asked, offered for the approval.
    pub asked_scopes: Vec<(String, String)>,
    pub validity_months: u32,
    pub changes: Vec<ChangeView>,
    pub messages: Vec<MessageView>,
    pub message_action: String,
    pub message_error: Option<String>,
    pub steps: Vec<StepSummary>,
    pub timeline: Vec<EventView>,
    pub habilitations: Vec<HabilitationView>,
    /// Why this instructor may not decide (their own organisation's demande).
    pub not_yours: Option<&'static str>,
    /// The decision form refused for a missing reason ("" when none), and why.
    pub error_action: &'static str,
    pub error_message: String,
    /// What the instructor had typed, given back with the error.
    pub typed_reason: String,
}

pub async fn page(
    app: &App,
    current: &CurrentUser,
    session: &Session,
    id: i64,
    action_error: Option<(&'static str, String, String)>,
) -> Result<InstructionPage, AppError> {
    let file = service::find(app, current, id).await?;
    let provider = app.provider(&file.demande.provider)?;
    let instructs = service::can_instruct(current, &file.demande);
    let thread = crate::services::messages::read_thread(app, current, id).await?;
    let attempts = crate::services::webhooks::attempts(app, current, id)
        .await?
        .into_iter()
        .map(|a| AttemptView {
            when: crate::web::views::format_datetime(&a.attempted_at),
            status: a
                .status
                .map_or("pas de réponse".to_string(), |s| s.to_string()),
            duration_ms: a.duration_ms,
            response: a.response.unwrap_or_default(),
        })
        .collect();
    let writable = instructs && file.state != crate::domain::demande::State::Archived;
    Ok(InstructionPage {
        layout: layout(app, current, session)?,
        attempts,
        id,
        public_id: public_id(id),
        provider_name: provider.name.clone(),
        intitule: file.demande.intitule.clone(),
        organisation: file.demande.organisation_name.clone(),
        siret: file.demande.siret.clone(),
        applicant: file.demande.applicant_email.clone(),
        state: file.state.as_str(),
        state_label: file.state.label(),
        not_yours: service::why_not_instruct(current, &file.demande),
        can_decide: instructs
            && is_offered(
                file.state,
                Event::Approve,
                ActorKind::Instructor,
                file.demande.reopening,
            ),
        can_archive: instructs
            && is_offered(
                file.state,
                Event::Archive,
                ActorKind::Instructor,
                file.demande.reopening,
            ),
        can_revoke: instructs
            && is_offered(
                file.state,
                Event::Revoke,
                ActorKind::Instructor,
                file.demande.reopening,
            ),
        asked_scopes: crate::services::scopes_of(&file.demande.scopes)
            .into_iter()
            .map(|id| {
                let label = provider
                    .form
                    .scope(&id)
                    .map_or(id.clone(), |s| s.label.clone());
                (id, label)
            })
            .collect(),
        validity_months: provider.validity_months,
        changes: changes_since_last_submission(provider, &file.events),
        messages: message_views(&thread),
        message_action: if writable {
            format!("/instruction/demandes/{id}/messages")
        } else {
            String::new()
        },
        message_error: action_error
            .as_ref()
            .filter(|(a, _, _)| *a == "message")
            .map(|(_, m, _)| m.clone()),
        steps: summaries(provider, &file.answers, &FormErrors::default()),
        timeline: timeline(&file.events),
        habilitations: file
            .habilitations
            .iter()
            .map(|h| habilitation_view(provider, h))
            .collect(),
        error_action: action_error.as_ref().map_or("", |(a, _, _)| *a),
        typed_reason: action_error
            .as_ref()
            .map(|(_, _, r)| r.clone())
            .unwrap_or_default(),
        error_message: action_error.map(|(_, m, _)| m).unwrap_or_default(),
    })
}

pub async fn show(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    ok(&page(&app, &current, &session, id, None).await?)
}

async fn decide(
    app: web::Data<App>,
    current: CurrentUser,
    session: Session,
    path: web::Path<String>,
    payload: web::Payload,
    event: Event,
    action: &'static str,
) -> Result<HttpResponse, AppError> {
    let id = demande_id(&path)?;
    let input = FormInput::read(payload, &session).await?;
    let reason = input.get("reason").map(str::to_string);
    // The approval form lists the scopes; without the list, everything asked is granted.
    let scopes = input.get("_scopes_listed").map(|_| {
        input
            .0
            .iter()
            .filter(|(k, _)| k == "scopes")
            .map(|(_, v)| v.clone())
            .collect()
    });
    let decision = service::Decision {
        reason: reason.clone(),
        scopes,
        months: input.get("duree").map(str::to_string),
    };
    match service::decide(&app, &current, id, event, decision).await {
        Ok(()) => Ok(see_other(&format!("/instruction/demandes/{id}"))),
        Err(AppError::Unprocessable(message)) => {
            let typed = reason.unwrap_or_default();
            let error = Some((action, message, typed));
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(&app, &current, &session, id, error).await?,
            )
        }
        Err(e) => Err(e),
    }
}

pub async fn approve(
    app: web::Data<App>,
    SignedIn(c): SignedIn,
    s: Session,
    p: web::Path<String>,
    b: web::Payload,
) -> Result<HttpResponse, AppError> {
    decide(app, c, s, p, b, Event::Approve, "valider").await
}

pub async fn refuse(
    app: web::Data<App>,
    SignedIn(c): SignedIn,
    s: Session,
    p: web::Path<String>,
    b: web::Payload,
) -> Result<HttpResponse, AppError> {
    decide(app, c, s, p, b, Event::Refuse, "refuser").await
}

pub async fn request_changes(
    app: web::Data<App>,
    SignedIn(c): SignedIn,
    s: Session,
    p: web::Path<String>,
    b: web::Payload,
) -> Result<HttpResponse, AppError> {
    decide(app, c, s, p, b, Event::RequestChanges, "modifier").await
}

pub async fn archive(
    app: web::Data<App>,
    SignedIn(c): SignedIn,
    s: Session,
    p: web::Path<String>,
    b: web::Payload,
) -> Result<HttpResponse, AppError> {
    decide(app, c, s, p, b, Event::Archive, "archiver").await
}

/// What a search parameter that could not be read becomes.
fn unreadable(key: &str) -> String {
    format!(
        "Le critère « {} » contient des caractères invalides (caractère nul ou encodage non UTF-8) : ignoré.",
        key.chars().take(40).collect::<String>()
    )
}

/// The filtered list as CSV, streamed.
pub async fn export_csv(
    app: web::Data<App>,
    SignedIn(current): SignedIn,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let decoded = input::decode(req.query_string().as_bytes());
    // Checked before the first byte is streamed: an export never stops after its header.
    if let Some(k) = decoded.undecodable.first() {
        return Err(AppError::BadRequest(unreadable(k)));
    }
    let visible = service::visible_providers(&app, &current);
    let (query, _) = DashboardQuery::parse(&decoded.pairs, &visible);
    let chunks = crate::services::export::start(app.into_inner(), &current, &query)?;
    let stream = futures_util::stream::unfold(chunks, |mut chunks| async move {
        chunks
            .recv()
            .await
            .map(|item| (item.map(web::Bytes::from), chunks))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"demandes.csv\"",
        ))
        .streaming(stream))
}

pub async fn revoke(
    app: web::Data<App>,
    SignedIn(c): SignedIn,
    s: Session,
    p: web::Path<String>,
    b: web::Payload,
) -> Result<HttpResponse, AppError> {
    decide(app, c, s, p, b, Event::Revoke, "revoquer").await
}
