//! What an action on several demandes of the dashboard did, and what it could not do.

use crate::domain::demande::public_id;
use crate::services::assignment::Outcome;
use crate::web::ctx::PageCtx;

use super::Layout;

/// Which action the page reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acted {
    Assigned,
    Unassigned,
    Archived,
}

#[derive(askama::Template)]
#[template(path = "instruction/bulk.html")]
pub struct BulkPage {
    pub layout: Layout,
    /// What was done, or the refusal of the whole action.
    pub title: String,
    pub error: Option<String>,
    /// (id, number) of the demandes done.
    pub done: Vec<(i64, String)>,
    /// (id, number, why) of the others.
    pub refused: Vec<(i64, String, String)>,
    /// The dashboard list the action was sent from.
    pub back: String,
}

fn count(n: usize) -> String {
    match n {
        1 => "1 demande".to_string(),
        n => format!("{n} demandes"),
    }
}

impl BulkPage {
    pub fn new(ctx: &PageCtx, acted: Acted, outcome: &Outcome, back: String) -> BulkPage {
        let n = outcome.done.len();
        let title = match (acted, n) {
            (_, 0) => "Aucune des demandes cochées n'a pu être traitée".to_string(),
            (Acted::Assigned, 1) => format!("1 demande assignée à {}", outcome.assignee),
            (Acted::Assigned, _) => format!("{n} demandes assignées à {}", outcome.assignee),
            (Acted::Unassigned, _) => format!("Assignation retirée : {}", count(n)),
            (Acted::Archived, 1) => "1 demande archivée".to_string(),
            (Acted::Archived, _) => format!("{n} demandes archivées"),
        };
        BulkPage {
            layout: ctx.layout("instruction"),
            title,
            error: None,
            done: outcome
                .done
                .iter()
                .map(|id| (*id, public_id(*id)))
                .collect(),
            refused: outcome
                .refused
                .iter()
                .map(|(id, why)| (*id, public_id(*id), why.clone()))
                .collect(),
            back,
        }
    }

    /// The whole action refused (nothing ticked, no instructor chosen): said, nothing done.
    pub fn refused(ctx: &PageCtx, message: String, back: String) -> BulkPage {
        BulkPage {
            layout: ctx.layout("instruction"),
            title: "Rien n'a été fait".to_string(),
            error: Some(message),
            done: vec![],
            refused: vec![],
            back,
        }
    }
}
