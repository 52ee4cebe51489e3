//! Pure domain: no I/O, no database, exhaustively tested.

pub mod access_review;
pub mod api_scope;
pub mod assignment;
pub mod attachment;
pub mod ban;
pub mod delay;
pub mod demande;
pub mod eligibility;
pub mod email;
pub mod form;
pub mod habilitation;
pub mod holder_notice;
pub mod lapse;
pub mod listing;
pub mod message_template;
pub mod opinion;
pub mod policy;
pub mod prepared;
pub mod public_id;
pub mod renewal;
pub mod rights;
pub mod siret;
pub mod stats;
pub mod support;
pub mod teams;
