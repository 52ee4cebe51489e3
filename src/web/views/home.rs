//! Page models open to everyone: home, the developers' page and the login page.

use askama::Template;

use crate::catalog::Catalog;
use crate::services::accounts::DevAccount;
use crate::web::ctx::VisitorCtx;

use super::Layout;

pub struct ProviderCard {
    pub slug: String,
    pub name: String,
    pub provider: String,
    pub description: String,
    pub templates: usize,
    /// The provider has a logo to show.
    pub logo: bool,
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
                logo: p.logo.is_some(),
            })
            .collect();
        HomePage {
            layout: ctx.layout("accueil"),
            providers,
        }
    }
}

#[derive(Template)]
#[template(path = "developers.html")]
pub struct DevelopersPage {
    pub layout: Layout,
    pub base_url: String,
}

impl DevelopersPage {
    pub fn new(ctx: &VisitorCtx, base_url: &str) -> DevelopersPage {
        DevelopersPage {
            layout: ctx.layout("developpeurs"),
            base_url: base_url.to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub layout: Layout,
    /// The named demo accounts, always listed.
    pub accounts: Vec<DevAccount>,
    /// The search among every demo account, generated ones included ("" when none).
    pub query: String,
    /// The accounts the search found, at most `SHOWN_MATCHES` of them.
    pub found: Vec<DevAccount>,
    /// How many accounts the search found.
    pub found_count: usize,
    /// An identity provider is configured.
    pub proconnect: bool,
    /// Just signed out of every device.
    pub signed_out_everywhere: bool,
}

/// At most this many accounts found by a search are listed: the count says how many matched.
pub const SHOWN_MATCHES: usize = 30;
