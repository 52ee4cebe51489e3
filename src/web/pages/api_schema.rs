//! The rights API's answers as OpenAPI schemas. They describe the JSON the services write
//! (`services::api`, `services::agents`); Schemathesis checks in CI that every answer
//! conforms (`.ci/schemathesis.sh`), so a field added to one and not the other fails there.
// Documentation types: read by utoipa's derive, never built in Rust.
#![allow(dead_code)]

use std::collections::BTreeMap;

use utoipa::ToSchema;

/// An error: a stable code and a French message.
#[derive(ToSchema)]
pub struct ApiErrorBody {
    /// `bad_request`, `unauthorized`, `forbidden`, `insufficient_scope`, `not_found`,
    /// `too_many_requests` or `internal`.
    pub error: String,
    pub message: String,
}

/// A habilitation's state now.
#[derive(ToSchema, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Active,
    Expired,
    Revoked,
    Obsolete,
}

#[derive(ToSchema)]
pub struct OrganisationRef {
    pub siret: String,
    pub name: String,
}

/// How one filter restricts a grant: values (enumeration values, territory codes), a
/// numeric range, or a date range; bounds inclusive.
#[derive(ToSchema, serde::Serialize)]
#[serde(untagged)]
pub enum Restriction {
    Values(Vec<String>),
    Numbers(NumberRange),
    Dates(DateRange),
}

#[derive(ToSchema, serde::Serialize)]
pub struct NumberRange {
    pub from: f64,
    pub to: f64,
}

#[derive(ToSchema, serde::Serialize)]
pub struct DateRange {
    #[schema(format = Date)]
    pub from: String,
    #[schema(format = Date)]
    pub to: String,
}

/// What one scope of a grant allows.
#[derive(ToSchema)]
pub struct ScopeRights {
    /// The actions granted (the provider's ids: `read`, `export`...).
    pub actions: Vec<String>,
    /// Each filter that restricts it, by the provider's id.
    pub filters: BTreeMap<String, Restriction>,
}

/// Actions, filters and the highest confidentiality level granted (or asked).
#[derive(ToSchema)]
pub struct Rights {
    pub scopes: BTreeMap<String, ScopeRights>,
    /// The provider's id of the level; none when it declares no levels.
    pub max_level: Option<String>,
}

#[derive(ToSchema)]
pub struct Habilitation {
    pub id: i64,
    /// `H12`.
    pub public_id: String,
    pub demande_id: i64,
    /// `D12`.
    pub demande_public_id: String,
    pub state: State,
    pub organisation: OrganisationRef,
    pub scopes: Vec<String>,
    /// None for a provider that declares no actions, filters or levels.
    pub rights: Option<Rights>,
    #[schema(format = DateTime)]
    pub granted_at: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
    /// What the provider's system answered to the webhook.
    pub token_id: Option<String>,
}

#[derive(ToSchema)]
pub struct HabilitationPage {
    pub page: i64,
    pub per_page: i64,
    pub has_more: bool,
    pub items: Vec<Habilitation>,
}

/// One answer: a value, or several (boxes, scopes).
#[derive(ToSchema, serde::Serialize)]
#[serde(untagged)]
pub enum Answer {
    One(String),
    Many(Vec<String>),
}

#[derive(ToSchema)]
pub struct Applicant {
    pub email: String,
}

#[derive(ToSchema)]
pub struct AttachmentInfo {
    pub id: i64,
    pub field: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    #[schema(format = DateTime)]
    pub added_at: String,
    pub deleted: bool,
}

#[derive(ToSchema)]
pub struct EventInfo {
    pub name: String,
    pub from: Option<String>,
    pub to: String,
    pub reason: Option<String>,
    #[schema(format = DateTime)]
    pub at: String,
}

#[derive(ToSchema)]
pub struct Demande {
    pub id: i64,
    pub public_id: String,
    pub state: String,
    pub provider: String,
    pub organisation: OrganisationRef,
    pub applicant: Applicant,
    pub scopes: Vec<String>,
    pub answers: BTreeMap<String, Answer>,
    /// The keys of the answers withheld: their fields are marked with a confidentiality level
    /// the demande's grant does not reach.
    pub withheld: Vec<String>,
    /// The procedure's stage, for a provider in stages.
    pub stage: Option<String>,
    /// The validated demande of the stage before (`D12`).
    pub follows: Option<String>,
    pub attachments: Vec<AttachmentInfo>,
    pub events: Vec<EventInfo>,
}

#[derive(ToSchema)]
pub struct OrganisationRights {
    pub siret: String,
    pub scopes: Vec<String>,
    pub habilitations: Vec<Habilitation>,
}

#[derive(ToSchema)]
pub struct AgentRef {
    pub email: String,
    /// Their ProConnect identifier, once they signed in with it.
    pub sub: Option<String>,
}

/// Through what the agent may use a habilitation.
#[derive(ToSchema)]
pub struct Through {
    /// `applicant` (they made the demande), `agent` (shared with them by name) or `team`.
    pub kind: String,
    /// The team's name, for `team`.
    pub team: Option<String>,
}

#[derive(ToSchema)]
pub struct AgentHabilitation {
    pub public_id: String,
    pub demande_public_id: String,
    pub scopes: Vec<String>,
    pub rights: Option<Rights>,
    #[schema(format = DateTime)]
    pub expires_at: String,
    pub through: Vec<Through>,
}

#[derive(ToSchema)]
pub struct AgentRights {
    pub agent: AgentRef,
    pub siret: String,
    pub scopes: Vec<String>,
    pub habilitations: Vec<AgentHabilitation>,
}
