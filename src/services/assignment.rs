//! Actions on several demandes at once, from the dashboard: assigning them to an instructor of
//! their provider (who is emailed, once for the lot) and archiving them. Each demande is checked
//! on its own; the page then says what was done and, demande by demande, what was not and why.

use askama::Template;

use crate::db::models::{Demande, User};
use crate::db::{DbConnection, assignments, demandes, outbox, users, write_transaction};
use crate::domain::assignment::{self as rules, Assignee, Assigning, MAX_AT_ONCE};
use crate::domain::demande::{Event, State, public_id};
use crate::domain::policy::{self, Action, Actor};
use crate::error::AppError;

use super::accounts::CurrentUser;
use super::instruction::{Decision, decide};
use super::{App, audit, facts, now};

/// What an action on several demandes did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The demandes it was done to.
    pub done: Vec<i64>,
    /// The others, each with why, in French.
    pub refused: Vec<(i64, String)>,
    /// The assignee's name (an assignment), empty when it was taken off.
    pub assignee: String,
}

/// Only instructors (and admins) act on demandes from the dashboard.
fn may_act(app: &App, current: &CurrentUser) -> Result<(), AppError> {
    if instructed(app, current).is_empty() {
        return Err(AppError::ForbiddenBecause(
            "Seuls les instructeurs d'un fournisseur et les administrateurs agissent sur plusieurs demandes à la fois."
                .to_string(),
        ));
    }
    Ok(())
}

/// The ids chosen, each once, at most [`MAX_AT_ONCE`].
fn chosen(ids: &[i64]) -> Result<Vec<i64>, AppError> {
    let mut list = ids.to_vec();
    list.sort_unstable();
    list.dedup();
    if list.is_empty() {
        return Err(AppError::Unprocessable(
            "Cochez au moins une demande dans la liste.".to_string(),
        ));
    }
    if list.len() > MAX_AT_ONCE {
        return Err(AppError::Unprocessable(format!(
            "Choisissez au plus {MAX_AT_ONCE} demandes à la fois."
        )));
    }
    Ok(list)
}

/// The email to the new assignee, listing the demandes of the lot.
#[derive(Debug, Clone)]
pub struct AssignedMail {
    pub subject: String,
    pub by: String,
    /// (number, "provider · organisation · intitulé", link).
    pub demandes: Vec<(String, String, String)>,
    pub link: String,
    pub link_label: String,
    pub public_id: String,
    pub provider_name: String,
    pub organisation: String,
    pub unsubscribe: Option<String>,
}

#[derive(Template)]
#[template(path = "mail/assigned.txt")]
struct Text<'a> {
    m: &'a AssignedMail,
}

#[derive(Template)]
#[template(path = "mail/assigned.html")]
struct Html<'a> {
    m: &'a AssignedMail,
}

/// The providers whose demandes the person may assign and archive: those they instruct (every
/// one for an admin).
pub fn instructed(app: &App, current: &CurrentUser) -> Vec<String> {
    if current.actor.is_admin {
        return app.catalog.all().iter().map(|p| p.slug.clone()).collect();
    }
    let mut slugs: Vec<String> = current
        .actor
        .roles
        .iter()
        .filter(|(_, r)| r.includes(policy::Role::Instructor))
        .map(|(p, _)| p.clone())
        .collect();
    slugs.sort();
    slugs.dedup();
    slugs
}

/// (id, "Name (address)") of the people the person may assign demandes to: the instructors of
/// the providers they instruct, usable accounts only. Read at each page (never kept with a
/// dashboard): a role just granted shows at once.
pub async fn candidates(app: &App, current: &CurrentUser) -> Result<Vec<(i64, String)>, AppError> {
    let providers = instructed(app, current);
    if providers.is_empty() {
        return Ok(vec![]);
    }
    app.db
        .run(move |conn| {
            Ok(assignments::candidates(conn, &providers)?
                .into_iter()
                .map(|u| (u.id, format!("{} ({})", u.full_name().trim(), u.email)))
                .collect())
        })
        .await
}

/// For a demande's instruction page: the name of whom it is assigned to (empty: nobody), and
/// whom the reader may assign it to (empty unless they may, in its state).
pub async fn on_page(
    app: &App,
    current: &CurrentUser,
    demande: &Demande,
) -> Result<(String, Vec<(i64, String)>), AppError> {
    let state = State::parse(&demande.state).unwrap_or(State::Archived);
    let may = rules::ASSIGNABLE.contains(&state)
        && (current.actor.is_admin
            || policy::can(&current.actor, Action::Instruct, &facts(demande)));
    let candidates = match may {
        true => {
            let (provider, organisation, applicant) = (
                demande.provider.clone(),
                demande.organisation_id,
                demande.applicant_id,
            );
            app.db
                .run(move |conn| {
                    Ok::<_, AppError>(
                        assignments::candidates_for(conn, &provider, organisation)?
                            .into_iter()
                            .filter(|u| u.id != applicant)
                            .map(|u| (u.id, format!("{} ({})", u.full_name().trim(), u.email)))
                            .collect(),
                    )
                })
                .await?
        }
        false => vec![],
    };
    let name = match demande.assigned_to {
        None => String::new(),
        Some(id) => app
            .db
            .run(move |conn| Ok::<_, AppError>(assignments::names(conn, &[id])?))
            .await?
            .into_iter()
            .next()
            .map(|(_, n)| n)
            .unwrap_or_default(),
    };
    Ok((name, candidates))
}

/// The person as an [`Actor`], for the policy's question "do they instruct this demande?".
fn actor_of(conn: &mut DbConnection, person: &User) -> Result<Actor, AppError> {
    Ok(Actor {
        user_id: person.id,
        is_admin: person.is_admin,
        organisations: users::organisations_of(conn, person.id)?
            .iter()
            .map(|o| o.id)
            .collect(),
        roles: users::roles_of(conn, person.id)?,
    })
}

/// Assigns the demandes `ids` to the person `to` (a user id), or with `None` takes their
/// assignment off. Done where the rules allow it, in one transaction with its audit rows and
/// the email to the assignee.
pub async fn assign(
    app: &App,
    current: &CurrentUser,
    ids: &[i64],
    to: Option<i64>,
) -> Result<Outcome, AppError> {
    may_act(app, current)?;
    let ids = chosen(ids)?;
    let (me, actor) = (current.user.clone(), current.actor.clone());
    let (key, links) = (app.settings.audit_key.clone(), app.links.clone());
    let provider_names: std::collections::HashMap<String, String> = app
        .catalog
        .all()
        .iter()
        .map(|p| (p.slug.clone(), p.name.clone()))
        .collect();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let assignee = match to {
                    None => None,
                    // Unknown or blocked: answered like someone who does not instruct the
                    // provider, so the answer tells nothing of which accounts exist.
                    Some(id) => match users::find(conn, id)? {
                        Some(person) if assignments::usable(conn, id)? => {
                            let as_actor = actor_of(conn, &person)?;
                            Some((person, as_actor))
                        }
                        _ => {
                            let nobody = crate::db::models::User {
                                id,
                                email: String::new(),
                                given_name: String::new(),
                                family_name: String::new(),
                                is_admin: false,
                                created_at: now(),
                                oidc_sub: None,
                            };
                            Some((nobody, Actor::default()))
                        }
                    },
                };
                let mut outcome = Outcome {
                    assignee: assignee
                        .as_ref()
                        .map(|(p, _)| p.full_name().trim().to_string())
                        .unwrap_or_default(),
                    ..Outcome::default()
                };
                let mut assigned: Vec<Demande> = Vec::new();
                for id in ids {
                    crate::db::lock_demande(conn, id)?;
                    let Some(demande) = demandes::find(conn, id)?
                        .filter(|d| policy::can(&actor, Action::ViewInInstruction, &facts(d)))
                    else {
                        outcome
                            .refused
                            .push((id, "Demande introuvable.".to_string()));
                        continue;
                    };
                    let facts = facts(&demande);
                    let demande_rules = Assigning {
                        assigner_instructs: actor.is_admin
                            || policy::can(&actor, Action::Instruct, &facts),
                        state: State::parse(&demande.state).unwrap_or(State::Archived),
                        current: demande.assigned_to,
                    };
                    let person = assignee.as_ref().map(|(p, a)| Assignee {
                        id: p.id,
                        instructs: policy::can(a, Action::Instruct, &facts),
                    });
                    // An instructor of the applicant's own organisation is told why not.
                    if !actor.is_admin && policy::instructs_own_organisation(&actor, &facts) {
                        outcome
                            .refused
                            .push((id, policy::OWN_ORGANISATION.to_string()));
                        continue;
                    }
                    match rules::assign(demande_rules, person) {
                        Err(e) => outcome.refused.push((id, e.to_string())),
                        Ok(_) => {
                            let states: Vec<&str> =
                                rules::ASSIGNABLE.iter().map(|s| s.as_str()).collect();
                            if !assignments::set(conn, id, to, &states)? {
                                outcome.refused.push((
                                    id,
                                    "La demande a changé entre-temps : rechargez la liste."
                                        .to_string(),
                                ));
                                continue;
                            }
                            audit::record(
                                conn,
                                &key,
                                &me.email,
                                "demande.assign",
                                &format!("demande:{}", public_id(id)),
                                demande.assigned_to.map(|u| format!("user:{u}")).as_deref(),
                                to.map(|u| format!("user:{u}")).as_deref(),
                            )?;
                            outcome.done.push(id);
                            assigned.push(demande);
                        }
                    }
                }
                if let Some((person, _)) = assignee
                    .as_ref()
                    .filter(|(p, _)| rules::tell(me.id, p.id) && !assigned.is_empty())
                {
                    let lines = assigned
                        .iter()
                        .map(|d| {
                            let provider = provider_names.get(&d.provider).unwrap_or(&d.provider);
                            let title = if d.intitule.is_empty() {
                                "(sans titre)"
                            } else {
                                &d.intitule
                            };
                            (
                                public_id(d.id),
                                format!("{provider} · {} · {title}", d.organisation_name),
                                links.to(&format!("/instruction/demandes/{}", d.id)),
                            )
                        })
                        .collect();
                    let subject = match assigned.as_slice() {
                        [one] => format!(
                            "[habilis] La demande {} vous est assignée",
                            public_id(one.id)
                        ),
                        many => format!("[habilis] {} demandes vous sont assignées", many.len()),
                    };
                    let m = AssignedMail {
                        subject,
                        by: format!("{} ({})", me.full_name().trim(), me.email),
                        demandes: lines,
                        link: links.to("/instruction?assignation=moi"),
                        link_label: "Voir les demandes qui vous sont assignées".to_string(),
                        public_id: String::new(),
                        provider_name: String::new(),
                        organisation: String::new(),
                        unsubscribe: None,
                    };
                    let text = Text { m: &m }.render().map_err(anyhow::Error::from)?;
                    let html = Html { m: &m }.render().map_err(anyhow::Error::from)?;
                    outbox::insert_email(
                        conn,
                        "assigned",
                        &person.email,
                        &m.subject,
                        (&text, &html),
                        now(),
                    )?;
                }
                Ok(outcome)
            })
        })
        .await
}

/// Archives the demandes `ids`, each as the "Archiver" button of its page would (same rules,
/// same emails and webhooks), and says which could not be.
pub async fn archive(app: &App, current: &CurrentUser, ids: &[i64]) -> Result<Outcome, AppError> {
    may_act(app, current)?;
    let mut outcome = Outcome::default();
    for id in chosen(ids)? {
        match decide(app, current, id, Event::Archive, Decision::default()).await {
            Ok(()) => outcome.done.push(id),
            Err(e) => outcome.refused.push((id, refusal(e)?)),
        }
    }
    Ok(outcome)
}

/// Why one demande of the lot was not archived, in French; an internal error stops the lot.
fn refusal(e: AppError) -> Result<String, AppError> {
    Ok(match e {
        AppError::NotFound => "Demande introuvable.".to_string(),
        AppError::Forbidden => {
            "Seuls les instructeurs de ce fournisseur peuvent l'archiver.".to_string()
        }
        AppError::ForbiddenBecause(m)
        | AppError::Conflict(m)
        | AppError::AlreadyProcessed(m)
        | AppError::Unprocessable(m) => m,
        other => return Err(other),
    })
}
