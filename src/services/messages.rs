//! The thread between the applicant's side and the instructors. Writing never changes the state.

use crate::db::messages::{self, MessageRow};
use crate::db::write_transaction;
use crate::domain::demande::State;
use crate::domain::policy::{self, Action};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::{App, demandes, instruction, notify, now};

/// Longest message accepted.
pub const MAX_MESSAGE_CHARS: usize = 5_000;

/// A message as pages show it.
#[derive(Debug, Clone)]
pub struct Message {
    pub row: MessageRow,
    pub author: String,
}

fn check_body(body: &str) -> Result<String, AppError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::Unprocessable("Le message est vide.".to_string()));
    }
    if body.chars().count() > MAX_MESSAGE_CHARS {
        return Err(AppError::Unprocessable(format!(
            "Le message ne doit pas dépasser {MAX_MESSAGE_CHARS} caractères."
        )));
    }
    Ok(body.replace("\r\n", "\n"))
}

async fn write(
    app: &App,
    current: &CurrentUser,
    file: demandes::DemandeFile,
    from_instructor: bool,
    body: &str,
) -> Result<(), AppError> {
    if file.state == State::Archived {
        return Err(AppError::Conflict(
            "Cette demande est archivée : on ne peut plus y écrire.".to_string(),
        ));
    }
    let body = check_body(body)?;
    let author = current.user.id;
    let (email, name) = (current.user.email.clone(), current.user.full_name());
    let provider = app.provider(&file.demande.provider)?.clone();
    let links = app.links.clone();
    let demande = file.demande;
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let id = messages::insert(conn, demande.id, author, from_instructor, &body, now())?;
                // One's own message is read.
                messages::mark_read(conn, author, demande.id, id)?;
                let who = notify::Author {
                    email: &email,
                    name: &name,
                };
                let mut out = notify::Out {
                    conn,
                    links: &links,
                    provider: &provider,
                    demande: &demande,
                    author: &who,
                    now: now(),
                };
                notify::on_message(&mut out, from_instructor, &body)
            })
        })
        .await
}

/// A message from the applicant's organisation.
#[tracing::instrument(skip_all, fields(demande = id))]
pub async fn write_as_applicant(
    app: &App,
    current: &CurrentUser,
    id: i64,
    body: &str,
) -> Result<(), AppError> {
    let file = demandes::find_for_applicant(app, current, id).await?;
    write(app, current, file, false, body).await
}

/// A message from an instructor of the provider (reporters only read).
#[tracing::instrument(skip_all, fields(demande = id))]
pub async fn write_as_instructor(
    app: &App,
    current: &CurrentUser,
    id: i64,
    body: &str,
) -> Result<(), AppError> {
    let file = instruction::find(app, current, id).await?;
    if !policy::can(
        &current.actor,
        Action::Instruct,
        &super::facts(&file.demande),
    ) {
        return Err(AppError::Forbidden);
    }
    write(app, current, file, true, body).await
}

/// The thread of a demande the caller already may see; reading it marks it read.
pub async fn read_thread(
    app: &App,
    current: &CurrentUser,
    id: i64,
) -> Result<Vec<Message>, AppError> {
    let reader = current.user.id;
    app.db
        .run(move |conn| {
            let thread = messages::thread(conn, id)?;
            if let Some((last, _)) = thread.last() {
                messages::mark_read(conn, reader, id, last.id)?;
            }
            Ok(thread
                .into_iter()
                .map(|(row, (given, family, email))| Message {
                    row,
                    author: format!("{given} {family} ({email})").trim().to_string(),
                })
                .collect())
        })
        .await
}

/// Demandes with unread messages for this person: from applicants when `instructor`, else
/// from instructors on the person's organisations.
pub async fn unread(
    app: &App,
    current: &CurrentUser,
    instructor: bool,
) -> Result<Vec<i64>, AppError> {
    let providers = if instructor {
        instruction::visible_providers(app, current)
    } else {
        vec![]
    };
    let organisations = current.actor.organisations.clone();
    let user = current.user.id;
    app.db
        .run(move |conn| {
            Ok(messages::unread(
                conn,
                user,
                instructor,
                &providers,
                &organisations,
            )?)
        })
        .await
}
