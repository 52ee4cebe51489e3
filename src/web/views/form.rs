//! The demande's form as templates show it: one view per field (the shared field macro
//! renders it), the stepper, and the answers summarised step by step.

use crate::catalog::Provider;
use crate::db::attachments::Attachment;
use crate::domain::attachment::{self, FileKind};
use crate::domain::form::{
    Answers, CONTACT_PARTS, Field, FieldKind, FormErrors, LEVEL_KEY, RightsInput, Value,
    chosen_scopes, rights_keys,
};
use crate::services::demandes::DemandeFile;

/// An attached file as pages list it: a download link and what it is.
#[derive(Debug, Clone)]
pub struct FileView {
    pub id: i64,
    pub name: String,
    pub url: String,
    /// "PDF – 245 ko"
    pub detail: String,
    /// "ajouté le 06/12/2026 à 10:42 par Marie Dupont"
    pub added: String,
    /// Its bytes were deleted (retention): named, no longer downloadable.
    pub deleted: bool,
}

/// The files an answer lists, in its order.
pub fn file_views(file: &DemandeFile, value: Option<&Value>) -> Vec<FileView> {
    let Some(value) = value else {
        return vec![];
    };
    value
        .items()
        .into_iter()
        .filter_map(attachment::parse_item)
        .map(|(id, name)| {
            let row = file.attachments.iter().find(|a| a.id == id);
            file_view(file.demande.id, id, name, row)
        })
        .collect()
}

fn file_view(demande_id: i64, id: i64, name: &str, row: Option<&Attachment>) -> FileView {
    let kind = row
        .and_then(|a| FileKind::from_mime(&a.content_type))
        .map_or("", |k| k.label());
    let kind = kind.split(' ').next().unwrap_or_default();
    FileView {
        id,
        name: name.to_string(),
        url: format!("/demandes/{demande_id}/pieces-jointes/{id}"),
        detail: row.map_or_else(String::new, |a| {
            format!(
                "{kind} – {}",
                attachment::size_label(a.size_bytes.max(0) as u64)
            )
        }),
        added: row.map_or_else(String::new, |a| {
            format!(
                "ajouté le {} par {}",
                super::format_datetime(&a.added_at),
                a.added_by_name
            )
        }),
        deleted: row.is_none_or(|a| a.deleted_at.is_some()),
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
    /// A file field's files, its picker's `accept`, and whether another file fits.
    pub files: Vec<FileView>,
    pub accept: String,
    pub room: bool,
}

impl FieldView {
    /// An input with only its key, kind and label; the rest is set by the caller.
    pub fn blank(key: String, kind: FieldKind, label: String) -> FieldView {
        FieldView {
            key,
            kind: kind.as_str(),
            input_type: input_type(kind),
            label,
            hint: None,
            required: false,
            value: String::new(),
            error: None,
            choices: vec![],
            groups: vec![],
            parts: vec![],
            files: vec![],
            accept: String::new(),
            room: false,
        }
    }
}

pub(super) fn one(answers: &Answers, key: &str) -> String {
    match answers.get(key) {
        Some(Value::One(s)) => s.clone(),
        Some(v @ Value::Many(_)) => v.display(),
        None => String::new(),
    }
}

pub(super) fn many(answers: &Answers, key: &str) -> Vec<String> {
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
        FieldKind::File => "file",
        // Numbers stay text inputs with inputmode, so a wrong value is shown back as typed.
        _ => "text",
    }
}

pub fn field_view(
    provider: &Provider,
    field: &Field,
    file: &DemandeFile,
    errors: &FormErrors,
) -> FieldView {
    let answers = &file.answers;
    let key = field.id.clone();
    let mut view = FieldView {
        hint: field.hint.clone(),
        required: field.required,
        value: one(answers, &key),
        error: errors.get(&key).map(str::to_string),
        ..FieldView::blank(key.clone(), field.kind, field.label.clone())
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
                        required: field.required,
                        value: one(answers, &part_key),
                        error: errors.get(&part_key).map(str::to_string),
                        ..FieldView::blank(part_key, *kind, label.to_string())
                    }
                })
                .collect();
        }
        FieldKind::File => {
            let rule = field.file.clone().unwrap_or_else(attachment::FileRule::pdf);
            view.files = file_views(file, answers.get(&key));
            view.room = view.files.len() < rule.max_files;
            view.accept = rule.accept_attribute();
            view.value = String::new();
            view.hint = Some(match &field.hint {
                Some(hint) => format!("{hint} {}", rule.hint()),
                None => rule.hint(),
            });
        }
        _ => {}
    }
    view
}

/// The id of the input an error about `key` is about, for the error summary's link: the input
/// itself, or the first box of a group (focusing it puts the person in the group).
pub fn input_id(provider: &Provider, key: &str) -> String {
    let Some((_, field, part)) = provider.form.field_for_key(key) else {
        let boxes = rights_keys(&provider.form)
            .into_iter()
            .any(|(k, kind)| k == key && (kind == RightsInput::Many || k == LEVEL_KEY));
        return if boxes {
            format!("{key}-1")
        } else {
            key.to_string()
        };
    };
    match (field.kind, part) {
        (FieldKind::Radio | FieldKind::Checkboxes, _) => format!("{key}-1"),
        (FieldKind::Scopes, _) => provider
            .form
            .scopes
            .iter()
            .find(|s| !s.deprecated && !s.included)
            .map_or_else(|| key.to_string(), |s| format!("{key}-{}", s.id)),
        _ => key.to_string(),
    }
}

/// A scope's label, or its id when the provider's form no longer has it.
pub fn scope_label(provider: &Provider, id: &str) -> String {
    provider
        .form
        .scope(id)
        .map_or(id.to_string(), |s| s.label.clone())
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
