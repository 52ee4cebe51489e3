//! habilis: a habilitation portal. Organisations ask data providers for the right to use
//! restricted data; providers' instructors decide; the rights granted are habilitations.

pub mod catalog;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod files;
pub mod legal;
pub mod outbox;
pub mod preview;
pub mod services;
pub mod startup;
pub mod telemetry;
pub mod web;
