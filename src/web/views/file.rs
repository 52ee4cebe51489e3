//! A demande's file as templates show it: its row in a list, its timeline, habilitations,
//! changes since the last submission and messages.

use chrono::NaiveDateTime;

use crate::catalog::Provider;
use crate::db::dashboard::ListRow;
use crate::db::events::TimelineRow;
use crate::db::models::{Demande, Habilitation};
use crate::domain::demande::{Event, State, public_id};
use crate::domain::form::{CONTACT_PARTS, FieldKind, Value};

use super::form::scope_label;
use super::format_date;
use super::format_datetime;

/// What every page about one demande shows at its top.
#[derive(Debug, Clone)]
pub struct DemandeHead {
    pub id: i64,
    pub public_id: String,
    pub provider_name: String,
    pub intitule: String,
    pub organisation: String,
    pub siret: String,
    pub state: &'static str,
    pub state_label: &'static str,
}

impl DemandeHead {
    pub fn new(d: &Demande, state: State, provider_name: String) -> DemandeHead {
        DemandeHead {
            id: d.id,
            public_id: public_id(d.id),
            provider_name,
            intitule: d.intitule.clone(),
            organisation: d.organisation_name.clone(),
            siret: super::format_siret(&d.siret),
            state: state.as_str(),
            state_label: state.label(),
        }
    }
}

/// A row in a list of demandes.
#[derive(Debug, Clone)]
pub struct DemandeRow {
    pub id: i64,
    pub public_id: String,
    pub provider_name: String,
    pub intitule: String,
    pub organisation: String,
    pub siret: String,
    pub applicant: String,
    pub state: &'static str,
    pub state_label: &'static str,
    pub submitted: String,
    pub updated: String,
    /// Messages from the other side not read yet.
    pub unread: bool,
    /// The name of the instructor it is assigned to (instruction lists), or empty.
    pub assignee: String,
}

impl DemandeRow {
    pub fn new(d: &ListRow, provider_name: &str) -> DemandeRow {
        let state = State::parse(&d.state);
        DemandeRow {
            id: d.id,
            public_id: public_id(d.id),
            provider_name: provider_name.to_string(),
            intitule: if d.intitule.is_empty() {
                "(sans titre)".to_string()
            } else {
                d.intitule.clone()
            },
            organisation: d.organisation_name.clone(),
            siret: super::format_siret(&d.siret),
            applicant: d.applicant_email.clone(),
            state: state.map_or("unknown", State::as_str),
            state_label: state.map_or("inconnu", State::label),
            submitted: d
                .last_submitted_at
                .as_ref()
                .map(format_datetime)
                .unwrap_or_else(|| "—".to_string()),
            updated: format_datetime(&d.updated_at),
            unread: false,
            assignee: String::new(),
        }
    }
}

/// One line of the timeline.
#[derive(Debug, Clone)]
pub struct EventView {
    pub label: String,
    pub when: String,
    pub who: String,
    pub change: Option<String>,
    pub reason: Option<String>,
    pub fields_changed: usize,
    /// Draft saves merged into this line (0 for other events).
    pub saves: usize,
    /// At an approval, what was granted less than asked.
    pub narrowed: Vec<String>,
}

/// The history as people read it: newest first, and the draft saves one person made in a row
/// as one line (how many saves, how many answers changed), not one line per click.
pub fn timeline(events: &[TimelineRow]) -> Vec<EventView> {
    timeline_with(events, Vec::new())
}

/// The same, with lines of the instruction side's own (opinions) placed by their time.
pub fn timeline_with(
    events: &[TimelineRow],
    mut extra: Vec<(NaiveDateTime, EventView)>,
) -> Vec<EventView> {
    let mut lines: Vec<(Option<i64>, NaiveDateTime, EventView)> = Vec::new();
    for (e, actor) in events {
        let view = event_view(e, actor.as_ref());
        let is_save = e.name == Event::Update.as_str();
        match lines.last_mut() {
            Some((last_actor, at, last))
                if is_save && last.saves > 0 && *last_actor == e.actor_id =>
            {
                last.saves += 1;
                last.fields_changed += view.fields_changed;
                last.when = view.when;
                *at = e.created_at;
                last.label = format!("{} ({} enregistrements)", Event::Update.label(), last.saves);
            }
            _ => lines.push((e.actor_id, e.created_at, view)),
        }
    }
    extra.sort_by_key(|(at, _)| *at);
    for (at, view) in extra {
        let place = lines.partition_point(|(_, t, _)| *t <= at);
        lines.insert(place, (None, at, view));
    }
    lines.into_iter().rev().map(|(_, _, view)| view).collect()
}

fn event_view(
    e: &crate::db::models::EventRow,
    actor: Option<&(String, String, String)>,
) -> EventView {
    let label = match Event::parse(&e.name) {
        Some(ev) => ev.label().to_string(),
        None if e.name.starts_with("reminder") => "Rappel envoyé par courriel".to_string(),
        None => e.name.clone(),
    };
    let change = match (
        e.from_state.as_deref().and_then(State::parse),
        State::parse(&e.to_state),
    ) {
        (Some(from), Some(to)) if from != to => Some(format!("{} → {}", from.label(), to.label())),
        _ => None,
    };
    // An approval's event keeps what it granted less than asked; others, the answers changed.
    let approval = e.name == Event::Approve.as_str();
    let narrowed: Vec<String> = e
        .diff
        .as_deref()
        .filter(|_| approval)
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_default();
    let fields_changed = e
        .diff
        .as_deref()
        .filter(|_| !approval)
        .and_then(|d| serde_json::from_str::<Vec<serde_json::Value>>(d).ok())
        .map_or(0, |v| v.len());
    EventView {
        label,
        when: format_datetime(&e.created_at),
        who: actor.map_or("habilis".to_string(), |(g, f, m)| format!("{g} {f} ({m})")),
        change,
        reason: e.reason.clone(),
        fields_changed,
        narrowed,
        saves: usize::from(e.name == Event::Update.as_str()),
    }
}

/// The latest reason given by an instructor (changes requested, refusal).
pub fn latest_reason(events: &[TimelineRow]) -> Option<String> {
    events
        .iter()
        .rev()
        .filter(|(e, _)| {
            // Not the portal's reason for archiving it, once restored.
            e.name == Event::RequestChanges.as_str() || e.name == Event::Refuse.as_str()
        })
        .find(|(e, _)| e.reason.is_some())
        .and_then(|(e, _)| e.reason.clone())
}

#[derive(Debug, Clone)]
pub struct HabilitationView {
    pub public_id: String,
    /// The provider's token for it, when its system answered the webhook with one.
    pub token: Option<String>,
    pub state: String,
    pub scopes: Vec<String>,
    pub granted: String,
    pub expires: String,
    /// (what, granted) of its actions, filters and level, for a provider that declares them.
    pub rights: Vec<(String, String)>,
}

pub fn habilitation_view(provider: &Provider, h: &Habilitation) -> HabilitationView {
    let ids: Vec<String> = serde_json::from_str(&h.scopes).unwrap_or_default();
    HabilitationView {
        public_id: h.public_id().to_string(),
        token: h.token_id.clone(),
        state: h.standing_at(crate::services::now()).label().to_string(),
        scopes: ids.iter().map(|id| scope_label(provider, id)).collect(),
        granted: format_date(&h.granted_at),
        expires: format_date(&h.expires_at),
        rights: if provider.form.rights.is_empty() {
            vec![]
        } else {
            let grant = crate::services::rights::granted(provider, h);
            super::rights::grant_rows(provider, &grant)
                .into_iter()
                .map(|(_, label, value)| (label, value))
                .collect()
        },
    }
}

/// One answer that changed since the previous submission.
#[derive(Debug, Clone)]
pub struct ChangeView {
    pub label: String,
    pub before: String,
    pub after: String,
}

/// What changed between the two latest submissions, when the demande came back.
pub fn changes_since_last_submission(
    provider: &Provider,
    events: &[TimelineRow],
) -> Vec<ChangeView> {
    let submits: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, (e, _))| e.name == Event::Submit.as_str())
        .map(|(i, _)| i)
        .collect();
    let [.., previous, last] = submits.as_slice() else {
        return vec![];
    };
    let diffs: Vec<Vec<crate::domain::form::Change>> = events[*previous..*last]
        .iter()
        .filter(|(e, _)| e.name == Event::Update.as_str())
        .filter_map(|(e, _)| e.diff.as_deref().and_then(|d| serde_json::from_str(d).ok()))
        .collect();
    crate::domain::form::compose(&diffs)
        .into_iter()
        .map(|c| {
            let found = provider.form.field_for_key(&c.key);
            let label = match found {
                Some((_, field, Some(part))) => {
                    format!("{} – {}", field.label, CONTACT_PARTS[part].1)
                }
                Some((_, field, None)) => field.label.clone(),
                // The rights asked beside the scopes, named as the step names them.
                None => crate::domain::form::rights_key_label(&provider.form, &c.key)
                    .unwrap_or_else(|| c.key.clone()),
            };
            let is_date = found.is_some_and(|(_, f, _)| f.kind == FieldKind::Date);
            let is_file = found.is_some_and(|(_, f, _)| f.kind == FieldKind::File);
            let shown = |v: &Option<Value>| match v {
                None => "(vide)".to_string(),
                Some(v) if is_date => super::format_date_answer(&v.display()),
                Some(v) if is_file => file_names(v),
                Some(v) => v.display(),
            };
            ChangeView {
                label,
                before: shown(&c.before),
                after: shown(&c.after),
            }
        })
        .collect()
}

/// The names a file answer lists (its items are `<id>:<name>`).
pub fn file_names(value: &Value) -> String {
    value
        .items()
        .into_iter()
        .map(|i| crate::domain::attachment::parse_item(i).map_or(i, |(_, name)| name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A message of the thread.
#[derive(Debug, Clone)]
pub struct MessageView {
    pub author: String,
    pub when: String,
    pub body: String,
    pub from_instructor: bool,
}

pub fn message_views(thread: &[crate::services::messages::Message]) -> Vec<MessageView> {
    thread
        .iter()
        .map(|m| MessageView {
            author: m.author.clone(),
            when: format_datetime(&m.row.created_at),
            body: m.row.body.clone(),
            from_instructor: m.row.from_instructor,
        })
        .collect()
}

/// Where a demande of a staged provider stands: its stage, the demandes it follows and those
/// that follow it, each a link on the side the page is on.
#[derive(Debug, Clone)]
pub struct StageView {
    /// "Bac à sable (étape 1 sur 2 de la procédure)"
    pub label: String,
    pub previous: Vec<ChainLink>,
    pub following: Vec<ChainLink>,
    /// The next stage's name, when this person may start it now.
    pub next: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ChainLink {
    pub url: String,
    /// "D12 – Bac à sable – Validée"
    pub label: String,
}

/// `prefix` is where the links lead: "/demandes/" or "/instruction/demandes/".
pub fn stage_view(
    provider: &Provider,
    file: &crate::services::demandes::DemandeFile,
    prefix: &str,
    may_advance: bool,
) -> Option<StageView> {
    let at = provider.stage.as_ref()?;
    let name_of = |stage: &Option<String>| {
        provider
            .stages
            .iter()
            .find(|s| Some(&s.id) == stage.as_ref())
            .map_or_else(|| "étape inconnue".to_string(), |s| s.name.clone())
    };
    let link = |d: &crate::db::models::Demande| ChainLink {
        url: format!("{prefix}{}", d.id),
        label: format!(
            "{} – {} – {}",
            public_id(d.id),
            name_of(&d.stage),
            State::parse(&d.state).map_or("", State::label)
        ),
    };
    let started = file
        .following
        .iter()
        .any(|d| d.state != State::Archived.as_str());
    Some(StageView {
        label: format!(
            "{} (étape {} sur {} de la procédure)",
            at.name, at.number, at.count
        ),
        previous: file.previous.iter().map(link).collect(),
        following: file.following.iter().map(link).collect(),
        next: at
            .next
            .as_ref()
            .filter(|_| may_advance && !started)
            .map(|(_, name)| name.clone()),
    })
}
