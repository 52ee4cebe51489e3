#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic: that is how they fail

//! Integration tests: the real app over HTTP, on SQLite by default and on PostgreSQL when
//! HABILIS_TEST_DATABASE_URL is set.

mod access_cache;
mod access_matrix;
mod approval;
mod attachments;
mod audit;
mod bad_input;
mod browser_journeys;
mod browser_pages;
mod cli;
mod companies;
mod concurrency;
mod counts;
mod dashboard;
mod dashboard_cache;
mod delays;
mod design;
mod eligibility;
mod emails;
mod exchanges;
mod file_stores;
mod forms;
mod helpers;
mod introductions;
mod journey;
mod journeys_applicant;
mod journeys_instructor;
mod lapsing;
mod layers;
mod legal;
mod logos;
mod mail_readers;
mod memberships;
mod notifications;
mod oidc;
mod operations;
mod pool;
mod prefill;
mod preview;
mod repeats;
mod rights_api;
mod rights_asked;
mod rights_granted;
mod risks;
mod roles;
mod security;
mod seed;
mod sessions;
mod smtp_sink;
mod stages;
mod teams;
mod transparency;
mod unread_messages;
mod webhooks;
