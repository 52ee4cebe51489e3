//! The preview's pages: the folder's providers, and each provider's form (at each of its
//! stages) filled with made-up answers, read-only.

use std::sync::atomic::Ordering;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::catalog::Provider;
use crate::db::models::Demande;
use crate::domain::demande::State;
use crate::domain::form::FormErrors;
use crate::services::demandes::DemandeFile;
use crate::web::views::form::{FieldView, field_view};
use crate::web::views::{Layout, Site};

use super::Preview;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(index))
        .route("/version", web::get().to(version))
        .route("/fournisseurs/{slug}", web::get().to(provider))
        .route(
            "/static/{path:.*}",
            web::get().to(crate::web::pages::assets::file),
        );
}

fn layout() -> Layout {
    Layout::new(None, String::new(), false, "accueil", Site::default())
}

fn html(page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(body),
        Err(e) => HttpResponse::InternalServerError()
            .content_type("text/plain; charset=utf-8")
            .body(format!("rendu impossible : {e}")),
    }
}

#[derive(Template)]
#[template(path = "preview/index.html")]
struct IndexPage {
    layout: Layout,
    dir: String,
    /// (slug, name, number of stages)
    providers: Vec<(String, String, usize)>,
    errors: Vec<String>,
}

async fn index(preview: web::Data<Preview>) -> HttpResponse {
    let (providers, errors) = match &*read(&preview) {
        Ok(catalog) => (
            catalog
                .all()
                .iter()
                .map(|p| (p.slug.clone(), p.name.clone(), p.stages.len()))
                .collect(),
            vec![],
        ),
        Err(errors) => (vec![], errors.clone()),
    };
    html(&IndexPage {
        layout: layout(),
        dir: preview.dir.display().to_string(),
        providers,
        errors,
    })
}

async fn version(preview: web::Data<Preview>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain")
        .insert_header(("Cache-Control", "no-store"))
        .body(preview.version.load(Ordering::SeqCst).to_string())
}

fn read(
    preview: &Preview,
) -> std::sync::RwLockReadGuard<'_, Result<crate::catalog::Catalog, Vec<String>>> {
    preview
        .loaded
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

struct StepPreview {
    number: usize,
    title: String,
    introduction: Option<String>,
    fields: Vec<FieldView>,
}

#[derive(Template)]
#[template(path = "preview/provider.html")]
struct ProviderPage {
    layout: Layout,
    name: String,
    slug: String,
    description: String,
    introduction: Option<String>,
    eligibility: Vec<crate::domain::eligibility::Question>,
    templates: Vec<(String, String)>,
    /// (id, name, shown)
    stages: Vec<(String, String, bool)>,
    validity_months: u32,
    steps: Vec<StepPreview>,
    errors: Vec<String>,
}

async fn provider(
    preview: web::Data<Preview>,
    path: web::Path<String>,
    req: HttpRequest,
) -> HttpResponse {
    let loaded = read(&preview);
    let catalog = match &*loaded {
        Ok(catalog) => catalog,
        Err(errors) => {
            return html(&IndexPage {
                layout: layout(),
                dir: preview.dir.display().to_string(),
                providers: vec![],
                errors: errors.clone(),
            });
        }
    };
    let Some(base) = catalog.get(&path) else {
        return HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body(format!(
                "« {} » n'est pas dans ce dossier",
                path.chars().take(80).collect::<String>()
            ));
    };
    let query = crate::web::input::parse(req.query_string().as_bytes()).unwrap_or_default();
    let asked = query
        .iter()
        .find(|(k, _)| k == "etape")
        .map(|(_, v)| v.clone());
    let stage = asked
        .as_deref()
        .filter(|id| base.stages.iter().any(|s| s.id == *id))
        .or(base.first_stage());
    let shown = catalog.at_stage(&base.slug, stage).unwrap_or(base);
    html(&page(base, shown, stage))
}

/// A provider's form at a stage, as an applicant would see it filled in.
fn page(base: &Provider, shown: &Provider, stage: Option<&str>) -> ProviderPage {
    let file = sample(shown);
    let errors = crate::domain::form::check(
        &shown.form,
        &file.answers,
        crate::domain::form::Strictness::Draft,
    );
    let steps = shown
        .form
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| StepPreview {
            number: i + 1,
            title: step.title.clone(),
            introduction: step.introduction.clone(),
            fields: step
                .fields
                .iter()
                .map(|f| field_view(shown, f, &file, &FormErrors::default()))
                .collect(),
        })
        .collect();
    ProviderPage {
        layout: layout(),
        name: base.name.clone(),
        slug: base.slug.clone(),
        description: base.description.clone(),
        introduction: base.introduction.clone(),
        eligibility: base.eligibility.clone(),
        templates: base
            .templates
            .iter()
            .map(|t| (t.name.clone(), t.description.clone().unwrap_or_default()))
            .collect(),
        stages: base
            .stages
            .iter()
            .map(|s| (s.id.clone(), s.name.clone(), Some(s.id.as_str()) == stage))
            .collect(),
        validity_months: shown.validity_months,
        steps,
        // Made-up answers a rule of the file refuses: worth knowing while writing it.
        errors: errors
            .0
            .iter()
            .map(|e| format!("{} : {}", e.label, e.message))
            .collect(),
    }
}

/// A draft of the provider filled with made-up answers (no row behind it).
fn sample(provider: &Provider) -> DemandeFile {
    let answers = crate::services::seed::made_up_answers(provider);
    let at = crate::services::now();
    DemandeFile {
        demande: Demande {
            id: 0,
            provider: provider.slug.clone(),
            template: None,
            organisation_id: 0,
            applicant_id: 0,
            state: State::Draft.as_str().to_string(),
            answers: String::new(),
            scopes: String::new(),
            intitule: String::new(),
            organisation_name: "Mairie de Lyon".to_string(),
            siret: "21690123100011".to_string(),
            applicant_email: "marie.dupont@mairie-lyon.fr".to_string(),
            lock_version: 0,
            created_at: at,
            updated_at: at,
            last_submitted_at: None,
            reopening: false,
            stage: provider.stage.as_ref().map(|s| s.id.clone()),
            previous_id: None,
            assigned_to: None,
        },
        state: State::Draft,
        answers,
        events: vec![],
        habilitations: vec![],
        attachments: vec![],
        previous: vec![],
        following: vec![],
    }
}
