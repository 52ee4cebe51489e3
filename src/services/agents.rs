//! The rights API for one agent: which scopes, actions and filters an agent of an organisation
//! may use now, through which habilitation and which team (or as its applicant, or named).

use serde_json::{Value, json};

use crate::db::api::{self, Filters};
use crate::db::{demandes, organisations, teams, users};
use crate::domain::email::Email;
use crate::domain::rights::GrantRecord;
use crate::domain::teams::{Agent, Share, Through, reach};

use super::api::ApiRefusal;
use super::{App, now};

/// `GET /api/v1/agents/{email or sub}/rights?siret=`: the agent's rights from the provider's
/// active habilitations of that organisation. Whoever no such habilitation reaches (unknown,
/// outside the organisation or every share, gone) is a 404: the provider learns nothing of
/// people who are not its users.
pub async fn agent_rights(
    app: &App,
    provider: String,
    who: String,
    siret: Option<String>,
) -> Result<Value, ApiRefusal> {
    let siret = siret.ok_or_else(|| {
        ApiRefusal::BadRequest("siret : paramètre obligatoire (14 chiffres).".to_string())
    })?;
    let siret = super::api::siret_filter(&siret)?;
    let siret_text = siret.clone();
    // An address no account could have is an agent nobody is: not found.
    let email = match who.contains('@') {
        true => Some(Email::parse(&who).map_err(|_| ApiRefusal::NotFound)?),
        false => None,
    };
    let at = now();
    let catalog = app.catalog.clone();
    let found = app
        .db
        .run(move |conn| {
            let user = match &email {
                Some(email) => users::find_by_email(conn, email.as_str())?,
                None => users::find_by_subject(conn, &who)?,
            };
            let Some(user) = user else {
                return Ok::<_, anyhow::Error>(None);
            };
            let organisations: Vec<i64> = users::organisations_of(conn, user.id)?
                .iter()
                .map(|o| o.id)
                .collect();
            let agent = Agent {
                user_id: user.id,
                organisations,
                teams: teams::teams_of(conn, user.id)?,
            };
            let Some(org) = organisations::find_by_siret(conn, &siret)? else {
                return Ok(None);
            };
            let filters = Filters {
                siret: Some(siret.clone()),
                state: Some("active".to_string()),
                ..Filters::default()
            };
            let rows = api::habilitations(conn, &provider, &filters, at, 0, 1000)?;
            let ids: Vec<i64> = rows.iter().map(|(h, _)| h.id).collect();
            let shares = teams::shares_of(conn, &ids)?;
            let mut reached = Vec::new();
            for (h, _) in rows {
                let applicant = demandes::find(conn, h.demande_id)?.map(|d| d.applicant_id);
                let of_it: Vec<Share> = shares
                    .iter()
                    .filter(|s| s.habilitation_id == h.id)
                    .filter_map(|s| match (&s.team, &s.user) {
                        (Some((id, name)), _) => Some(Share::Team(*id, name.clone())),
                        (None, Some(u)) => Some(Share::Agent(u.id)),
                        (None, None) => None,
                    })
                    .collect();
                let ways = reach(&agent, org.id, applicant, &of_it);
                if !ways.is_empty() {
                    reached.push((h, ways));
                }
            }
            Ok(Some((user, reached)))
        })
        .await
        .map_err(ApiRefusal::Internal)?;
    let Some((user, reached)) = found.filter(|(_, reached)| !reached.is_empty()) else {
        return Err(ApiRefusal::NotFound);
    };
    let mut scopes: Vec<String> = Vec::new();
    let habilitations: Vec<Value> = reached
        .iter()
        .map(|(h, ways)| {
            let rights = catalog
                .get(&h.provider)
                .map(|p| GrantRecord::of(&p.form.rights, &super::rights::granted(p, h)));
            let granted: Vec<String> = serde_json::from_str(&h.scopes).unwrap_or_default();
            scopes.extend(granted.iter().cloned());
            json!({
                "public_id": h.public_id().to_string(),
                "demande_public_id": crate::domain::demande::public_id(h.demande_id),
                "scopes": granted,
                "rights": rights,
                "expires_at": h.expires_at.and_utc().to_rfc3339(),
                "through": ways.iter().map(through_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    scopes.sort();
    scopes.dedup();
    Ok(json!({
        "agent": { "email": user.email, "sub": user.oidc_sub },
        "siret": siret_text,
        "scopes": scopes,
        "habilitations": habilitations,
    }))
}

fn through_json(way: &Through) -> Value {
    match way {
        Through::Team(name) => json!({ "kind": way.kind(), "team": name }),
        _ => json!({ "kind": way.kind() }),
    }
}
