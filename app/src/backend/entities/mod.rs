//! SeaORM entities. Private to `backend`: other code sees DTOs and service functions only.

pub(crate) mod ai_provider;
pub(crate) mod api_token;
pub(crate) mod audit_event;
pub(crate) mod auth_throttle;
pub(crate) mod chat;
pub(crate) mod chat_message;
pub(crate) mod chat_setting;
pub(crate) mod invitation;
pub(crate) mod membership;
pub(crate) mod platform_audit_event;
pub(crate) mod platform_setting;
pub(crate) mod platform_sso_attempt;
pub(crate) mod platform_sso_identity;
pub(crate) mod session;
pub(crate) mod sso_attempt;
pub(crate) mod sso_connection;
pub(crate) mod sso_identity;
pub(crate) mod tenant;
pub(crate) mod usage_daily;
pub(crate) mod user;
