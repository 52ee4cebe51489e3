//! Drafts prepared by instructors: an instructor of a provider starts a demande for an
//! organisation known by its SIRET (from one of the provider's templates, with an intitulé and
//! a note) and invites one of its agents by email to the demande's page; there, any agent of
//! that organisation claims it and continues as its applicant. The timeline says who prepared
//! it and who claimed it.

use askama::Template;

use crate::db::models::{Demande, DraftOf, NewDemande};
use crate::db::prepared_drafts::{self as db, NewPrepared};
use crate::db::{organisations, outbox, users, write_transaction};
use crate::domain::demande::{ActorKind, Ctx, Event, State, public_id, transition};
use crate::domain::email::Email;
use crate::domain::form::{SCOPES_KEY, Value};
use crate::domain::policy::Role;
use crate::domain::prepared::{self as rules, ClaimError, PrepareError};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::demandes::actor_of;
use super::persist::{Change, Happened, Recorder, Stale, Write, persist};
use super::{App, audit, now};

/// What the instructor fills in.
#[derive(Debug, Clone, Copy)]
pub struct Preparation<'a> {
    pub provider: &'a str,
    pub template: &'a str,
    pub siret: &'a str,
    pub email: &'a str,
    pub intitule: &'a str,
    pub note: &'a str,
}

/// The invitation the agent receives.
#[derive(Debug, Clone)]
pub struct InvitationMail {
    pub subject: String,
    pub by: String,
    pub organisation: String,
    pub provider_name: String,
    pub intitule: String,
    pub note: String,
    pub link: String,
    pub link_label: String,
    pub public_id: String,
    pub unsubscribe: Option<String>,
}

#[derive(Template)]
#[template(path = "mail/prepared.txt")]
struct Text<'a> {
    m: &'a InvitationMail,
}

#[derive(Template)]
#[template(path = "mail/prepared.html")]
struct Html<'a> {
    m: &'a InvitationMail,
}

fn refused(e: PrepareError) -> AppError {
    match e {
        PrepareError::NotInstructor => AppError::ForbiddenBecause(e.to_string()),
        other => AppError::Unprocessable(other.to_string()),
    }
}

/// The providers the person may prepare drafts of: those they instruct.
pub fn preparable(current: &CurrentUser) -> Vec<String> {
    let mut slugs: Vec<String> = current
        .actor
        .roles
        .iter()
        .filter(|(_, r)| r.includes(Role::Instructor))
        .map(|(p, _)| p.clone())
        .collect();
    slugs.sort();
    slugs.dedup();
    slugs
}

/// Prepares the draft and queues the invitation, in one transaction; returns the demande's id.
pub async fn prepare(
    app: &App,
    current: &CurrentUser,
    p: Preparation<'_>,
) -> Result<i64, AppError> {
    let instructs = preparable(current).iter().any(|s| s == p.provider);
    if preparable(current).is_empty() {
        return Err(refused(PrepareError::NotInstructor));
    }
    let provider = app.provider(p.provider).map_err(|_| {
        AppError::Unprocessable("Choisissez le fournisseur de données de la demande.".to_string())
    })?;
    let stage = provider.first_stage().map(str::to_string);
    let template = match p.template.trim() {
        "" => None,
        id => Some(provider.template(id).ok_or_else(|| {
            AppError::Unprocessable(format!(
                "Le modèle « {} » n'existe pas pour {}.",
                id.chars().take(60).collect::<String>(),
                provider.name
            ))
        })?),
    };
    let provider = app
        .catalog
        .view(
            p.provider,
            stage.as_deref(),
            template.map(|t| t.id.as_str()),
        )
        .ok_or(AppError::NotFound)?
        .clone();
    let siret = crate::domain::siret::Siret::parse(p.siret)
        .map_err(|e| AppError::Unprocessable(e.to_string()))?;
    let email = Email::parse(p.email).map_err(|e| AppError::Unprocessable(e.to_string()))?;
    let intitule: String = p.intitule.trim().chars().take(200).collect();
    let mut answers = template.map(|t| t.values.clone()).unwrap_or_default();
    if !intitule.is_empty() {
        answers.insert("intitule".to_string(), Value::One(intitule.clone()));
    }
    let scopes = crate::domain::form::chosen_scopes(&provider.form, &answers);
    if !scopes.is_empty() {
        answers.insert(SCOPES_KEY.to_string(), Value::Many(scopes.clone()));
    }
    let answers = serde_json::to_string(&answers).map_err(anyhow::Error::from)?;
    let scopes = serde_json::to_string(&scopes).map_err(anyhow::Error::from)?;
    let template_id = template.map(|t| t.id.clone());
    let outcome = transition(None, Event::Create, &Ctx::new(ActorKind::Applicant))?;
    let (user, actor, recorder) = (
        current.user.clone(),
        current.actor.clone(),
        Recorder::of(app),
    );
    let note = p.note.to_string();
    app.db
        .run(move |conn| {
            let organisation = organisations::find_by_siret(conn, siret.as_str())?.ok_or_else(|| {
                AppError::Unprocessable(format!(
                    "Aucune organisation de SIRET {} n'est connue de habilis : invitez un de ses agents à s'y connecter une première fois.",
                    siret.as_str()
                ))
            })?;
            let note = rules::prepare(instructs, actor.belongs_to(organisation.id), &note)
                .map_err(refused)?;
            let at = now();
            let by = format!("{} ({})", user.full_name().trim(), user.email);
            let noted = format!(
                "Préparée par {by}, instructeur de {}, pour {} ; {} est invité à la reprendre.",
                provider.name, organisation.name, email
            );
            let change = Change {
                reason: Some(&noted),
                ..Change::of(
                    None,
                    Write::Insert(NewDemande {
                        state: outcome.to.as_str(),
                        ..NewDemande::draft(
                            DraftOf {
                                provider: &provider.slug,
                                stage: stage.as_deref(),
                                template: template_id.as_deref(),
                                answers: (&answers, &scopes),
                                intitule: &intitule,
                            },
                            &organisation,
                            &user,
                            at,
                        )
                    }),
                    Happened::Event(Event::Create),
                    &outcome,
                    actor_of(&user),
                )
            };
            write_transaction(conn, |conn| {
                // The same form sent twice (a double click) prepares one draft: looked for
                // under a lock, so two at the same instant take turns.
                let twin = db::Twin {
                    by: user.id,
                    organisation_id: organisation.id,
                    provider: &provider.slug,
                    template: template_id.as_deref(),
                    intitule: &intitule,
                    invited: email.as_str(),
                };
                crate::db::lock_named(conn, &format!("prepare:{}:{}", user.id, organisation.id))?;
                if let Some(id) =
                    db::recent_twin(conn, &twin, at - chrono::Duration::minutes(10))?
                {
                    return Ok(id);
                }
                let demande = persist(conn, &recorder, &provider, &change, at)?.map_err(|Stale| {
                    AppError::Conflict("La demande n'a pas pu être créée.".to_string())
                })?;
                db::insert(
                    conn,
                    &NewPrepared {
                        demande_id: demande.id,
                        prepared_by: user.id,
                        invited_email: email.as_str(),
                        note: &note,
                    },
                    at,
                )?;
                audit::record(
                    conn,
                    &recorder.audit_key,
                    &user.email,
                    "demande.prepare",
                    &format!("demande:{}", public_id(demande.id)),
                    None,
                    Some(&format!("{} ; {}", organisation.siret, email)),
                )?;
                let m = InvitationMail {
                    subject: format!(
                        "[habilis] Une demande {} est préparée pour {}",
                        provider.name, organisation.name
                    ),
                    by: by.clone(),
                    organisation: organisation.name.clone(),
                    provider_name: provider.name.clone(),
                    intitule: intitule.clone(),
                    note: note.clone(),
                    link: recorder.links.to(&format!("/demandes/{}", demande.id)),
                    link_label: "Ouvrir la demande sur habilis".to_string(),
                    public_id: public_id(demande.id),
                    unsubscribe: None,
                };
                let text = Text { m: &m }.render().map_err(anyhow::Error::from)?;
                let html = Html { m: &m }.render().map_err(anyhow::Error::from)?;
                outbox::insert_email(
                    conn,
                    "prepared",
                    email.as_str(),
                    &m.subject,
                    (&text, &html),
                    at,
                )?;
                Ok(demande.id)
            })
        })
        .await
}

/// What the demande's page says of a prepared draft not claimed yet.
#[derive(Debug, Clone)]
pub struct Offered {
    /// "Name (address)" of the instructor who prepared it.
    pub by: String,
    pub invited: String,
    pub note: String,
    /// The reader may claim it (an agent of its organisation).
    pub claimable: bool,
}

/// For the demande's page: the prepared draft waiting to be claimed, if it is one.
pub async fn offered(
    app: &App,
    current: &CurrentUser,
    demande: &Demande,
) -> Result<Option<Offered>, AppError> {
    if State::parse(&demande.state) != Some(State::Draft) {
        return Ok(None);
    }
    let (id, member) = (
        demande.id,
        current.actor.belongs_to(demande.organisation_id),
    );
    app.db
        .run(move |conn| {
            let Some(p) = db::for_demande(conn, id)?.filter(|p| p.claimed_at.is_none()) else {
                return Ok(None);
            };
            let by = users::find(conn, p.prepared_by)?
                .map(|u| format!("{} ({})", u.full_name().trim(), u.email))
                .unwrap_or_default();
            Ok(Some(Offered {
                by,
                invited: p.invited_email,
                note: p.note,
                claimable: member,
            }))
        })
        .await
}

/// The drafts the person prepared, newest first: the row, and (organisation, intitulé, state).
pub async fn mine(app: &App, current: &CurrentUser) -> Result<Vec<db::Listed>, AppError> {
    let user = current.user.id;
    app.db
        .run(move |conn| Ok::<_, AppError>(db::by_instructor(conn, user, 100)?))
        .await
}

/// The agent claims the prepared draft `id`: they become its applicant.
pub async fn claim(app: &App, current: &CurrentUser, id: i64) -> Result<(), AppError> {
    let (user, member_of) = (current.user.clone(), current.actor.clone());
    let recorder = Recorder::of(app);
    let catalog_view = |d: &Demande| app.provider_of(d).cloned();
    let demande = app
        .db
        .run(move |conn| Ok::<_, AppError>(crate::db::demandes::find(conn, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    // Strangers learn nothing of a draft: not found, as for any demande not theirs.
    if !member_of.belongs_to(demande.organisation_id) && demande.applicant_id != user.id {
        return Err(AppError::NotFound);
    }
    let provider = catalog_view(&demande)?;
    let state = State::parse(&demande.state).unwrap_or(State::Archived);
    let outcome = transition(
        Some(state),
        Event::Transfer,
        &Ctx::new(ActorKind::Applicant),
    )
    .map_err(|e| AppError::Unprocessable(e.to_string()))?;
    let member = member_of.belongs_to(demande.organisation_id);
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                crate::db::lock_demande(conn, demande.id)?;
                let prepared = db::for_demande(conn, demande.id)?.ok_or(AppError::NotFound)?;
                // The second click of a double click: done already, by this agent.
                if prepared.claimed_by == Some(user.id) {
                    return Ok(());
                }
                rules::claim(
                    member,
                    prepared.claimed_at.is_some(),
                    &demande.organisation_name,
                )
                .map_err(|e| match e {
                    ClaimError::NotMember(_) => AppError::ForbiddenBecause(e.to_string()),
                    ClaimError::Claimed => AppError::Unprocessable(e.to_string()),
                })?;
                if !db::mark_claimed(conn, prepared.id, user.id, now())? {
                    return Err(AppError::Unprocessable(ClaimError::Claimed.to_string()));
                }
                let by = users::find(conn, prepared.prepared_by)?
                    .map(|u| format!("{} ({})", u.full_name().trim(), u.email))
                    .unwrap_or_default();
                let noted = format!(
                    "Demande préparée par {by}, reprise par {} ({})",
                    user.full_name().trim(),
                    user.email
                );
                let change = Change {
                    reason: Some(&noted),
                    ..Change::of(
                        Some(&demande),
                        Write::Applicant {
                            id: user.id,
                            email: &user.email,
                        },
                        Happened::Event(Event::Transfer),
                        &outcome,
                        actor_of(&user),
                    )
                };
                persist(conn, &recorder, &provider, &change, now())?.map_err(|Stale| {
                    AppError::Conflict(
                        "La demande a changé entre-temps : rechargez la page.".to_string(),
                    )
                })?;
                Ok(())
            })
        })
        .await
}
