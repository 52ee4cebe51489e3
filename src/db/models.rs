//! Rows as read from and written to the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::*;
pub use crate::domain::habilitation::Standing;
use crate::domain::habilitation::Stored;
use crate::domain::public_id::PublicId;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub given_name: String,
    pub family_name: String,
    pub is_admin: bool,
    pub created_at: NaiveDateTime,
    pub oidc_sub: Option<String>,
}

impl User {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub given_name: &'a str,
    pub family_name: &'a str,
    pub is_admin: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = organisations)]
pub struct Organisation {
    pub id: i64,
    pub siret: String,
    pub name: String,
    pub naf: Option<String>,
    pub created_at: NaiveDateTime,
    pub address: Option<String>,
    /// None until the company directory answered.
    pub active: Option<bool>,
    pub looked_up_at: Option<NaiveDateTime>,
    pub lookup_error: Option<String>,
    /// SIRENE's legal category, once the directory answered.
    pub legal_form: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = organisations)]
pub struct NewOrganisation<'a> {
    pub siret: &'a str,
    pub name: &'a str,
    pub naf: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = demandes)]
pub struct Demande {
    pub id: i64,
    pub provider: String,
    pub template: Option<String>,
    pub organisation_id: i64,
    pub applicant_id: i64,
    pub state: String,
    pub answers: String,
    pub scopes: String,
    pub intitule: String,
    pub organisation_name: String,
    pub siret: String,
    pub applicant_email: String,
    pub lock_version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub last_submitted_at: Option<NaiveDateTime>,
    pub reopening: bool,
    /// The provider's stage this demande is of (none: a provider without stages).
    pub stage: Option<String>,
    /// The validated demande of the previous stage this one follows.
    pub previous_id: Option<i64>,
    /// The instructor it is assigned to (chosen from the dashboard).
    pub assigned_to: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = demandes)]
pub struct NewDemande<'a> {
    pub provider: &'a str,
    pub template: Option<&'a str>,
    pub organisation_id: i64,
    pub applicant_id: i64,
    pub state: &'a str,
    pub answers: &'a str,
    pub scopes: &'a str,
    pub intitule: &'a str,
    pub organisation_name: &'a str,
    pub siret: &'a str,
    pub applicant_email: &'a str,
    pub lock_version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub last_submitted_at: Option<NaiveDateTime>,
    pub stage: Option<&'a str>,
    pub previous_id: Option<i64>,
}

/// What a new draft is of: its provider, stage and form (template), and its answers.
#[derive(Debug, Clone, Copy)]
pub struct DraftOf<'a> {
    pub provider: &'a str,
    pub stage: Option<&'a str>,
    pub template: Option<&'a str>,
    /// (answers, scopes) as JSON, and the intitulé.
    pub answers: (&'a str, &'a str),
    pub intitule: &'a str,
}

impl<'a> NewDemande<'a> {
    /// A new draft of `organisation` by `applicant`, never submitted.
    pub fn draft(
        of: DraftOf<'a>,
        organisation: &'a Organisation,
        applicant: &'a User,
        at: NaiveDateTime,
    ) -> Self {
        NewDemande {
            provider: of.provider,
            template: of.template,
            organisation_id: organisation.id,
            applicant_id: applicant.id,
            state: crate::domain::demande::State::Draft.as_str(),
            answers: of.answers.0,
            scopes: of.answers.1,
            intitule: of.intitule,
            organisation_name: &organisation.name,
            siret: &organisation.siret,
            applicant_email: &applicant.email,
            lock_version: 0,
            created_at: at,
            updated_at: at,
            last_submitted_at: None,
            stage: of.stage,
            previous_id: None,
        }
    }

    /// A new draft of `source`'s organisation and provider, by `applicant` (a copy, or the next
    /// stage): the caller sets what differs with `..`.
    pub fn draft_from(source: &'a Demande, applicant: &'a User, at: NaiveDateTime) -> Self {
        NewDemande {
            provider: &source.provider,
            template: source.template.as_deref(),
            organisation_id: source.organisation_id,
            applicant_id: applicant.id,
            state: crate::domain::demande::State::Draft.as_str(),
            answers: &source.answers,
            scopes: &source.scopes,
            intitule: &source.intitule,
            organisation_name: &source.organisation_name,
            siret: &source.siret,
            applicant_email: &applicant.email,
            lock_version: 0,
            created_at: at,
            updated_at: at,
            last_submitted_at: None,
            stage: source.stage.as_deref(),
            previous_id: None,
        }
    }
}

/// A demande written by a bulk load, its id given (see [`crate::db::bulk::insert_demandes`]).
/// [`NewDemande`]'s fields again, flat: diesel's binary COPY takes no embedded struct.
#[derive(Debug, Insertable)]
#[diesel(table_name = demandes, treat_none_as_default_value = false)]
pub struct LoadedDemande<'a> {
    pub id: i64,
    pub provider: &'a str,
    pub template: Option<&'a str>,
    pub organisation_id: i64,
    pub applicant_id: i64,
    pub state: &'a str,
    pub answers: &'a str,
    pub scopes: &'a str,
    pub intitule: &'a str,
    pub organisation_name: &'a str,
    pub siret: &'a str,
    pub applicant_email: &'a str,
    pub lock_version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub last_submitted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub id: i64,
    pub demande_id: i64,
    pub actor_id: Option<i64>,
    pub name: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub reason: Option<String>,
    pub diff: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = events)]
pub struct NewEvent<'a> {
    pub demande_id: i64,
    pub actor_id: Option<i64>,
    pub name: &'a str,
    pub from_state: Option<&'a str>,
    pub to_state: &'a str,
    pub reason: Option<&'a str>,
    pub diff: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = habilitations)]
pub struct Habilitation {
    pub id: i64,
    pub demande_id: i64,
    pub provider: String,
    pub organisation_id: i64,
    pub scopes: String,
    pub answers: String,
    pub state: String,
    pub granted_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    /// What the provider's systems answered to the webhook: their token for this habilitation.
    pub token_id: Option<String>,
    /// Actions, filters and level granted ([`crate::domain::rights::GrantRecord`] as JSON);
    /// empty when the provider declares none.
    pub rights: String,
}

impl Habilitation {
    /// What it is worth at `now` (see [`Standing::at`]).
    pub fn standing_at(&self, now: NaiveDateTime) -> Standing {
        Standing::at(Stored::parse(&self.state), self.expires_at, now)
    }

    /// `H45`.
    pub fn public_id(&self) -> PublicId {
        PublicId::habilitation(self.id)
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = habilitations)]
pub struct NewHabilitation<'a> {
    pub demande_id: i64,
    pub provider: &'a str,
    pub organisation_id: i64,
    pub scopes: &'a str,
    pub answers: &'a str,
    pub state: &'a str,
    pub granted_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub rights: &'a str,
}
