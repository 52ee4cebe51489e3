//! The thread between the applicant's side and the instructors. Writing never changes the state.

use crate::db::messages::{self, MessageRow};
use crate::db::models::Demande;
use crate::db::webhooks::Attempt;
use crate::db::{DbConnection, write_transaction};
use crate::domain::demande::State;
use crate::domain::policy::{self, Action};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::demandes::{self, DemandeFile};
use super::{App, instruction, notify, now};

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
    let provider = app.provider_of(&file.demande)?.clone();
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

/// The thread of a demande the reader may see, on the page's connection; reading it marks
/// it read.
/// `reader` is none while an admin views the portal as someone: it reads, it marks nothing.
fn read_thread(
    conn: &mut DbConnection,
    reader: Option<i64>,
    id: i64,
) -> Result<Vec<Message>, AppError> {
    let thread = messages::thread(conn, id)?;
    if let (Some((last, _)), Some(reader)) = (thread.last(), reader) {
        messages::mark_read(conn, reader, id, last.id)?;
    }
    Ok(thread
        .into_iter()
        .map(|(row, (given, family, email))| Message {
            row,
            author: format!("{given} {family} ({email})").trim().to_string(),
        })
        .collect())
}

/// Whether the demande's provider is in the catalog (its pages need it).
fn known_provider(app: &App) -> impl Fn(&Demande) -> bool + Send + 'static {
    let slugs: Vec<String> = app.catalog.all().iter().map(|p| p.slug.clone()).collect();
    move |d| slugs.contains(&d.provider)
}

/// What the applicant's page of a demande shows: the demande, its timeline and
/// habilitations, and its thread (now read), read on one connection. "Not found" for anyone
/// who may not see it as applicant, before anything is read or marked.
pub async fn applicant_page(
    app: &App,
    current: &CurrentUser,
    id: i64,
) -> Result<(DemandeFile, Vec<Message>), AppError> {
    let reader = Some(current.user.id).filter(|_| current.viewing.is_none());
    let (actor, known) = (current.actor.clone(), known_provider(app));
    let may_see = move |d: &Demande| {
        known(d) && policy::can(&actor, Action::ViewAsApplicant, &super::facts(d))
    };
    let wall = Some(current.actor.organisations.clone());
    demandes::load_file_then(app, id, (wall, may_see), move |conn, _| {
        read_thread(conn, reader, id)
    })
    .await
}

/// What the instruction page of a demande shows: the demande, its timeline and
/// habilitations, its thread (now read) and, for those who instruct it, its webhook
/// deliveries, read on one connection. "Not found" for anyone without a role on its
/// provider, before anything is read or marked.
pub async fn instruction_page(
    app: &App,
    current: &CurrentUser,
    id: i64,
) -> Result<(DemandeFile, (Vec<Message>, Vec<Attempt>)), AppError> {
    let reader = Some(current.user.id).filter(|_| current.viewing.is_none());
    let (actor, known) = (current.actor.clone(), known_provider(app));
    let viewer = actor.clone();
    let may_see = move |d: &Demande| {
        known(d) && policy::can(&viewer, Action::ViewInInstruction, &super::facts(d))
    };
    demandes::load_file_then(app, id, (None, may_see), move |conn, file| {
        let thread = read_thread(conn, reader, id)?;
        let attempts = match policy::can(&actor, Action::Instruct, &super::facts(&file.demande)) {
            true => crate::db::webhooks::for_demande(conn, id)?,
            false => vec![],
        };
        Ok((thread, attempts))
    })
    .await
}

/// Among the demandes an applicant's list shows, those with messages from instructors
/// not read yet.
pub async fn unread_for_applicant(
    app: &App,
    current: &CurrentUser,
    shown: Vec<i64>,
) -> Result<Vec<i64>, AppError> {
    if shown.is_empty() {
        return Ok(vec![]);
    }
    let user = current.user.id;
    app.db
        .run(move |conn| Ok(messages::unread_among(conn, user, false, &shown)?))
        .await
}
