//! The demo's procedure in stages: the Mairie de Lyon's API R2P sandbox, validated with its
//! habilitation, and the production demande that follows it, in progress. Idempotent.

use anyhow::Context as _;
use chrono::{Duration, Months};

use crate::catalog::Catalog;
use crate::db::models::{NewDemande, NewEvent, NewHabilitation, Organisation, User};
use crate::db::{
    DbConnection, demandes, events, habilitations, organisations, users, write_transaction,
};
use crate::domain::demande::{Event, State, public_id};
use crate::domain::policy::Role;

use super::answers::{Context, fill};
use super::rng::Rng;
use super::{now, role_email};

const PROVIDER: &str = "api-r2p";
const APPLICANT: &str = "marie.dupont@mairie-lyon.fr";
const SIRET: &str = "21690123100011";

/// Writes the demo's staged demandes when the shipped API R2P is there and the town hall has
/// none of its demandes yet.
pub fn seed_procedure(conn: &mut DbConnection, catalog: &Catalog) -> anyhow::Result<()> {
    let Some(provider) = catalog.get(PROVIDER) else {
        return Ok(());
    };
    let (Some(sandbox), Some(production)) = (provider.staged(0), provider.staged(1)) else {
        return Ok(());
    };
    let Some(Ground {
        applicant: marie,
        organisation: org,
        instructor,
    }) = ground(conn, PROVIDER)?
    else {
        return Ok(());
    };
    let intitule = "Recouvrement des recettes – recherche d'adresse des redevables";
    let (answers, _, _) = fill(
        &sandbox,
        &mut Rng::new(2026),
        &Context {
            intitule,
            organisation: &org.name,
            siret: &org.siret,
            domain: "mairie-lyon.fr",
        },
    );
    let answers = serde_json::to_string(&answers)?;
    let today = now();
    let (created, submitted, approved) = (
        today - Duration::days(40),
        today - Duration::days(35),
        today - Duration::days(21),
    );
    let production_stage = production.stage.clone().context("étape de production")?;
    write_transaction(conn, |conn| -> anyhow::Result<()> {
        let row = |state: State, stage: &'static str, previous: Option<i64>, at| NewDemande {
            provider: PROVIDER,
            template: None,
            organisation_id: org.id,
            applicant_id: marie.id,
            state: state.as_str(),
            answers: &answers,
            scopes: "[]",
            intitule,
            organisation_name: &org.name,
            siret: &org.siret,
            applicant_email: &marie.email,
            lock_version: 0,
            created_at: at,
            updated_at: at,
            last_submitted_at: (state == State::Validated).then_some(submitted),
            stage: Some(stage),
            previous_id: previous,
        };
        let first = demandes::insert(conn, &row(State::Validated, "bac_a_sable", None, created))?;
        let event = |name: Event, from: Option<State>, to: State, actor, reason, at| {
            new_event(first.id, name, (from, to), actor, reason, at)
        };
        events::insert(
            conn,
            &event(Event::Create, None, State::Draft, marie.id, None, created),
        )?;
        events::insert(
            conn,
            &event(
                Event::Submit,
                Some(State::Draft),
                State::Submitted,
                marie.id,
                None,
                submitted,
            ),
        )?;
        events::insert(
            conn,
            &event(
                Event::Approve,
                Some(State::Submitted),
                State::Validated,
                instructor.id,
                Some("Bac à sable ouvert : bons développements."),
                approved,
            ),
        )?;
        habilitations::insert(
            conn,
            &NewHabilitation {
                demande_id: first.id,
                provider: PROVIDER,
                organisation_id: org.id,
                scopes: "[]",
                answers: &answers,
                state: "active",
                granted_at: approved,
                expires_at: approved + Months::new(sandbox.validity_months),
                rights: "",
            },
        )?;
        let started = today - Duration::days(3);
        let next = demandes::insert(
            conn,
            &row(State::Draft, "production", Some(first.id), started),
        )?;
        let follows = format!(
            "Étape « {} », suite de la demande {}",
            production_stage.name,
            public_id(first.id)
        );
        events::insert(
            conn,
            &NewEvent {
                demande_id: next.id,
                reason: Some(&follows),
                ..event(Event::Create, None, State::Draft, marie.id, None, started)
            },
        )?;
        let begun = format!(
            "Étape « {} » commencée : demande {}",
            production_stage.name,
            public_id(next.id)
        );
        events::insert(
            conn,
            &event(
                Event::AdvanceStage,
                Some(State::Validated),
                State::Validated,
                marie.id,
                Some(&begun),
                started,
            ),
        )?;
        Ok(())
    })
}

/// The demo's town hall, its applicant and the provider's instructor, when the provider's
/// demo demandes are still to be written (the town hall has none of its demandes yet).
pub(super) struct Ground {
    pub applicant: User,
    pub organisation: Organisation,
    pub instructor: User,
}

pub(super) fn ground(conn: &mut DbConnection, provider: &str) -> anyhow::Result<Option<Ground>> {
    let (Some(applicant), Some(organisation)) = (
        users::find_by_email(conn, APPLICANT)?,
        organisations::find_by_siret(conn, SIRET)?,
    ) else {
        return Ok(None);
    };
    if demandes::for_organisations(conn, &[organisation.id], 500)?
        .iter()
        .any(|d| d.provider == provider)
    {
        return Ok(None);
    }
    let instructor = users::find_by_email(conn, &role_email(provider, Role::Instructor))?
        .context("instructeur de démonstration absent")?;
    Ok(Some(Ground {
        applicant,
        organisation,
        instructor,
    }))
}

pub(super) fn new_event<'a>(
    demande_id: i64,
    name: Event,
    (from, to): (Option<State>, State),
    actor: i64,
    reason: Option<&'a str>,
    at: chrono::NaiveDateTime,
) -> NewEvent<'a> {
    NewEvent {
        demande_id,
        actor_id: Some(actor),
        name: name.as_str(),
        from_state: from.map(State::as_str),
        to_state: to.as_str(),
        reason,
        diff: None,
        created_at: at,
    }
}
