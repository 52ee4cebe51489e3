//! The seeded demandes, one after the other from a fixed seed: who asks, which provider, what
//! state, when, and the answers a real form would hold.

use chrono::{Duration, NaiveDateTime};

use crate::catalog::Provider;
use crate::domain::demande::State;

use super::answers::{Context, fill};
use super::rng::Rng;

/// A word no generated text holds but the intitulé of three demandes (whatever their number),
/// for a search that matches almost nothing.
pub const RARE_WORD: &str = "zygomatique";

/// Words the synthetic intitulés are made of.
const PROJECTS: [&str; 12] = [
    "Tarification de la cantine scolaire",
    "Aides sociales facultatives du CCAS",
    "Place en crèche",
    "Activités périscolaires",
    "Carte de transport solidaire",
    "Stationnement résidentiel",
    "Marchés publics",
    "Subventions aux associations",
    "Bourses départementales",
    "Tarification de l'école de musique",
    "Aide au permis de conduire",
    "Portail famille",
];
pub const PLACES: [&str; 10] = [
    "Lyon", "Grenoble", "Rennes", "Lille", "Nantes", "Dijon", "Metz", "Nîmes", "Brest", "Tours",
];

/// (state, weight in percent).
const STATES: [(State, usize); 6] = [
    (State::Submitted, 40),
    (State::ChangesRequested, 15),
    (State::Validated, 25),
    (State::Refused, 10),
    (State::Archived, 5),
    (State::Draft, 5),
];

/// An organisation of the seed and the agent who applies for it.
#[derive(Debug, Clone)]
pub struct Org {
    pub id: i64,
    pub name: String,
    pub siret: String,
    pub domain: String,
    pub applicant_id: i64,
    pub applicant_email: String,
}

/// One demande to insert.
pub struct Row {
    pub provider: usize,
    pub template: Option<String>,
    pub org: usize,
    pub state: State,
    pub answers: String,
    pub scopes: String,
    pub intitule: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub last_submitted_at: Option<NaiveDateTime>,
}

pub struct Generator<'a> {
    providers: &'a [Provider],
    orgs: &'a [Org],
    rng: Rng,
    now: NaiveDateTime,
    rare: [usize; 3],
}

impl<'a> Generator<'a> {
    pub fn new(providers: &'a [Provider], orgs: &'a [Org], count: usize) -> Generator<'a> {
        Generator {
            providers,
            orgs,
            rng: Rng::new(0x2545_f491_4f6c_dd1d),
            now: super::super::now(),
            rare: [count / 4, count / 2, count * 3 / 4],
        }
    }

    fn state(&mut self) -> State {
        let mut roll = self.rng.below(100);
        for (state, weight) in STATES {
            if roll < weight {
                return state;
            }
            roll -= weight;
        }
        State::Submitted
    }

    /// The demande number `index` of the seed.
    pub fn row(&mut self, index: usize) -> anyhow::Result<Row> {
        let rng = &mut self.rng;
        let org = rng.below(self.orgs.len());
        let provider = rng.below(self.providers.len());
        let project = PROJECTS[rng.below(PROJECTS.len())];
        let place = PLACES[rng.below(PLACES.len())];
        let rare = self.rare.contains(&index);
        let intitule = if rare {
            format!("Prévention {RARE_WORD} des chutes des aînés – {place}")
        } else {
            format!("{project} – {place}")
        };
        // Created between two years and ten days ago: the thread that follows stays in the past.
        let created =
            self.now - Duration::days(10) - Duration::minutes(rng.below(720 * 24 * 60) as i64);
        let state = if rare { State::Submitted } else { self.state() };
        let rng = &mut self.rng;
        let submitted =
            (state != State::Draft).then(|| created + Duration::hours(rng.below(48) as i64 + 1));
        let updated = match (state, submitted) {
            (State::Draft, _) | (_, None) => created + Duration::hours(rng.below(72) as i64),
            (State::Submitted, Some(at)) => at,
            // Refused a day after submission, archived later.
            (State::Archived, Some(at)) => at + Duration::days(2 + rng.below(60) as i64),
            (_, Some(at)) => at + Duration::hours(2 + rng.below(20 * 24) as i64),
        }
        .min(self.now);
        let o = &self.orgs[org];
        let ctx = Context {
            intitule: &intitule,
            organisation: &o.name,
            siret: &o.siret,
            domain: &o.domain,
        };
        let p = &self.providers[provider];
        let (answers, scopes, template) = fill(p, &mut self.rng, &ctx);
        Ok(Row {
            provider,
            template: template.map(|t| p.templates[t].id.clone()),
            org,
            state,
            answers: serde_json::to_string(&answers)?,
            scopes: serde_json::to_string(&scopes)?,
            intitule,
            created_at: created,
            updated_at: updated,
            last_submitted_at: submitted,
        })
    }
}
