//! The instructor's drafts prepared for organisations: the form, and those prepared.

use crate::catalog::Catalog;
use crate::db::prepared_drafts::Listed;
use crate::domain::demande::{State, public_id};
use crate::web::ctx::PageCtx;

use super::{Layout, format_datetime, provider_name};

/// What the form held when it was refused.
#[derive(Default)]
pub struct PreparedFeedback {
    /// A draft was just prepared.
    pub done: bool,
    pub error: Option<String>,
    pub form: String,
    pub siret: String,
    pub email: String,
    pub intitule: String,
    pub note: String,
}

/// One draft prepared, as listed.
pub struct PreparedRow {
    pub public_id: String,
    pub organisation: String,
    pub intitule: String,
    pub invited: String,
    /// "En attente de reprise", or when it was claimed.
    pub status: String,
}

#[derive(askama::Template)]
#[template(path = "instruction/prepared.html")]
pub struct PreparedPage {
    pub layout: Layout,
    /// (value "provider:template", label, chosen): the forms one may start from.
    pub forms: Vec<(String, String, bool)>,
    pub rows: Vec<PreparedRow>,
    pub feedback: PreparedFeedback,
}

impl PreparedPage {
    pub fn new(
        ctx: &PageCtx,
        catalog: &Catalog,
        (providers, prepared): (Vec<String>, Vec<Listed>),
        feedback: PreparedFeedback,
    ) -> PreparedPage {
        let mut forms = vec![];
        for slug in &providers {
            let name = provider_name(catalog, slug);
            let value = format!("{slug}:");
            forms.push((value.clone(), format!("{name} – formulaire complet"), false));
            for t in catalog
                .get(slug)
                .map(|p| p.templates.as_slice())
                .unwrap_or(&[])
            {
                forms.push((
                    format!("{slug}:{}", t.id),
                    format!("{name} – {}", t.name),
                    false,
                ));
            }
        }
        for f in &mut forms {
            f.2 = f.0 == feedback.form;
        }
        let rows = prepared
            .into_iter()
            .map(|(p, (organisation, intitule, state))| PreparedRow {
                public_id: public_id(p.demande_id),
                organisation,
                intitule: if intitule.is_empty() {
                    "(sans titre)".to_string()
                } else {
                    intitule
                },
                invited: p.invited_email,
                status: match (p.claimed_at, State::parse(&state)) {
                    (Some(at), Some(s)) => {
                        format!("Reprise le {} ; {}", format_datetime(&at), s.label())
                    }
                    (Some(at), None) => format!("Reprise le {}", format_datetime(&at)),
                    (None, _) => "En attente de reprise".to_string(),
                },
            })
            .collect();
        PreparedPage {
            layout: ctx.layout("instruction"),
            forms,
            rows,
            feedback,
        }
    }
}
