//! Copying a demande into a new draft, and handing a demande to a colleague.

use crate::catalog::Provider;
use crate::db::models::{Demande, NewDemande, Organisation, User};
use crate::db::{DbConnection, users, write_transaction};
use crate::domain::demande::{ActorKind, Ctx, Event, Outcome, public_id, transition};
use crate::domain::email::Email;
use crate::domain::policy::{self, Action};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::demandes::{actor_of, find_for_applicant};
use super::persist::{Change, Happened, Recorder, Stale, Write, persist};
use super::{App, now};

/// A new draft with the answers of a demande the person may read; returns its id.
#[tracing::instrument(skip_all, fields(demande = id))]
pub async fn copy(app: &App, current: &CurrentUser, id: i64) -> Result<i64, AppError> {
    let file = find_for_applicant(app, current, id).await?;
    let outcome = transition(None, Event::Create, &Ctx::new(ActorKind::Applicant))?;
    let provider = app.provider_of(&file.demande)?.clone();
    // Files belong to the demande they were sent with: the copy asks for them again.
    let mut kept = file.answers.clone();
    provider.form.file_fields().for_each(|f| {
        kept.remove(&f.id);
    });
    let answers = serde_json::to_string(&kept).map_err(anyhow::Error::from)?;
    let source = file.demande;
    let user = current.user.clone();
    let recorder = Recorder::of(app);
    app.db
        .run(move |conn| {
            let at = now();
            let reason = format!("Copie de la demande {}", public_id(source.id));
            let change = Change {
                reason: Some(&reason),
                ..Change::of(
                    None,
                    Write::Insert(NewDemande {
                        state: outcome.to.as_str(),
                        answers: &answers,
                        ..NewDemande::draft_from(&source, &user, at)
                    }),
                    Happened::Event(Event::Create),
                    &outcome,
                    actor_of(&user),
                )
            };
            write_transaction(conn, |conn| {
                persist(conn, &recorder, &provider, &change, at)
            })?
            .map(|copy| copy.id)
            .map_err(|Stale| AppError::Conflict("La copie n'a pas pu être créée.".to_string()))
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
    if !policy::can(
        &current.actor,
        Action::EditAsApplicant,
        &super::facts(&file.demande),
    ) {
        return Err(AppError::ForbiddenBecause(
            "Seule la personne qui a créé cette demande peut la transférer.".to_string(),
        ));
    }
    let outcome = transition(
        Some(file.state),
        Event::Transfer,
        &Ctx {
            reopening: file.demande.reopening,
            ..Ctx::new(ActorKind::Applicant)
        },
    )?;
    let email = Email::parse(email).map_err(|e| AppError::Unprocessable(e.to_string()))?;
    if email.as_str() == current.user.email {
        return Err(AppError::Unprocessable(
            "La demande est déjà la vôtre : indiquez l'adresse électronique d'un collègue."
                .to_string(),
        ));
    }
    let demande = file.demande;
    let user = current.user.clone();
    let provider = app.provider_of(&demande)?.clone();
    let recorder = Recorder::of(app);
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                hand_to(
                    conn,
                    (&recorder, &provider),
                    &demande,
                    &outcome,
                    &user,
                    &email,
                    (None, None),
                )
                .map(|_| ())
            })
        })
        .await
}

/// The instruction side (an instructor of the provider, or an admin) hands a demande to another
/// agent of its organisation, the applicant having left: with a reason, both told, audited.
#[tracing::instrument(skip_all, fields(demande = id))]
pub async fn transfer_for_instruction(
    app: &App,
    current: &CurrentUser,
    id: i64,
    email: &str,
    reason: &str,
) -> Result<(), AppError> {
    let file = super::instruction::find(app, current, id).await?;
    let facts = super::facts(&file.demande);
    let instructs = policy::can(&current.actor, Action::Instruct, &facts);
    if !instructs && !current.actor.is_admin {
        return Err(AppError::ForbiddenBecause(
            "Seuls les instructeurs de ce fournisseur et les administrateurs peuvent transférer une demande."
                .to_string(),
        ));
    }
    let move_ = Move {
        email,
        reason,
        to: None,
    };
    hand_over(
        app,
        current,
        file,
        (Event::Transfer, ActorKind::Instructor),
        move_,
    )
    .await
}

/// An admin moves a demande to another organisation (`siret`, known to habilis) and one of its
/// agents (`email`), who becomes its applicant: organisations merge. Its habilitations follow
/// (the rights API then answers for the new organisation), with a reason; both applicants are
/// told, the event is audited and sent to the provider's webhook.
#[tracing::instrument(skip_all, fields(demande = id))]
pub async fn move_to_organisation(
    app: &App,
    current: &CurrentUser,
    id: i64,
    (siret, email): (&str, &str),
    reason: &str,
) -> Result<(), AppError> {
    let file = super::instruction::find(app, current, id).await?;
    if !current.actor.is_admin {
        return Err(AppError::ForbiddenBecause(
            "Seuls les administrateurs de habilis rattachent une demande à une autre organisation."
                .to_string(),
        ));
    }
    let move_ = Move {
        email,
        reason,
        to: Some(siret),
    };
    hand_over(
        app,
        current,
        file,
        (Event::MoveOrganisation, ActorKind::Admin),
        move_,
    )
    .await
}

/// What the instruction side asks: to whom, why, and for a merger the other organisation.
struct Move<'a> {
    email: &'a str,
    reason: &'a str,
    /// The other organisation's SIRET, as typed (a merger).
    to: Option<&'a str>,
}

/// The instruction side's handover, checked by `transition()` (a reason required), persisted
/// with its effects, the former applicant told to whom and why.
async fn hand_over(
    app: &App,
    current: &CurrentUser,
    file: super::demandes::DemandeFile,
    (event, kind): (Event, ActorKind),
    asked: Move<'_>,
) -> Result<(), AppError> {
    let reason = asked.reason.trim().to_string();
    if reason.chars().count() > 2_000 {
        return Err(AppError::Unprocessable(
            "Le motif ne doit pas dépasser 2 000 caractères.".to_string(),
        ));
    }
    let ctx = Ctx {
        reason: Some(&reason),
        reopening: file.demande.reopening,
        ..Ctx::new(kind)
    };
    let outcome = transition(Some(file.state), event, &ctx)
        .map_err(|e| AppError::Unprocessable(e.to_string()))?;
    let siret = match asked.to {
        None => None,
        Some(siret) => {
            // A procedure in stages moves as a whole or not at all: its demandes link to
            // each other.
            if file.demande.previous_id.is_some() || !file.following.is_empty() {
                return Err(AppError::Unprocessable(
                    "Cette demande fait partie d'une procédure en étapes : ses étapes ne se rattachent pas une à une à une autre organisation."
                        .to_string(),
                ));
            }
            Some(
                crate::domain::siret::Siret::parse(siret)
                    .map_err(|e| AppError::Unprocessable(e.to_string()))?,
            )
        }
    };
    let email = Email::parse(asked.email).map_err(|e| AppError::Unprocessable(e.to_string()))?;
    let demande = file.demande;
    let user = current.user.clone();
    let provider = app.provider_of(&demande)?.clone();
    let recorder = Recorder::of(app);
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let home = match &siret {
                    None => None,
                    Some(siret) => Some(new_home(conn, siret, &demande)?),
                };
                let agent = hand_to(
                    conn,
                    (&recorder, &provider),
                    &demande,
                    &outcome,
                    &user,
                    &email,
                    (Some(&reason), home.as_ref()),
                )?;
                // The applicant it was taken from, as the demande stood before.
                let name = user.full_name();
                let author = super::notify::Author {
                    email: &user.email,
                    name: &name,
                };
                let mut out =
                    super::notify::Out::new(conn, &recorder.links, (&provider, &demande), &author);
                match &home {
                    None => {
                        super::notify::on_transfer_away(&mut out, &agent.email, (&reason, None))
                    }
                    Some(home) => {
                        let whom = format!("{} ({})", agent.email, home.name);
                        super::notify::on_transfer_away(
                            &mut out,
                            &whom,
                            (&reason, Some(&home.name)),
                        )
                    }
                }
            })
        })
        .await
}

/// The organisation a merger moves the demande to: known to habilis, and another one.
fn new_home(
    conn: &mut DbConnection,
    siret: &crate::domain::siret::Siret,
    demande: &Demande,
) -> Result<Organisation, AppError> {
    let home = crate::db::organisations::find_by_siret(conn, siret.as_str())?.ok_or_else(|| {
        AppError::Unprocessable(format!(
            "Aucune organisation de SIRET {} n'est connue de habilis : un de ses agents doit d'abord s'y connecter.",
            siret.as_str()
        ))
    })?;
    if home.id == demande.organisation_id {
        return Err(AppError::Unprocessable(format!(
            "La demande est déjà celle de {} : pour la confier à un autre de ses agents, transférez-la.",
            home.name
        )));
    }
    Ok(home)
}

/// Makes the agent at `email`, a member of the demande's organisation (or of `home`, in a
/// merger), its applicant, inside the caller's transaction; the event says "Transférée à …"
/// (or "Rattachée à …"), then `why` when there is one.
fn hand_to(
    conn: &mut DbConnection,
    (recorder, provider): (&Recorder, &Provider),
    demande: &Demande,
    outcome: &Outcome,
    user: &User,
    email: &Email,
    (why, home): (Option<&str>, Option<&Organisation>),
) -> Result<User, AppError> {
    let (organisation_id, organisation_name) = match home {
        Some(o) => (o.id, o.name.as_str()),
        None => (demande.organisation_id, demande.organisation_name.as_str()),
    };
    let not_member = || {
        AppError::Unprocessable(format!(
            "{email} n'est pas membre de {organisation_name} sur habilis : la demande ne peut lui être transférée."
        ))
    };
    let agent = users::find_by_email(conn, email.as_str())?.ok_or_else(not_member)?;
    if agent.id == demande.applicant_id && home.is_none() {
        return Err(AppError::Unprocessable(format!(
            "{email} est déjà le demandeur de cette demande."
        )));
    }
    let member = users::organisations_of(conn, agent.id)?
        .iter()
        .any(|o| o.id == organisation_id);
    if !member {
        return Err(not_member());
    }
    let noted = match (why, home) {
        (Some(why), Some(o)) => format!(
            "Rattachée à {} (SIRET {}), demandeur {} : {why}",
            o.name, o.siret, agent.email
        ),
        (Some(why), None) => format!("Transférée à {} : {why}", agent.email),
        (None, _) => format!("Transférée à {}", agent.email),
    };
    let (write, event) = match home {
        Some(organisation) => (
            Write::Organisation(crate::db::demandes::NewHome {
                organisation,
                applicant_id: agent.id,
                applicant_email: &agent.email,
            }),
            Event::MoveOrganisation,
        ),
        None => (
            Write::Applicant {
                id: agent.id,
                email: &agent.email,
            },
            Event::Transfer,
        ),
    };
    let change = Change {
        reason: Some(&noted),
        ..Change::of(
            Some(demande),
            write,
            Happened::Event(event),
            outcome,
            actor_of(user),
        )
    };
    match persist(conn, recorder, provider, &change, now())? {
        Ok(_) => Ok(agent),
        Err(Stale) => Err(AppError::Conflict(
            "La demande a changé entre-temps : rechargez la page.".to_string(),
        )),
    }
}
