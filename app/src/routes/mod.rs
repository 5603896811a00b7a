//! Pages, one module per page or page group.

pub mod account;
pub mod admin;
pub mod ai_settings;
pub mod auth;
pub mod chat;
pub mod error_page;
pub mod home;
pub mod invite;
pub mod lazy;
pub mod members;
pub mod new_tenant;
pub mod not_found;
pub mod sso_login;
pub mod sso_settings;
pub mod status;
pub mod tenant;
