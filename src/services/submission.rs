//! Submitting a demande: the establishment must be open, the form complete, the terms
//! accepted; the same person submitting twice gets the done submission.

use crate::db::organisations;
use crate::domain::demande::{ActorKind, Ctx, Event, transition};
use crate::domain::form::{self, FormErrors, Strictness};
use crate::error::AppError;

use super::App;
use super::accounts::CurrentUser;
use super::demandes::{DemandeFile, can_edit, find_for_applicant};
use super::persist::{Decided, apply};

/// Why a submission did not go through.
#[derive(Debug)]
pub enum Refusal {
    Invalid(FormErrors),
    CguNotAccepted,
    /// The company directory says the establishment is closed.
    ClosedEstablishment(String),
}

/// Submits the demande if the form is complete and the terms accepted.
#[tracing::instrument(skip_all, fields(demande = id))]
pub async fn submit(
    app: &App,
    current: &CurrentUser,
    id: i64,
    cgu_accepted: bool,
) -> Result<Result<(), Refusal>, AppError> {
    let file = find_for_applicant(app, current, id).await?;
    if !can_edit(current, &file.demande) {
        return Err(AppError::Forbidden);
    }
    if file.just_done_by(Event::Submit, current.user.id) {
        return Ok(Ok(()));
    }
    let errors = match check(app, &file).await? {
        Ok(errors) => errors,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let provider = app.provider_of(&file.demande)?.clone();
    let ctx = Ctx {
        form_complete: errors.is_empty(),
        cgu_accepted,
        reopening: file.demande.reopening,
        ..Ctx::new(ActorKind::Applicant)
    };
    match transition(Some(file.state), Event::Submit, &ctx) {
        Err(crate::domain::demande::TransitionError::FormIncomplete) => {
            return Ok(Err(Refusal::Invalid(errors)));
        }
        Err(crate::domain::demande::TransitionError::CguNotAccepted) => {
            return Ok(Err(Refusal::CguNotAccepted));
        }
        Err(e) => return Err(e.into()),
        Ok(outcome) => {
            let decided = Decided {
                provider,
                demande: file.demande,
                outcome,
                event: Event::Submit,
                reason: None,
                grant: None,
            };
            match apply(app, current, decided).await {
                // Both clicks of a double click raced: the one that lost sees the other's work.
                Err(AppError::Conflict(_)) if submitted_by(app, current, id).await? => {}
                done => done?,
            }
        }
    }
    Ok(Ok(()))
}

/// What would refuse the demande's submission now, the terms aside: a closed establishment
/// (`Err`), or the answers missing or wrong (empty when there are none). The one set of checks
/// `submit` makes, which the summary also shows before the button is pressed.
pub async fn check(app: &App, file: &DemandeFile) -> Result<Result<FormErrors, Refusal>, AppError> {
    let provider = app.provider_of(&file.demande)?;
    let organisation_id = file.demande.organisation_id;
    let organisation = app
        .db
        .run(move |conn| Ok::<_, AppError>(organisations::find(conn, organisation_id)?))
        .await?;
    if let Some(org) = organisation.filter(|o| o.active == Some(false)) {
        return Ok(Err(Refusal::ClosedEstablishment(format!(
            "L'établissement {} (SIRET {}) est fermé selon le répertoire des entreprises : il ne peut pas soumettre de demande. \
             Connectez-vous au titre d'un établissement ouvert de votre organisation.",
            org.name, org.siret
        ))));
    }
    Ok(Ok(form::check(
        &provider.form,
        &file.answers,
        Strictness::Submit,
    )))
}

/// Whether the person's own submission is the demande's latest event.
async fn submitted_by(app: &App, current: &CurrentUser, id: i64) -> Result<bool, AppError> {
    let file = find_for_applicant(app, current, id).await?;
    Ok(file.just_done_by(Event::Submit, current.user.id))
}
