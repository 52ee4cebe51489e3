//! Opinions (avis) on a demande: an instructor of the provider asks a reporter or another
//! instructor, who answers on the instruction page; both emailed. The applicant's side never
//! reads them (only the instruction page shows them).

use crate::db::models::User;
use crate::db::opinions::{self, Opinion};
use crate::db::{users, write_transaction};
use crate::domain::opinion::{self as rules, Asked, Asking, OpinionError};
use crate::domain::policy::{self, Action, Role};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::notify::{Author, Out};
use super::persist::Recorder;
use super::{App, facts, now};

/// Who may be asked for an opinion on a provider's demandes.
const ASKABLE: [Role; 3] = [Role::Reporter, Role::Instructor, Role::Manager];

fn refused(e: OpinionError) -> AppError {
    match e {
        OpinionError::NotInstructor
        | OpinionError::NotAsked
        | OpinionError::NotWithdrawer
        | OpinionError::AskedToWithdraw => AppError::ForbiddenBecause(e.to_string()),
        other => AppError::Unprocessable(other.to_string()),
    }
}

/// The opinions of a demande with the people named, and who may be asked: for its instruction
/// page (the caller checked the person sees it there).
pub struct Opinions {
    /// Each opinion with (asker, asked) as "Name (address)".
    pub list: Vec<(Opinion, String, String)>,
    /// (id, "Name (address)") of the provider's people one may ask.
    pub askable: Vec<(i64, String)>,
}

fn named(u: &User) -> String {
    format!("{} ({})", u.full_name().trim(), u.email)
}

/// Whether the person is on the applicant's side of this demande (its organisation, or its
/// applicant): opinions are never theirs to read, ask or give, whatever role they hold.
fn applicant_side(current: &CurrentUser, demande: &crate::db::models::Demande) -> bool {
    current.actor.belongs_to(demande.organisation_id) || current.user.id == demande.applicant_id
}

/// Who may be asked: the provider's people, none of the applicant's organisation.
fn askable(
    conn: &mut crate::db::DbConnection,
    demande: &crate::db::models::Demande,
) -> Result<Vec<User>, AppError> {
    let mut people = Vec::new();
    for person in users::holders_of(conn, &demande.provider, &ASKABLE)? {
        let of_applicant = person.id == demande.applicant_id
            || users::organisations_of(conn, person.id)?
                .iter()
                .any(|o| o.id == demande.organisation_id);
        if !of_applicant {
            people.push(person);
        }
    }
    Ok(people)
}

pub async fn of_demande(
    app: &App,
    current: &CurrentUser,
    demande: &crate::db::models::Demande,
) -> Result<Opinions, AppError> {
    if applicant_side(current, demande) {
        return Ok(Opinions {
            list: vec![],
            askable: vec![],
        });
    }
    let demande = demande.clone();
    app.db
        .run(move |conn| {
            let people = askable(conn, &demande)?;
            let mut list = Vec::new();
            for o in opinions::for_demande(conn, demande.id)? {
                let name = |id: i64, conn: &mut crate::db::DbConnection| {
                    users::find(conn, id).map(|u| u.as_ref().map(named).unwrap_or_default())
                };
                let (by, to) = (name(o.asked_by, conn)?, name(o.asked_to, conn)?);
                list.push((o, by, to));
            }
            Ok(Opinions {
                list,
                askable: people.iter().map(|u| (u.id, named(u))).collect(),
            })
        })
        .await
}

/// Asks `to` (a user id) for an opinion on the demande.
pub async fn ask(
    app: &App,
    current: &CurrentUser,
    id: i64,
    to: i64,
    question: &str,
) -> Result<(), AppError> {
    let file = super::instruction::find(app, current, id).await?;
    let asker_instructs = policy::can(&current.actor, Action::Instruct, &facts(&file.demande))
        && !applicant_side(current, &file.demande);
    let provider = app.provider_of(&file.demande)?.clone();
    let (demande, state) = (file.demande, file.state);
    let (user, recorder, question) = (
        current.user.clone(),
        Recorder::of(app),
        question.to_string(),
    );
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                crate::db::lock_demande(conn, demande.id)?;
                let people = askable(conn, &demande)?;
                let asked = Asked {
                    id: to,
                    reports_or_instructs: people.iter().any(|p| p.id == to),
                };
                let asking = Asking {
                    asker_instructs,
                    asker_id: user.id,
                    state,
                    open: opinions::open_on(conn, demande.id)?,
                };
                let question = rules::ask(asking, asked, &question).map_err(refused)?;
                let person = people
                    .into_iter()
                    .find(|p| p.id == to)
                    .ok_or(AppError::NotFound)?;
                opinions::insert(conn, demande.id, (user.id, to), &question, now())?;
                let text = format!("{} vous demande votre avis : {question}", named(&user));
                tell(conn, (&recorder, &provider, &demande), &user, |out| {
                    super::notify::on_opinion(out, person, true, &text)
                })
            })
        })
        .await
}

/// Answers the opinion `opinion` asked on the demande, as the person asked.
pub async fn answer(
    app: &App,
    current: &CurrentUser,
    id: i64,
    opinion: i64,
    text: &str,
) -> Result<(), AppError> {
    let file = super::instruction::find(app, current, id).await?;
    if applicant_side(current, &file.demande) {
        return Err(refused(OpinionError::NotAsked));
    }
    let provider = app.provider_of(&file.demande)?.clone();
    let demande = file.demande;
    let (user, recorder, text) = (current.user.clone(), Recorder::of(app), text.to_string());
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let found = of_this(conn, opinion, demande.id)?;
                if found.withdrawn_at.is_some() {
                    return Err(refused(OpinionError::Withdrawn));
                }
                let answered = found.answered_at.is_some();
                let text =
                    rules::answer(user.id, found.asked_to, answered, &text).map_err(refused)?;
                if !opinions::answer(conn, found.id, &text, now())? {
                    return Err(refused(closed_meanwhile(conn, found.id)?));
                }
                let Some(asker) = users::find(conn, found.asked_by)? else {
                    return Ok(());
                };
                let told = format!(
                    "{} a rendu son avis sur votre question « {} » : {text}",
                    named(&user),
                    found.question
                );
                tell(conn, (&recorder, &provider, &demande), &user, |out| {
                    super::notify::on_opinion(out, asker, false, &told)
                })
            })
        })
        .await
}

/// Emails about the demande, in the caller's transaction, as written by `user`.
fn tell(
    conn: &mut crate::db::DbConnection,
    (recorder, provider, demande): (
        &Recorder,
        &crate::catalog::Provider,
        &crate::db::models::Demande,
    ),
    user: &User,
    send: impl FnOnce(&mut Out) -> Result<(), AppError>,
) -> Result<(), AppError> {
    let name = user.full_name();
    let author = Author {
        email: &user.email,
        name: &name,
    };
    let mut out = Out::new(conn, &recorder.links, (provider, demande), &author);
    send(&mut out)
}

/// The opinion `id`, if it is one of this demande's.
fn of_this(
    conn: &mut crate::db::DbConnection,
    id: i64,
    demande_id: i64,
) -> Result<Opinion, AppError> {
    opinions::find(conn, id)?
        .filter(|o| o.demande_id == demande_id)
        .ok_or(AppError::NotFound)
}

/// Why an opinion read open was closed when written to: someone answered or withdrew it
/// meanwhile (two people at the same instant).
fn closed_meanwhile(conn: &mut crate::db::DbConnection, id: i64) -> Result<OpinionError, AppError> {
    Ok(match opinions::find(conn, id)? {
        Some(o) if o.withdrawn_at.is_some() => OpinionError::Withdrawn,
        _ => OpinionError::Answered,
    })
}

/// Withdraws the opinion `opinion` nobody answered, as an instructor of the demande; the person
/// asked is told they need not answer.
pub async fn withdraw(
    app: &App,
    current: &CurrentUser,
    id: i64,
    opinion: i64,
) -> Result<(), AppError> {
    let file = super::instruction::find(app, current, id).await?;
    let instructs = policy::can(&current.actor, Action::Instruct, &facts(&file.demande))
        && !applicant_side(current, &file.demande);
    // Who may withdraw is known before which opinion: no telling which ids exist.
    if !instructs {
        return Err(refused(OpinionError::NotWithdrawer));
    }
    let provider = app.provider_of(&file.demande)?.clone();
    let demande = file.demande;
    let (user, recorder) = (current.user.clone(), Recorder::of(app));
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let found = of_this(conn, opinion, demande.id)?;
                let closed = (found.answered_at.is_some(), found.withdrawn_at.is_some());
                rules::withdraw(instructs, found.asked_to == user.id, closed).map_err(refused)?;
                if !opinions::withdraw(conn, found.id, user.id, now())? {
                    return Err(refused(closed_meanwhile(conn, found.id)?));
                }
                let Some(asked) = users::find(conn, found.asked_to)? else {
                    return Ok(());
                };
                let told = format!(
                    "{} a retiré la demande d'avis « {} » : vous n'avez plus à y répondre.",
                    named(&user),
                    found.question
                );
                tell(conn, (&recorder, &provider, &demande), &user, |out| {
                    super::notify::on_opinion_withdrawn(out, asked, &told)
                })
            })
        })
        .await
}
