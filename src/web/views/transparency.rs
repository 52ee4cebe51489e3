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

/// A legal page: the accessibility statement, the legal notice, personal data, the FAQ.
#[derive(Template)]
#[template(path = "legal.html")]
pub struct LegalPage {
    pub layout: Layout,
    pub title: String,
    /// Rendered from the operator's Markdown when the portal started (checked then).
    pub html: String,
    /// On the accessibility statement: its declared state, and the audit's day.
    pub declared: Option<(&'static str, Option<String>)>,
}

impl LegalPage {
    pub fn new(
        ctx: &VisitorCtx,
        legal: &crate::legal::Legal,
        page: &crate::legal::Page,
    ) -> LegalPage {
        LegalPage {
            layout: ctx.layout("legal"),
            title: page.title.clone(),
            html: page.html.clone(),
            declared: (page.slug == "accessibilite").then(|| {
                (
                    legal.conformity.label(),
                    legal.audit.map(|d| d.format("%d/%m/%Y").to_string()),
                )
            }),
        }
    }
}
