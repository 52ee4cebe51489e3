//! The home page: the providers one can ask.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::catalog::Catalog;
use crate::error::AppError;
use crate::services::App;
use crate::web::ctx::VisitorCtx;
use crate::web::views::Layout;

pub struct ProviderCard {
    pub slug: String,
    pub name: String,
    pub provider: String,
    pub description: String,
    pub templates: usize,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub layout: Layout,
    pub providers: Vec<ProviderCard>,
}

impl HomePage {
    pub fn new(ctx: &VisitorCtx, catalog: &Catalog) -> HomePage {
        let providers = catalog
            .all()
            .iter()
            .map(|p| ProviderCard {
                slug: p.slug.clone(),
                name: p.name.clone(),
                provider: p.provider.clone(),
                description: p.description.clone(),
                templates: p.templates.len(),
            })
            .collect();
        HomePage {
            layout: ctx.layout("accueil"),
            providers,
        }
    }
}

pub async fn home(app: web::Data<App>, ctx: VisitorCtx) -> Result<HttpResponse, AppError> {
    super::ok(&HomePage::new(&ctx, &app.catalog))
}

/// Unknown addresses.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "developers.html")]
pub struct DevelopersPage {
    pub layout: Layout,
    pub base_url: String,
}

/// A short page for providers' developers: the API and the webhooks.
pub async fn developers(app: web::Data<App>, ctx: VisitorCtx) -> Result<HttpResponse, AppError> {
    super::ok(&DevelopersPage {
        layout: ctx.layout("developpeurs"),
        base_url: app.settings.base_url.clone(),
    })
}
