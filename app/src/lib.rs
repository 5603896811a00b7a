//! Parley's user interface and server functions. Everything that only runs on the server
//! lives under `backend` (feature `ssr`) so the wasm bundle never contains it.

pub mod api;
mod app;
pub mod components;
pub mod dto;
pub mod error;
pub mod labels;
pub mod roles;
pub mod routes;
pub mod session;

#[cfg(feature = "ssr")]
pub mod backend;

pub use app::{mark_hydrated, shell, App};
