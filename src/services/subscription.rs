//! What a subscriber opens from an email: a demande's summary, without the applicant's answers.
//! Subscribers have no access to the instruction workspace, so this is their only page.

use crate::db::models::{Demande, Habilitation, Standing};
use crate::domain::demande::State;
use crate::domain::policy::{self, Action};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::demandes::load_file;
use super::{App, facts, now};

/// A demande as its provider's subscribers see it.
#[derive(Debug)]
pub struct Summary {
    pub demande: Demande,
    pub state: State,
    /// Habilitations granted, with what they are worth now.
    pub habilitations: Vec<(Habilitation, Standing)>,
    /// The person may also open the full file in the instruction workspace.
    pub sees_file: bool,
}

/// The summary of a demande, for its provider's subscribers, reporters, instructors and
/// managers, and admins; "not found" for anyone else, as in the instruction workspace.
pub async fn summary(app: &App, current: &CurrentUser, id: i64) -> Result<Summary, AppError> {
    let file = load_file(app, id).await?.ok_or(AppError::NotFound)?;
    let facts = facts(&file.demande);
    if !policy::can(&current.actor, Action::ViewSummary, &facts) {
        return Err(AppError::NotFound);
    }
    let sees_file = policy::can(&current.actor, Action::ViewInInstruction, &facts);
    let at = now();
    Ok(Summary {
        state: file.state,
        habilitations: file
            .habilitations
            .into_iter()
            .map(|h| {
                let standing = h.standing_at(at);
                (h, standing)
            })
            .collect(),
        sees_file,
        demande: file.demande,
    })
}
