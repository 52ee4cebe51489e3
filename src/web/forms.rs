//! Typed forms: every POST body is read by one extractor (size cap, strict UTF-8, CSRF
//! checked) and decoded into a `*Form` struct, so handlers never look keys up by hand.

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::{FromRequest, HttpRequest, dev, web};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::services::attachments::Upload;
use crate::services::instruction::Decision;
use crate::services::steps::StepInput;

use super::input::FormInput;

mod tools;
pub use tools::{
    BanForm, BulkForm, HabilitationForm, InstructionTransferForm, MergeForm, NoticeForm,
    OpinionForm, PrepareForm, TemplateForm,
};

/// A posted form decoded into `T`. The body is read by [`FormInput::read`] (1 MiB cap → 413,
/// invalid UTF-8 or NUL → French 400 naming the field, CSRF → 403), then deserialized with
/// `serde_html_form`, which gathers repeated keys (checkboxes) into a `Vec`.
pub struct Form<T>(pub T);

/// A step of the demande form: the fields come from the provider's TOML, so they stay pairs.
/// A field that could not be decoded is set aside and named, so a draft keeps every other
/// answer.
pub struct StepForm {
    pub pairs: Vec<(String, String)>,
    pub undecodable: Vec<String>,
    /// Files sent with the step (a multipart body).
    pub uploads: Vec<Upload>,
}

impl StepForm {
    /// The file whose "Retirer" button was pressed.
    pub fn removed_file(&self) -> Option<i64> {
        self.pairs
            .iter()
            .find(|(k, _)| k == REMOVE_FILE)
            .and_then(|(_, v)| v.parse().ok())
    }

    /// What the service saves.
    pub fn into_input(self) -> StepInput {
        StepInput {
            remove: self.removed_file(),
            pairs: self.pairs,
            undecodable: self.undecodable,
            uploads: self.uploads,
        }
    }

    /// The button pressed: next, previous, summary, or save (the default).
    pub fn action(&self) -> String {
        self.pairs
            .iter()
            .find(|(k, _)| k == "_action")
            .map_or("enregistrer", |(_, v)| v.as_str())
            .to_string()
    }
}

type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

/// Takes the session and the body, then reads the body with `read`.
fn extract<T, F, Fut>(req: &HttpRequest, payload: &mut dev::Payload, read: F) -> Extracted<T>
where
    T: 'static,
    F: FnOnce(web::Payload, Session) -> Fut + 'static,
    Fut: Future<Output = Result<T, AppError>> + 'static,
{
    let session = req.get_session();
    // Taking the body as a stream cannot fail.
    let taken = web::Payload::from_request(req, payload);
    Box::pin(async move {
        let body = taken
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("corps de la requête : {e}")))?;
        read(body, session).await
    })
}

impl<T: DeserializeOwned + 'static> FromRequest for Form<T> {
    type Error = AppError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, payload: &mut dev::Payload) -> Self::Future {
        extract(req, payload, |body, session| async move {
            let input = FormInput::read(body, &session).await?;
            typed(&input.0).map(Form)
        })
    }
}

/// A posted form decoded into `T`, with its pairs kept for the keys a provider's file names
/// (an instructor's narrowing of rights: `droits.*`).
pub struct FormWithPairs<T>(pub T, pub Vec<(String, String)>);

impl<T: DeserializeOwned + 'static> FromRequest for FormWithPairs<T> {
    type Error = AppError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, payload: &mut dev::Payload) -> Self::Future {
        extract(req, payload, |body, session| async move {
            let input = FormInput::read(body, &session).await?;
            let form = typed(&input.0)?;
            Ok(FormWithPairs(form, input.0))
        })
    }
}

/// The button that removes an attached file; its value is the file's id.
pub const REMOVE_FILE: &str = "_retirer_fichier";

impl FromRequest for StepForm {
    type Error = AppError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, payload: &mut dev::Payload) -> Self::Future {
        let multipart = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("multipart/form-data"));
        if multipart {
            let session = req.get_session();
            let body = actix_multipart::Multipart::new(req.headers(), payload.take());
            return Box::pin(async move {
                let step = super::upload::read(body, &session).await?;
                Ok(StepForm {
                    pairs: step.pairs,
                    undecodable: step.undecodable,
                    uploads: step.uploads,
                })
            });
        }
        extract(req, payload, |body, session| async move {
            let (input, undecodable) = FormInput::read_keeping_valid(body, &session).await?;
            Ok(StepForm {
                pairs: input.0,
                undecodable,
                uploads: Vec::new(),
            })
        })
    }
}

/// Deserializes decoded pairs (re-encoded, so `serde_html_form` sees a plain body); a value of
/// the wrong shape is refused with a French message naming its field.
fn typed<T: DeserializeOwned>(pairs: &[(String, String)]) -> Result<T, AppError> {
    let encoded = pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, NON_ALPHANUMERIC),
                utf8_percent_encode(v, NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    let deserializer = serde_html_form::Deserializer::from_bytes(encoded.as_bytes());
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        AppError::BadRequest(format!(
            "Le champ « {} » du formulaire est invalide. Rien n'a été enregistré : revenez en arrière pour corriger votre saisie.",
            e.path().to_string().chars().take(40).collect::<String>()
        ))
    })
}

/// A form with nothing but its CSRF token: a button.
#[derive(Debug, Default, Deserialize)]
pub struct ButtonForm {}

/// Starting a demande.
#[derive(Debug, Deserialize)]
pub struct NewDemandeForm {
    pub provider: Option<String>,
    pub template: Option<String>,
    /// The answers to the provider's eligibility questions (`id:value,...`).
    pub eligibilite: Option<String>,
    /// Values the provider's own site prefilled, form-encoded.
    pub preremplissage: Option<String>,
}

/// Submitting a demande: the terms of use ticked or not.
#[derive(Debug, Deserialize)]
pub struct SubmitForm {
    pub cgu: Option<String>,
}

impl SubmitForm {
    pub fn accepts_terms(&self) -> bool {
        self.cgu.as_deref() == Some("oui")
    }
}

/// A message to the other side.
#[derive(Debug, Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    pub body: String,
}

/// Handing a demande over to a colleague.
#[derive(Debug, Deserialize)]
pub struct TransferForm {
    #[serde(default)]
    pub email: String,
}

/// An instructor's decision.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    pub reason: Option<String>,
    /// Present when the approval form lists the scopes; without it, everything asked is granted.
    #[serde(rename = "_scopes_listed")]
    pub scopes_listed: Option<String>,
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Present when the approval form lists the rights (`droits.*`) of each scope.
    #[serde(rename = "_rights_listed")]
    pub rights_listed: Option<String>,
    pub duree: Option<String>,
    /// The dashboard list the page was opened from, kept if the page is shown again.
    #[serde(default)]
    pub retour: String,
}

impl DecisionForm {
    /// The decision for the service, and the reason as typed (given back if it is refused).
    pub fn decision(self, pairs: &[(String, String)]) -> (Decision, String) {
        let typed = self.reason.clone().unwrap_or_default();
        let rights = self.rights_listed.map(|_| {
            pairs
                .iter()
                .filter(|(k, _)| k.starts_with("droits."))
                .cloned()
                .collect()
        });
        let decision = Decision {
            reason: self.reason,
            scopes: self.scopes_listed.map(|_| self.scopes),
            months: self.duree,
            rights,
        };
        (decision, typed)
    }
}

/// Signing in as a demo account.
#[derive(Debug, Deserialize)]
pub struct DevLoginForm {
    pub user_id: Option<String>,
}

/// The organisation chosen in the header.
#[derive(Debug, Deserialize)]
pub struct OrganisationForm {
    pub organisation_id: Option<String>,
}

/// Removing a person from an organisation.
#[derive(Debug, Deserialize)]
pub struct RemoveMemberForm {
    #[serde(default)]
    pub email: String,
    pub organisation_id: Option<String>,
}

/// A new API token.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub name: String,
    /// What it may read (`habilitations:read`...); unknown values are ignored.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Present when the form lists the scopes; without it, the default ones.
    #[serde(rename = "_scopes_listed")]
    pub scopes_listed: Option<String>,
}

impl TokenForm {
    pub fn scopes(&self) -> Vec<crate::domain::api_scope::ApiScope> {
        use crate::domain::api_scope::{ApiScope, DEFAULT};
        match self.scopes_listed {
            Some(_) => ApiScope::parse_list(&self.scopes.join(" ")),
            None => DEFAULT.to_vec(),
        }
    }
}

/// Granting or removing a role.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub role: String,
}

/// The notification settings: each ticked box posts "provider:kind".
#[derive(Debug, Deserialize)]
pub struct NotificationsForm {
    #[serde(default)]
    pub on: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_become_a_list_and_missing_ones_defaults() {
        let pairs = vec![
            ("_csrf".to_string(), "t".to_string()),
            ("scopes".to_string(), "a b".to_string()),
            ("scopes".to_string(), "é&=".to_string()),
            ("reason".to_string(), String::new()),
        ];
        let form: DecisionForm = typed(&pairs).unwrap();
        assert_eq!(form.scopes, vec!["a b", "é&="]);
        assert_eq!(form.reason.as_deref(), Some(""));
        assert!(form.scopes_listed.is_none() && form.duree.is_none());
    }

    #[test]
    fn a_field_of_the_wrong_shape_is_named() {
        #[derive(Debug, Deserialize)]
        struct Numbered {
            #[allow(dead_code)]
            count: u32,
        }
        let refused = typed::<Numbered>(&[("count".to_string(), "x".to_string())]);
        assert!(matches!(refused, Err(AppError::BadRequest(m)) if m.contains("« count »")));
    }
}

/// A new team.
#[derive(Debug, Deserialize)]
pub struct TeamForm {
    #[serde(default)]
    pub name: String,
}

/// A team member added (or their role changed), or removed.
#[derive(Debug, Deserialize)]
pub struct TeamMemberForm {
    #[serde(default)]
    pub email: String,
    /// "oui" when they manage the team.
    pub admin: Option<String>,
}

/// Sharing a habilitation: with a team (its id) or with an agent (their email).
#[derive(Debug, Deserialize)]
pub struct ShareForm {
    pub equipe: Option<String>,
    pub email: Option<String>,
}

/// Ending a share.
#[derive(Debug, Deserialize)]
pub struct UnshareForm {
    #[serde(default)]
    pub partage: String,
}
