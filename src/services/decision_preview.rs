//! The email an applicant will receive for a decision, shown to the instructor before they
//! confirm it: the same checks as the decision, the same rendering as the outbox, nothing
//! written.

use chrono::Months;

use crate::domain::demande::{Ctx, Effect, Event, transition};
use crate::domain::policy::{self, Action};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::instruction::{Decision, find, grant_of};
use super::notify::{Author, Out, Preview, preview_to_applicant};
use super::persist::Recorder;
use super::{App, facts, now};

/// The applicant's email for `event` with this decision, as it would leave now.
pub async fn preview(
    app: &App,
    current: &CurrentUser,
    id: i64,
    event: Event,
    decision: Decision,
) -> Result<Preview, AppError> {
    let file = find(app, current, id).await?;
    let actor = policy::actor_kind(&current.actor, Action::Instruct, &facts(&file.demande))
        .ok_or(AppError::Forbidden)?;
    let reason = decision
        .reason
        .as_ref()
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    let ctx = Ctx {
        reason: reason.as_deref(),
        reopening: file.demande.reopening,
        ..Ctx::new(actor)
    };
    let outcome = transition(Some(file.state), event, &ctx)?;
    let Some(notice) = outcome.effects.iter().find_map(|e| match e {
        Effect::Notify(n) => Some(*n),
        _ => None,
    }) else {
        return Err(AppError::Unprocessable(
            "Cette décision n'envoie pas de courriel au demandeur.".to_string(),
        ));
    };
    let provider = app.provider_of(&file.demande)?.clone();
    let grant = match event {
        Event::Approve => Some(grant_of(&provider, &file.demande, &decision)?),
        _ => None,
    };
    let until = grant
        .as_ref()
        .and_then(|g| now().checked_add_months(Months::new(g.months)));
    let narrowed = grant.map(|g| g.narrowed).unwrap_or_default();
    let (demande, user, recorder) = (file.demande, current.user.clone(), Recorder::of(app));
    app.db
        .run(move |conn| {
            let name = user.full_name();
            let author = Author {
                email: &user.email,
                name: &name,
            };
            let mut out = Out::new(conn, &recorder.links, (&provider, &demande), &author);
            preview_to_applicant(&mut out, notice, reason.as_deref(), until, &narrowed)?.ok_or_else(
                || {
                    AppError::Unprocessable(
                        "Le demandeur a désactivé ces courriels : il n'en recevra pas.".to_string(),
                    )
                },
            )
        })
        .await
}
