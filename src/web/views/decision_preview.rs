//! The page showing an instructor the applicant's email before the decision is confirmed.

use crate::services::notify::Preview;
use crate::web::ctx::PageCtx;

use super::Layout;

#[derive(askama::Template)]
#[template(path = "instruction/preview.html")]
pub struct PreviewPage {
    pub layout: Layout,
    pub id: i64,
    pub public_id: String,
    /// "Valider", "Demander des modifications", "Refuser".
    pub decision_label: &'static str,
    /// The decision's route: valider, demander-modifications, refuser.
    pub action: &'static str,
    /// The word for the preview's own route (`?decision=`).
    pub decision: &'static str,
    pub mail: Preview,
    pub reason: String,
    /// Every other field of the decision form, sent again as typed.
    pub hidden: Vec<(String, String)>,
}

impl PreviewPage {
    pub fn new(
        ctx: &PageCtx,
        id: i64,
        (decision, action, decision_label): (&'static str, &'static str, &'static str),
        mail: Preview,
        (reason, hidden): (String, Vec<(String, String)>),
    ) -> PreviewPage {
        PreviewPage {
            layout: ctx.layout("instruction"),
            id,
            public_id: crate::domain::demande::public_id(id),
            decision_label,
            action,
            decision,
            mail,
            reason,
            hidden,
        }
    }
}
