//! The form as data: fields, steps, scopes and their rules, and the answers kept against it.

use std::collections::BTreeMap;
use strum::{EnumString, IntoStaticStr, VariantArray};

use regex::Regex;

use crate::domain::attachment::FileRule;
use serde::{Deserialize, Serialize};

/// No single answer may be longer than this, whatever the field (a hard cap against abuse).
pub const MAX_VALUE_CHARS: usize = 10_000;

/// The key under which the chosen scopes are kept in the answers.
pub const SCOPES_KEY: &str = "scopes";

/// One answer: a single value, or several for checkboxes and scopes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    One(String),
    Many(Vec<String>),
}

impl Value {
    pub fn is_blank(&self) -> bool {
        match self {
            Value::One(s) => s.trim().is_empty(),
            Value::Many(v) => v.is_empty(),
        }
    }

    /// The values as a list (a single value is a list of one).
    pub fn items(&self) -> Vec<&str> {
        match self {
            Value::One(s) => vec![s.as_str()],
            Value::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }

    /// How the value reads on a summary page.
    pub fn display(&self) -> String {
        self.items().join(", ")
    }
}

pub type Answers = BTreeMap<String, Value>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum FieldKind {
    Text,
    Textarea,
    Email,
    Phone,
    Url,
    Number,
    Date,
    Select,
    Radio,
    Checkbox,
    Checkboxes,
    Siret,
    Contact,
    Scopes,
    /// Files attached to the demande; the answer lists them as `<id>:<name>` items.
    File,
}

impl FieldKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(name: &str) -> Option<FieldKind> {
        name.parse().ok()
    }

    /// Kinds whose answer is a list.
    pub fn is_multi(self) -> bool {
        matches!(self, FieldKind::Checkboxes | FieldKind::Scopes)
    }

    pub fn has_options(self) -> bool {
        matches!(
            self,
            FieldKind::Select | FieldKind::Radio | FieldKind::Checkboxes
        )
    }
}

/// The parts of a contact block, each its own input (`<field>_<part>`).
pub const CONTACT_PARTS: [(&str, &str, FieldKind); 5] = [
    ("family_name", "Nom", FieldKind::Text),
    ("given_name", "Prénom", FieldKind::Text),
    ("email", "Adresse électronique", FieldKind::Email),
    ("phone_number", "Téléphone", FieldKind::Phone),
    ("job_title", "Fonction", FieldKind::Text),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// "Required when another field's number is greater than ..."
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub field: String,
    pub greater_than: f64,
}

#[derive(Debug, Clone)]
pub struct Pattern {
    pub regex: Regex,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub id: String,
    pub kind: FieldKind,
    pub label: String,
    pub hint: Option<String>,
    pub required: bool,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub pattern: Option<Pattern>,
    pub options: Vec<Choice>,
    pub required_if_scope: Option<String>,
    pub required_if: Option<Condition>,
    /// Required unless this other field is answered ("the text's URL, or the text as a PDF").
    pub required_unless: Option<String>,
    /// What a `file` field accepts.
    pub file: Option<FileRule>,
    /// The confidentiality level (an id of the provider's levels) its answer is marked with.
    pub level: Option<String>,
}

impl Field {
    /// A field with only an id, a kind and a label; the rest is set by the caller.
    pub fn new(id: &str, kind: FieldKind, label: &str) -> Self {
        Field {
            id: id.to_string(),
            kind,
            label: label.to_string(),
            hint: None,
            required: false,
            min_length: None,
            max_length: None,
            min: None,
            max: None,
            pattern: None,
            options: vec![],
            required_if_scope: None,
            required_if: None,
            required_unless: None,
            file: (kind == FieldKind::File).then(FileRule::pdf),
            level: None,
        }
    }

    /// The input keys this field owns in the answers.
    pub fn keys(&self) -> Vec<String> {
        match self.kind {
            FieldKind::Contact => CONTACT_PARTS
                .iter()
                .map(|(p, _, _)| format!("{}_{p}", self.id))
                .collect(),
            _ => vec![self.id.clone()],
        }
    }
}

#[derive(Debug, Clone)]
pub struct Step {
    pub id: String,
    pub title: String,
    /// Shown at the top of the step: HTML rendered from the provider file's Markdown, which
    /// holds no raw HTML (checked when the file is read).
    pub introduction: Option<String>,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeDef {
    pub id: String,
    pub label: String,
    pub group: String,
    pub sensitive: bool,
    /// Always granted, shown ticked and locked.
    pub included: bool,
    /// Hidden from new choices; kept on demandes that already have it.
    pub deprecated: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeRules {
    /// At least this many scopes overall.
    pub min: usize,
    /// (group, minimum) pairs.
    pub group_min: Vec<(String, usize)>,
    /// Pairs that cannot be asked together.
    pub incompatible: Vec<(String, String)>,
    /// Scopes that must be asked alone.
    pub exclusive: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Form {
    pub steps: Vec<Step>,
    pub scopes: Vec<ScopeDef>,
    pub scope_rules: ScopeRules,
    /// What a grant speaks of beyond scopes (actions, filters, levels), asked on the scopes step.
    pub rights: crate::domain::rights::Rights,
}

impl Form {
    pub fn scope(&self, id: &str) -> Option<&ScopeDef> {
        self.scopes.iter().find(|s| s.id == id)
    }

    /// The field that owns an input key, with the contact part when it is one.
    pub fn field_for_key(&self, key: &str) -> Option<(usize, &Field, Option<usize>)> {
        for (i, step) in self.steps.iter().enumerate() {
            for field in &step.fields {
                if field.id == key && field.kind != FieldKind::Contact {
                    return Some((i, field, None));
                }
                if field.kind == FieldKind::Contact
                    && let Some(part) = key
                        .strip_prefix(&field.id)
                        .and_then(|r| r.strip_prefix('_'))
                    && let Some(p) = CONTACT_PARTS.iter().position(|(name, _, _)| *name == part)
                {
                    return Some((i, field, Some(p)));
                }
            }
        }
        None
    }

    /// Scopes always granted.
    pub fn included_scopes(&self) -> Vec<String> {
        self.scopes
            .iter()
            .filter(|s| s.included)
            .map(|s| s.id.clone())
            .collect()
    }

    /// The fields that hold files.
    pub fn file_fields(&self) -> impl Iterator<Item = &Field> {
        self.steps
            .iter()
            .flat_map(|s| &s.fields)
            .filter(|f| f.kind == FieldKind::File)
    }

    pub fn field(&self, id: &str) -> Option<&Field> {
        self.steps
            .iter()
            .flat_map(|s| &s.fields)
            .find(|f| f.id == id)
    }
}
