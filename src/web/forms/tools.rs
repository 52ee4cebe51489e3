//! The forms of the instructors' and admins' daily tools: transfers, opinions, message
//! templates, notices to holders, blocking and viewing as someone.

use serde::Deserialize;

/// The instruction side handing a demande to another agent of its organisation.
#[derive(Debug, Deserialize)]
pub struct InstructionTransferForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub motif: String,
    #[serde(default)]
    pub retour: String,
}

/// An admin moving a demande to another organisation (a merger): its SIRET, the agent who
/// becomes applicant, the reason.
#[derive(Debug, Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    pub siret: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub motif: String,
    #[serde(default)]
    pub retour: String,
}

/// Asking an opinion (`a`: the person's id, `texte`: the question) or giving one (`texte`).
#[derive(Debug, Deserialize)]
pub struct OpinionForm {
    #[serde(default)]
    pub a: String,
    #[serde(default)]
    pub texte: String,
}

/// A message template: its provider, kind, title and text.
#[derive(Debug, Deserialize)]
pub struct TemplateForm {
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
}

/// A notice to the holders of a provider's habilitations.
#[derive(Debug, Deserialize)]
pub struct NoticeForm {
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub body: String,
    /// The preview's token: the same form sent twice sends once.
    #[serde(default)]
    pub jeton: String,
}

/// Blocking an account: its address and the reason shown to the person.
#[derive(Debug, Deserialize)]
pub struct BanForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub motif: String,
}

/// An action on the demandes ticked in the dashboard (their `ids` are read from the pairs):
/// `assigner` to `instructeur` (a user id, or `personne`), or `archiver`. `retour`: the list's
/// parameters; `depuis`: the demande page it was sent from, for a single demande.
#[derive(Debug, Deserialize)]
pub struct BulkForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub instructeur: String,
    #[serde(default)]
    pub retour: String,
    #[serde(default)]
    pub depuis: String,
}

/// Extending one habilitation (`mois` from today, an optional note) or revoking it (`motif`).
#[derive(Debug, Deserialize)]
pub struct HabilitationForm {
    #[serde(default)]
    pub mois: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub motif: String,
}

/// A draft prepared for an organisation: `formulaire` is "provider:template" (the template may
/// be empty: the whole form).
#[derive(Debug, Deserialize)]
pub struct PrepareForm {
    #[serde(default)]
    pub formulaire: String,
    #[serde(default)]
    pub siret: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub intitule: String,
    #[serde(default)]
    pub note: String,
}
