//! `#[server]` functions, one file per area. Each is a public HTTP endpoint: the server's
//! guard refuses anonymous calls to all but the public ones, and each function starts with
//! a `guard` call that yields the caller or the tenant authorization it needs.

pub mod account;
pub mod admin;
pub mod ai;
pub mod chat;
#[cfg(feature = "ssr")]
pub mod guard;
pub mod invitations;
pub mod members;
pub mod session;
pub mod sso;
pub mod system;
pub mod tenants;
