//! Copying a demande into a new draft, and handing a demande to a colleague.

use crate::db::models::{NewDemande, NewEvent};
use crate::db::{demandes, events, users, write_transaction};
use crate::domain::demande::{ActorKind, Ctx, Event, State, public_id, transition};
use crate::domain::email::Email;
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::demandes::{can_edit, find_for_applicant};
use super::{App, now};

/// A new draft with the answers of a demande the person may read; returns its id.
#[tracing::instrument(skip_all, fields(demande = id))]
pub async fn copy(app: &App, current: &CurrentUser, id: i64) -> Result<i64, AppError> {
    let file = find_for_applicant(app, current, id).await?;
    app.provider(&file.demande.provider)?;
    transition(None, Event::Create, &Ctx::new(ActorKind::Applicant))?;
    let source = file.demande;
    let user = current.user.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let at = now();
                let copy = demandes::insert(
                    conn,
                    &NewDemande {
                        provider: &source.provider,
                        template: source.template.as_deref(),
                        organisation_id: source.organisation_id,
                        applicant_id: user.id,
                        state: State::Draft.as_str(),
                        answers: &source.answers,
                        scopes: &source.scopes,
                        intitule: &source.intitule,
                        organisation_name: &source.organisation_name,
                        siret: &source.siret,
                        applicant_email: &user.email,
                        lock_version: 0,
                        created_at: at,
                        updated_at: at,
                        last_submitted_at: None,
                    },
                )?;
                let reason = format!("Copie de la demande {}", public_id(source.id));
                events::insert(
                    conn,
                    &NewEvent {
                        demande_id: copy.id,
                        actor_id: Some(user.id),
                        name: Event::Create.as_str(),
                        from_state: None,
                        to_state: State::Draft.as_str(),
                        reason: Some(&reason),
                        diff: None,
                        created_at: at,
                    },
                )?;
                Ok::<_, AppError>(copy.id)
            })
        })
        .await
}

/// Hands the demande to a colleague of the same organisation, who becomes its applicant.
#[tracing::instrument(skip_all, fields(demande = id))]
pub async fn transfer(
    app: &App,
    current: &CurrentUser,
    id: i64,
    email: &str,
) -> Result<(), AppError> {
    let file = find_for_applicant(app, current, id).await?;
    if !can_edit(current, &file.demande) {
        return Err(AppError::ForbiddenBecause(
            "Seule la personne qui a créé cette demande peut la transférer.".to_string(),
        ));
    }
    transition(
        Some(file.state),
        Event::Transfer,
        &Ctx::new(ActorKind::Applicant),
    )?;
    let email = Email::parse(email).map_err(|e| AppError::Unprocessable(e.to_string()))?;
    if email.as_str() == current.user.email {
        return Err(AppError::Unprocessable(
            "La demande est déjà la vôtre : indiquez l'adresse d'un collègue.".to_string(),
        ));
    }
    let demande = file.demande;
    let state = file.state;
    let actor = current.user.id;
    let provider = app.provider(&demande.provider)?.clone();
    let links = app.links.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let not_member = || {
                    AppError::Unprocessable(format!(
                        "{email} n'est pas membre de {} sur habilis : la demande ne peut lui être transférée.",
                        demande.organisation_name
                    ))
                };
                let colleague = users::find_by_email(conn, email.as_str())?.ok_or_else(not_member)?;
                let member = users::organisations_of(conn, colleague.id)?.iter().any(|o| o.id == demande.organisation_id);
                if !member {
                    return Err(not_member());
                }
                if demandes::transfer(conn, &demande, colleague.id, &colleague.email, now())? != 1 {
                    return Err(AppError::Conflict("La demande a changé entre-temps : rechargez la page.".to_string()));
                }
                let reason = format!("Transférée à {}", colleague.email);
                events::insert(
                    conn,
                    &NewEvent {
                        demande_id: demande.id,
                        actor_id: Some(actor),
                        name: Event::Transfer.as_str(),
                        from_state: Some(&demande.state),
                        to_state: &demande.state,
                        reason: Some(&reason),
                        diff: None,
                        created_at: now(),
                    },
                )?;
                let moved = crate::db::models::Demande {
                    applicant_id: colleague.id,
                    applicant_email: colleague.email.clone(),
                    ..demande.clone()
                };
                super::webhooks::enqueue(conn, &links, &provider, &moved, Event::Transfer, state, now())
            })
        })
        .await
}
