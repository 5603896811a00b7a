//! Business logic, shared by server functions and REST handlers. Functions that change
//! tenant data take an `Authorized<…>` proof; see `backend::authz`.

pub mod accounts;
pub mod ai_config;
pub mod api_tokens;
pub mod chat_messages;
pub mod chat_page;
pub mod chat_settings;
pub mod chat_view;
pub mod chats;
pub mod first_admin;
pub mod invitations;
pub mod key_rotation;
pub mod members;
pub mod migrations;
pub mod models;
pub mod platform_admin;
pub mod platform_settings;
pub mod platform_sso;
pub mod providers;
pub mod sso_connections;
pub mod sso_sign_in;
pub mod status;
pub mod tenants;
pub mod validate;
