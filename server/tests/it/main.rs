//! Parley's server integration tests: one binary (link time is precious), one module per
//! area. Database tests run on SQLite and on the PostgreSQL at 127.0.0.1:5432 (a fresh
//! database per test, dropped afterwards; `PARLEY_TEST_POSTGRES_URL` overrides the admin URL).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod accounts;
mod auth_sweep;
mod chat;
mod connections;
mod crash_recovery;
mod csrf;
mod errors;
mod health;
mod key_rotation;
mod migrations;
mod pages;
mod platform_ai;
mod platform_sso;
mod process;
mod readiness;
mod rls;
mod secret_destinations;
mod security_headers;
mod sso;
mod tenancy;
mod throttling;
