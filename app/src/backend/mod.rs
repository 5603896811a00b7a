//! Server-only code: database, services, auth. Compiled only with the `ssr` feature.

pub mod auth;
pub mod authz;
pub mod crypto;
pub mod csp;
pub mod db;
mod entities;
pub mod error;
pub mod generation;
pub mod http_error;
pub mod llm;
pub mod render;
pub mod repo;
pub mod request_meta;
pub mod services;
pub mod state;
