//! View models: what templates receive, computed in advance (flags, labels, never a connection).

use chrono::NaiveDateTime;

use crate::catalog::Provider;
use crate::db::events::TimelineRow;
use crate::db::models::{Demande, Habilitation};
use crate::domain::demande::{Event, State, public_id};
use crate::domain::form::{
    Answers, CONTACT_PARTS, Field, FieldKind, FormErrors, Value, chosen_scopes,
};
use crate::services::accounts::CurrentUser;

/// What the base layout shows around every page.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub user: Option<UserBox>,
    pub csrf: String,
    pub dev: bool,
    /// The navigation entry of the page ("accueil", "demandes", "instruction").
    pub section: &'static str,
}

#[derive(Debug, Clone)]
pub struct UserBox {
    pub name: String,
    pub email: String,
    pub organisation: Option<String>,
    pub sees_instruction: bool,
    pub manages_roles: bool,
    /// (id, name, current) when the person belongs to several organisations.
    pub organisations: Vec<(i64, String, bool)>,
}

impl Layout {
    /// For error pages, rendered without the request.
    pub fn bare() -> Layout {
        Layout::default()
    }

    pub fn new(
        current: Option<&CurrentUser>,
        csrf: String,
        dev: bool,
        section: &'static str,
    ) -> Layout {
        let user = current.map(|c| UserBox {
            name: c.user.full_name(),
            email: c.user.email.clone(),
            organisation: c.current_organisation().map(|o| o.name.clone()),
            organisations: if c.organisations.len() > 1 {
                let current = c.current_organisation().map(|o| o.id);
                c.organisations
                    .iter()
                    .map(|o| (o.id, o.name.clone(), Some(o.id) == current))
                    .collect()
            } else {
                vec![]
            },
            sees_instruction: c.actor.sees_instruction(),
            manages_roles: c.actor.is_admin
                || c.actor
                    .roles
                    .iter()
                    .any(|(_, r)| *r == crate::domain::policy::Role::Manager),
        });
        Layout {
            user,
            csrf,
            dev,
            section,
        }
    }
}

/// French date and time, in UTC (the portal's clock).
pub fn format_datetime(at: &NaiveDateTime) -> String {
    at.format("%d/%m/%Y à %H:%M").to_string()
}

pub fn format_date(at: &NaiveDateTime) -> String {
    at.format("%d/%m/%Y").to_string()
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
}

impl DemandeRow {
    pub fn new(d: &Demande, provider_name: &str) -> DemandeRow {
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
            siret: d.siret.clone(),
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
        }
    }
}

#[derive(Debug, Clone)]
pub struct ChoiceView {
    pub value: String,
    pub label: String,
    pub checked: bool,
    pub locked: bool,
    pub sensitive: bool,
}

#[derive(Debug, Clone)]
pub struct GroupView {
    pub name: String,
    pub choices: Vec<ChoiceView>,
}

/// One input (or a contact block of inputs) as the field macro renders it.
#[derive(Debug, Clone)]
pub struct FieldView {
    /// The input's name and id.
    pub key: String,
    pub kind: &'static str,
    pub input_type: &'static str,
    pub label: String,
    pub hint: Option<String>,
    pub required: bool,
    pub value: String,
    pub error: Option<String>,
    pub choices: Vec<ChoiceView>,
    pub groups: Vec<GroupView>,
    pub parts: Vec<FieldView>,
}

fn one(answers: &Answers, key: &str) -> String {
    match answers.get(key) {
        Some(Value::One(s)) => s.clone(),
        Some(v @ Value::Many(_)) => v.display(),
        None => String::new(),
    }
}

fn many(answers: &Answers, key: &str) -> Vec<String> {
    answers
        .get(key)
        .map(|v| v.items().into_iter().map(str::to_string).collect())
        .unwrap_or_default()
}

fn input_type(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Email => "email",
        FieldKind::Phone => "tel",
        FieldKind::Url => "url",
        FieldKind::Date => "date",
        // Numbers stay text inputs with inputmode, so a wrong value is shown back as typed.
        _ => "text",
    }
}

pub fn field_view(
    provider: &Provider,
    field: &Field,
    answers: &Answers,
    errors: &FormErrors,
) -> FieldView {
    let key = field.id.clone();
    let mut view = FieldView {
        key: key.clone(),
        kind: field.kind.as_str(),
        input_type: input_type(field.kind),
        label: field.label.clone(),
        hint: field.hint.clone(),
        required: field.required,
        value: one(answers, &key),
        error: errors.get(&key).map(str::to_string),
        choices: vec![],
        groups: vec![],
        parts: vec![],
    };
    // A date a browser could not hold is shown back as typed, so it is not lost on the next save.
    if field.kind == FieldKind::Date && view.error.is_some() {
        view.input_type = "text";
    }
    match field.kind {
        FieldKind::Select | FieldKind::Radio | FieldKind::Checkboxes => {
            let chosen = many(answers, &key);
            view.choices = field
                .options
                .iter()
                .map(|o| ChoiceView {
                    value: o.value.clone(),
                    label: o.label.clone(),
                    checked: chosen.contains(&o.value),
                    locked: false,
                    sensitive: false,
                })
                .collect();
        }
        FieldKind::Scopes => {
            let chosen = chosen_scopes(&provider.form, answers);
            for scope in &provider.form.scopes {
                let checked = chosen.contains(&scope.id);
                // Deprecated scopes are hidden from new choices but kept where already chosen.
                if scope.deprecated && !checked {
                    continue;
                }
                let choice = ChoiceView {
                    value: scope.id.clone(),
                    label: scope.label.clone(),
                    checked,
                    locked: scope.included,
                    sensitive: scope.sensitive,
                };
                match view.groups.iter_mut().find(|g| g.name == scope.group) {
                    Some(group) => group.choices.push(choice),
                    None => view.groups.push(GroupView {
                        name: scope.group.clone(),
                        choices: vec![choice],
                    }),
                }
            }
        }
        FieldKind::Contact => {
            view.parts = CONTACT_PARTS
                .iter()
                .map(|(part, label, kind)| {
                    let part_key = format!("{key}_{part}");
                    FieldView {
                        key: part_key.clone(),
                        kind: kind.as_str(),
                        input_type: input_type(*kind),
                        label: label.to_string(),
                        hint: None,
                        required: field.required,
                        value: one(answers, &part_key),
                        error: errors.get(&part_key).map(str::to_string),
                        choices: vec![],
                        groups: vec![],
                        parts: vec![],
                    }
                })
                .collect();
        }
        _ => {}
    }
    view
}

/// A step of the stepper.
#[derive(Debug, Clone)]
pub struct StepLink {
    pub number: usize,
    pub title: String,
    pub current: bool,
    pub has_errors: bool,
}

pub fn step_links(provider: &Provider, current: usize, errors: &FormErrors) -> Vec<StepLink> {
    provider
        .form
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| StepLink {
            number: i + 1,
            title: s.title.clone(),
            current: i == current,
            has_errors: !errors.for_step(i).is_empty(),
        })
        .collect()
}

/// Answers of one step, for summaries.
#[derive(Debug, Clone)]
pub struct StepSummary {
    pub number: usize,
    pub title: String,
    pub rows: Vec<SummaryRow>,
}

#[derive(Debug, Clone)]
pub struct SummaryRow {
    pub key: String,
    pub label: String,
    pub value: String,
    pub error: Option<String>,
}

pub fn summaries(provider: &Provider, answers: &Answers, errors: &FormErrors) -> Vec<StepSummary> {
    provider
        .form
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let mut rows: Vec<(String, String, String)> = Vec::new();
            for field in &step.fields {
                match field.kind {
                    FieldKind::Contact => {
                        for (part, label, _) in CONTACT_PARTS {
                            let v = one(answers, &format!("{}_{part}", field.id));
                            rows.push((
                                format!("{}_{part}", field.id),
                                format!("{} – {label}", field.label),
                                v,
                            ));
                        }
                    }
                    FieldKind::Scopes => {
                        let labels: Vec<String> = chosen_scopes(&provider.form, answers)
                            .iter()
                            .map(|id| {
                                provider
                                    .form
                                    .scope(id)
                                    .map_or(id.clone(), |s| s.label.clone())
                            })
                            .collect();
                        rows.push((field.id.clone(), field.label.clone(), labels.join(" ; ")));
                    }
                    FieldKind::Select | FieldKind::Radio | FieldKind::Checkboxes => {
                        let chosen = many(answers, &field.id);
                        let labels: Vec<String> = field
                            .options
                            .iter()
                            .filter(|o| chosen.contains(&o.value))
                            .map(|o| o.label.clone())
                            .collect();
                        rows.push((field.id.clone(), field.label.clone(), labels.join(", ")));
                    }
                    FieldKind::Checkbox => {
                        let ticked = one(answers, &field.id) == "oui";
                        rows.push((
                            field.id.clone(),
                            field.label.clone(),
                            if ticked {
                                "Oui".to_string()
                            } else {
                                String::new()
                            },
                        ));
                    }
                    _ => rows.push((
                        field.id.clone(),
                        field.label.clone(),
                        one(answers, &field.id),
                    )),
                }
            }
            let rows = rows
                .into_iter()
                .map(|(key, label, value)| SummaryRow {
                    error: errors.get(&key).map(str::to_string),
                    key,
                    label,
                    value,
                })
                .collect();
            StepSummary {
                number: i + 1,
                title: step.title.clone(),
                rows,
            }
        })
        .collect()
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
}

pub fn timeline(events: &[TimelineRow]) -> Vec<EventView> {
    events
        .iter()
        .map(|(e, actor)| {
            let label = match Event::parse(&e.name) {
                Some(ev) => ev.label().to_string(),
                None if e.name.starts_with("reminder") => "Rappel envoyé par courriel".to_string(),
                None => e.name.clone(),
            };
            let change = match (
                e.from_state.as_deref().and_then(State::parse),
                State::parse(&e.to_state),
            ) {
                (Some(from), Some(to)) if from != to => {
                    Some(format!("{} → {}", from.label(), to.label()))
                }
                _ => None,
            };
            let fields_changed = e
                .diff
                .as_deref()
                .and_then(|d| serde_json::from_str::<Vec<serde_json::Value>>(d).ok())
                .map_or(0, |v| v.len());
            EventView {
                label,
                when: format_datetime(&e.created_at),
                who: actor
                    .as_ref()
                    .map_or("habilis".to_string(), |(g, f, m)| format!("{g} {f} ({m})")),
                change,
                reason: e.reason.clone(),
                fields_changed,
            }
        })
        .collect()
}

/// The latest reason given by an instructor (changes requested, refusal).
pub fn latest_reason(events: &[TimelineRow]) -> Option<String> {
    events
        .iter()
        .rev()
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
}

pub fn habilitation_view(provider: &Provider, h: &Habilitation) -> HabilitationView {
    let ids: Vec<String> = serde_json::from_str(&h.scopes).unwrap_or_default();
    HabilitationView {
        public_id: h.public_id().to_string(),
        token: h.token_id.clone(),
        state: h.standing_at(crate::services::now()).label().to_string(),
        scopes: ids
            .iter()
            .map(|id| {
                provider
                    .form
                    .scope(id)
                    .map_or(id.clone(), |s| s.label.clone())
            })
            .collect(),
        granted: format_date(&h.granted_at),
        expires: format_date(&h.expires_at),
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
    let shown = |v: &Option<Value>| {
        v.as_ref()
            .map_or_else(|| "(vide)".to_string(), Value::display)
    };
    crate::domain::form::compose(&diffs)
        .into_iter()
        .map(|c| {
            let label = match provider.form.field_for_key(&c.key) {
                Some((_, field, Some(part))) => {
                    format!("{} – {}", field.label, CONTACT_PARTS[part].1)
                }
                Some((_, field, None)) => field.label.clone(),
                None => c.key.clone(),
            };
            ChangeView {
                label,
                before: shown(&c.before),
                after: shown(&c.after),
            }
        })
        .collect()
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
