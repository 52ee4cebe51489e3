//! Page models of the published habilitations.

use askama::Template;

use crate::services::transparency::PublicHabilitation;
use crate::web::ctx::VisitorCtx;

use super::Layout;

#[derive(Template)]
#[template(path = "publiques/index.html")]
pub struct PublishingPage {
    pub layout: Layout,
    /// (slug, name, body holding the data).
    pub providers: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "publiques/show.html")]
pub struct PublishedPage {
    pub layout: Layout,
    pub slug: String,
    pub name: String,
    pub body: String,
    pub rows: Vec<PublicHabilitation>,
}

impl PublishingPage {
    pub fn new(ctx: &VisitorCtx, providers: Vec<(String, String, String)>) -> PublishingPage {
        PublishingPage {
            layout: ctx.layout("publiques"),
            providers,
        }
    }
}

impl PublishedPage {
    pub fn new(
        ctx: &VisitorCtx,
        provider: &crate::catalog::Provider,
        rows: Vec<PublicHabilitation>,
    ) -> PublishedPage {
        PublishedPage {
            layout: ctx.layout("publiques"),
            slug: provider.slug.clone(),
            name: provider.name.clone(),
            body: provider.provider.clone(),
            rows,
        }
    }
}
