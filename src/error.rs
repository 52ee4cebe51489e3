//! The one error type of the application. The web layer turns it into a calm French page.

use crate::domain::demande::TransitionError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not there, or not yours: the same answer, so nobody learns what exists.
    #[error("introuvable")]
    NotFound,
    #[error("accès refusé")]
    Forbidden,
    /// Refused, with the reason the person can act on.
    #[error("accès refusé : {0}")]
    ForbiddenBecause(String),
    /// Not signed in.
    #[error("connexion requise")]
    Unauthenticated,
    /// The action does not fit the demande as it is now; the message says why.
    #[error("conflit : {0}")]
    Conflict(String),
    /// An instructor's decision came second: another one was made first.
    #[error("déjà traitée : {0}")]
    AlreadyProcessed(String),
    /// Malformed input, with a French message for the person.
    #[error("requête invalide : {0}")]
    BadRequest(String),
    /// Well-formed input that cannot be accepted.
    #[error("requête impossible : {0}")]
    Unprocessable(String),
    #[error("contenu trop volumineux")]
    PayloadTooLarge,
    /// It was there and is no more (a file deleted by the retention rule), with why.
    #[error("supprimé : {0}")]
    Gone(String),
    /// Sign-in with the identity provider failed; nobody is signed in.
    #[error("connexion impossible : {0}")]
    LoginFailed(String),
    /// Too many sign-in attempts from one address.
    #[error("trop de tentatives")]
    TooManyRequests,
    /// The security token of a form is missing or stale.
    #[error("jeton de sécurité invalide")]
    Csrf,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        AppError::Internal(anyhow::Error::new(e).context("requête à la base de données"))
    }
}

impl From<TransitionError> for AppError {
    fn from(e: TransitionError) -> Self {
        match e {
            TransitionError::Forbidden => AppError::Forbidden,
            TransitionError::WrongState(_) | TransitionError::NoNextStage => {
                AppError::Conflict(e.to_string())
            }
            TransitionError::ReasonRequired
            | TransitionError::FormIncomplete
            | TransitionError::CguNotAccepted => AppError::Unprocessable(e.to_string()),
        }
    }
}
