//! The home page: the providers one can ask.

use actix_session::Session;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::error::AppError;
use crate::services::App;
use crate::web::csrf;
use crate::web::session::MaybeUser;
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

pub async fn home(
    app: web::Data<App>,
    user: MaybeUser,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let providers = app
        .catalog
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
    let layout = Layout::new(
        user.0.as_ref(),
        csrf::token(&session)?,
        app.settings.is_dev(),
        "accueil",
    );
    super::ok(&HomePage { layout, providers })
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
pub async fn developers(
    app: web::Data<App>,
    user: MaybeUser,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let layout = Layout::new(
        user.0.as_ref(),
        csrf::token(&session)?,
        app.settings.is_dev(),
        "developpeurs",
    );
    super::ok(&DevelopersPage {
        layout,
        base_url: app.settings.base_url.clone(),
    })
}
