//! The TOML shape of a provider file, as written by people. Checked and turned into
//! a `Provider` by the checks beside it.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::domain::form::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProvider {
    pub slug: String,
    pub name: String,
    pub provider: String,
    pub description: String,
    pub contact_email: String,
    pub validity_months: u32,
    #[serde(default)]
    pub usual_delay_days: Option<u32>,
    pub cgu_url: String,
    /// Publishes its active habilitations (organisation, purpose, scopes, dates) as open data.
    #[serde(default)]
    pub public_list: bool,
    /// Shown before a demande is created, in Markdown.
    #[serde(default)]
    pub introduction: Option<String>,
    #[serde(default)]
    pub eligible_naf: Vec<String>,
    /// Contact kinds the standard `contacts` block asks for.
    #[serde(default)]
    pub contacts: Option<Vec<String>>,
    #[serde(default)]
    pub scopes: Vec<RawScope>,
    #[serde(default)]
    pub scope_rules: RawScopeRules,
    /// Asked before a demande is created.
    #[serde(default)]
    pub eligibility: Vec<RawQuestion>,
    pub steps: Vec<RawStep>,
    /// Ordered stages (sandbox, then production), each with some of the steps.
    #[serde(default)]
    pub stages: Vec<RawStage>,
    #[serde(default)]
    pub templates: Vec<RawTemplate>,
    #[serde(default)]
    pub webhook: Option<RawWebhook>,
    /// The actions and confidentiality levels a habilitation of this provider speaks of.
    #[serde(default)]
    pub rights: Option<RawRights>,
    /// Dimensions a grant can be restricted by.
    #[serde(default)]
    pub filters: Vec<RawFilter>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRights {
    #[serde(default)]
    pub actions: Vec<RawLabelled>,
    /// Granted when a demande asks for none.
    #[serde(default)]
    pub default_actions: Vec<String>,
    /// Those an applicant may ask for (default: all).
    #[serde(default)]
    pub requestable_actions: Option<Vec<String>>,
    /// Confidentiality levels, from the lowest.
    #[serde(default)]
    pub levels: Vec<RawLabelled>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLabelled {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFilter {
    pub id: String,
    pub label: String,
    /// `enumeration`, `territory`, `range` or `dates`.
    pub kind: String,
    #[serde(default)]
    pub options: Vec<RawChoice>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
}

/// Where the provider's systems hear of events: the names of the environment variables that
/// hold the URL and the secret (never the values themselves).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWebhook {
    pub url_env: String,
    pub secret_env: String,
    #[serde(default)]
    pub events: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScope {
    pub id: String,
    pub label: String,
    pub group: String,
    #[serde(default)]
    pub sensitive: bool,
    #[serde(default)]
    pub included: bool,
    #[serde(default)]
    pub deprecated: bool,
    /// The actions this scope allows (default: all of `[rights].actions`).
    #[serde(default)]
    pub actions: Option<Vec<String>>,
    /// The filters (`[[filters]]`) a grant of this scope can be restricted by.
    #[serde(default)]
    pub filters: Vec<String>,
    /// Those of its filters every grant of it must set.
    #[serde(default)]
    pub required_filters: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScopeRules {
    #[serde(default)]
    pub min: Option<usize>,
    #[serde(default)]
    pub groups: Vec<RawGroupMin>,
    #[serde(default)]
    pub incompatible: Vec<[String; 2]>,
    #[serde(default)]
    pub exclusive: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGroupMin {
    pub group: String,
    pub min: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStage {
    pub id: String,
    pub name: String,
    /// The ids of the steps this stage asks, in the form's order.
    pub steps: Vec<String>,
    /// The scopes this stage may grant (default: all of the provider's).
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// Default: the provider's.
    #[serde(default)]
    pub validity_months: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub id: String,
    pub title: String,
    /// Shown at the top of the step, in Markdown.
    #[serde(default)]
    pub introduction: Option<String>,
    #[serde(default)]
    pub blocks: Vec<String>,
    #[serde(default)]
    pub fields: Vec<RawField>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawField {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub label: String,
    #[serde(default)]
    pub hint: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub min_length: Option<usize>,
    #[serde(default)]
    pub max_length: Option<usize>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    #[serde(default)]
    pub pattern: Option<String>,
    #[serde(default)]
    pub pattern_message: Option<String>,
    #[serde(default)]
    pub options: Vec<RawChoice>,
    #[serde(default)]
    pub required_if_scope: Option<String>,
    #[serde(default)]
    pub required_if: Option<RawCondition>,
    /// Required unless this other field is answered.
    #[serde(default)]
    pub required_unless: Option<String>,
    /// For `file` fields: the kinds accepted (`pdf`, `png`, `jpeg`, `webp`, `odt`, `docx`).
    #[serde(default)]
    pub accept: Option<Vec<String>>,
    /// For `file` fields: the largest file, in megabytes.
    #[serde(default)]
    pub max_size_mb: Option<u64>,
    /// For `file` fields: how many files the question holds.
    #[serde(default)]
    pub max_files: Option<usize>,
    /// A confidentiality level of `[rights].levels`: the answer is withheld from the rights
    /// API and the webhooks when the demande's grant does not reach it.
    #[serde(default)]
    pub level: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawChoice {
    Plain(String),
    Full { value: String, label: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCondition {
    pub field: String,
    pub greater_than: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTemplate {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub values: BTreeMap<String, Value>,
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Shown at the start of a demande of this form, in Markdown.
    #[serde(default)]
    pub introduction: Option<String>,
    /// Scopes always granted to a demande of this form, ticked and locked.
    #[serde(default)]
    pub locked_scopes: Vec<String>,
    /// Scopes a demande of this form is not offered.
    #[serde(default)]
    pub hidden_scopes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    pub id: String,
    pub question: String,
    #[serde(default)]
    pub hint: Option<String>,
    #[serde(default)]
    pub answers: Vec<RawAnswer>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAnswer {
    pub value: String,
    pub label: String,
    /// Why this answer stops the demande, in Markdown; absent when it leads on.
    #[serde(default)]
    pub stop: Option<String>,
}
