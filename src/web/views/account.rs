//! Page models of the person's own account and of the admins' members page.

use askama::Template;

use crate::services::App;
use crate::services::memberships::Member;
use crate::web::ctx::PageCtx;

use super::{Layout, provider_name};

#[derive(Template)]
#[template(path = "compte/account.html")]
pub struct AccountPage {
    pub layout: Layout,
    pub name: String,
    pub email: String,
    /// (SIRET, name) of the organisations the person acts for.
    pub organisations: Vec<(String, String)>,
    /// (provider name, role label).
    pub roles: Vec<(String, &'static str)>,
}

impl AccountPage {
    pub fn new(ctx: &PageCtx, app: &App) -> AccountPage {
        let current = &ctx.current;
        AccountPage {
            layout: ctx.layout("moncompte"),
            name: current.user.full_name().trim().to_string(),
            email: current.user.email.clone(),
            organisations: current
                .organisations
                .iter()
                .map(|o| (super::format_siret(&o.siret), o.name.clone()))
                .collect(),
            roles: current
                .actor
                .roles
                .iter()
                .map(|(p, r)| (provider_name(&app.catalog, p), r.label()))
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/members.html")]
pub struct MembersPage {
    pub layout: Layout,
    pub email: String,
    pub member: Option<Member>,
    pub searched: bool,
    pub done: bool,
    pub error: Option<String>,
}
