//! The demo's finer rights and teams: the Mairie de Lyon's biodiversity habilitation, asked
//! with actions, filters and a level and granted narrowed, shared with its "Service
//! environnement" team (Marie manages it, Paul is in it). Idempotent.

use chrono::Duration;

use crate::catalog::Catalog;
use crate::db::models::{NewDemande, NewEvent, NewHabilitation};
use crate::db::{DbConnection, demandes, events, habilitations, teams, users, write_transaction};
use crate::domain::demande::{Event, State};
use crate::domain::form::{LEVEL_KEY, SCOPES_KEY, Value, actions_key, bound_keys, filter_key};

use super::answers::{Context, fill};
use super::now;
use super::procedure::{Ground, ground, new_event};
use super::rng::Rng;

const PROVIDER: &str = "biodiversite";
const COLLEAGUE: &str = "paul.martin@mairie-lyon.fr";
const TEAM: &str = "Service environnement";

/// Writes the demo's biodiversity habilitation and team when the shipped provider is there
/// and the town hall has none of its demandes yet.
pub fn seed_sharing(conn: &mut DbConnection, catalog: &Catalog) -> anyhow::Result<()> {
    let Some(provider) = catalog.get(PROVIDER) else {
        return Ok(());
    };
    let (
        Some(Ground {
            applicant: marie,
            organisation: org,
            instructor,
        }),
        Some(paul),
    ) = (
        ground(conn, PROVIDER)?,
        users::find_by_email(conn, COLLEAGUE)?,
    )
    else {
        return Ok(());
    };
    let intitule = "Atlas de la biodiversité communale";
    let (mut answers, _, _) = fill(
        provider,
        &mut Rng::new(2027),
        &Context {
            intitule,
            organisation: &org.name,
            siret: &org.siret,
            domain: "mairie-lyon.fr",
        },
    );
    // Asked: the synthesis, to read and export, birds and mammals of the Rhône since 2015, at
    // the exact location.
    answers.retain(|k, _| !k.starts_with("droits."));
    let [from, to] = bound_keys("synthese", "periode");
    for (key, value) in [
        (SCOPES_KEY.to_string(), Value::Many(vec!["synthese".into()])),
        (
            actions_key("synthese"),
            Value::Many(vec!["read".into(), "export".into()]),
        ),
        (
            filter_key("synthese", "territoire"),
            Value::One("69".into()),
        ),
        (
            filter_key("synthese", "taxons"),
            Value::Many(vec!["oiseaux".into(), "mammiferes".into()]),
        ),
        (from, Value::One("2015-01-01".into())),
        (to, Value::One("2026-12-31".into())),
        (LEVEL_KEY.to_string(), Value::One("confidentiel".into())),
    ] {
        answers.insert(key, value);
    }
    let answers = serde_json::to_string(&answers)?;
    let scopes = serde_json::to_string(&["synthese"])?;
    // Granted: reading only, at the 1 km mesh.
    let narrowed: Vec<(String, String)> = [
        ("droits.synthese.actions", "read"),
        ("droits.synthese.territoire", "69"),
        ("droits.synthese.taxons", "oiseaux"),
        ("droits.synthese.taxons", "mammiferes"),
        ("droits.synthese.periode.de", "2015-01-01"),
        ("droits.synthese.periode.a", "2026-12-31"),
        ("droits.niveau", "restreint"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let months = provider.validity_months;
    let (grant, lines) = crate::services::rights::to_grant(
        provider,
        &answers,
        &["synthese".to_string()],
        months,
        Some(&narrowed),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let rights = crate::services::rights::kept(provider, &grant);
    let note = serde_json::to_string(&lines)?;
    let today = now();
    let (created, submitted, approved) = (
        today - Duration::days(30),
        today - Duration::days(28),
        today - Duration::days(14),
    );
    write_transaction(conn, |conn| -> anyhow::Result<()> {
        let demande = demandes::insert(
            conn,
            &NewDemande {
                provider: PROVIDER,
                template: None,
                organisation_id: org.id,
                applicant_id: marie.id,
                state: State::Validated.as_str(),
                answers: &answers,
                scopes: &scopes,
                intitule,
                organisation_name: &org.name,
                siret: &org.siret,
                applicant_email: &marie.email,
                lock_version: 0,
                created_at: created,
                updated_at: approved,
                last_submitted_at: Some(submitted),
                stage: None,
                previous_id: None,
            },
        )?;
        let event =
            |name, from, to, actor, at| new_event(demande.id, name, (from, to), actor, None, at);
        events::insert(
            conn,
            &event(Event::Create, None, State::Draft, marie.id, created),
        )?;
        events::insert(
            conn,
            &event(
                Event::Submit,
                Some(State::Draft),
                State::Submitted,
                marie.id,
                submitted,
            ),
        )?;
        events::insert(
            conn,
            &NewEvent {
                diff: Some(&note),
                ..event(
                    Event::Approve,
                    Some(State::Submitted),
                    State::Validated,
                    instructor.id,
                    approved,
                )
            },
        )?;
        let habilitation = habilitations::insert(
            conn,
            &NewHabilitation {
                demande_id: demande.id,
                provider: PROVIDER,
                organisation_id: org.id,
                scopes: &scopes,
                answers: &answers,
                state: "active",
                granted_at: approved,
                expires_at: approved + chrono::Months::new(months),
                rights: &rights,
            },
        )?;
        let team = match teams::named(conn, org.id, TEAM)? {
            Some(team) => team,
            None => teams::create(conn, org.id, TEAM, marie.id, created)?,
        };
        teams::set_member(conn, team.id, paul.id, false, created)?;
        teams::share(conn, habilitation.id, Some(team.id), None, approved)?;
        Ok(())
    })
}
