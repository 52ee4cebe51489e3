//! The managers' page of message templates.

use crate::db::message_templates::MessageTemplate;
use crate::domain::message_template::{Kind, PER_KIND_MAX, VARIABLES};
use crate::services::App;
use crate::web::ctx::PageCtx;

use super::{Layout, provider_name};

/// One template as listed.
pub struct TemplateLine {
    pub id: i64,
    pub kind: &'static str,
    pub title: String,
    pub body: String,
}

/// What a refused form held, and what was just done.
#[derive(Default)]
pub struct TemplatesFeedback {
    pub done: Option<&'static str>,
    pub error: Option<String>,
    pub title: String,
    pub body: String,
}

#[derive(askama::Template)]
#[template(path = "instruction/templates.html")]
pub struct TemplatesPage {
    pub layout: Layout,
    /// (provider name, its templates).
    pub groups: Vec<(String, Vec<TemplateLine>)>,
    /// (slug, name) of the providers the person manages.
    pub providers: Vec<(String, String)>,
    /// (value, label) of the kinds.
    pub kinds: Vec<(&'static str, &'static str)>,
    /// (variable, what it becomes).
    pub variables: Vec<(String, &'static str)>,
    pub per_kind: usize,
    pub feedback: TemplatesFeedback,
}

impl TemplatesPage {
    pub fn new(
        ctx: &PageCtx,
        app: &App,
        (providers, templates): (Vec<String>, Vec<MessageTemplate>),
        feedback: TemplatesFeedback,
    ) -> TemplatesPage {
        let groups = providers
            .iter()
            .map(|slug| {
                let lines = templates
                    .iter()
                    .filter(|t| &t.provider == slug)
                    .map(|t| TemplateLine {
                        id: t.id,
                        kind: Kind::parse(&t.kind).map_or("", Kind::label),
                        title: t.title.clone(),
                        body: t.body.clone(),
                    })
                    .collect();
                (provider_name(&app.catalog, slug), lines)
            })
            .collect();
        TemplatesPage {
            layout: ctx.layout("instruction"),
            groups,
            providers: providers
                .iter()
                .map(|slug| (slug.clone(), provider_name(&app.catalog, slug)))
                .collect(),
            kinds: <Kind as strum::VariantArray>::VARIANTS
                .iter()
                .map(|k| (k.as_str(), k.label()))
                .collect(),
            variables: VARIABLES
                .iter()
                .map(|(name, what)| (format!("{{{{{name}}}}}"), *what))
                .collect(),
            per_kind: PER_KIND_MAX,
            feedback,
        }
    }
}
