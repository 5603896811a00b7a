//! Data access. Tenant-owned tables are reached only through a `TenantTx`, whose queries
//! are filtered on its tenant; updates and deletes filter on tenant *and* id, and touching
//! no row means `NotFound`, so another tenant's ids are never confirmed.

pub mod audit;
pub mod built_once;
pub mod chat_settings;
pub mod chats;
pub mod credentials;
pub mod held_sqlite;
pub mod invitations;
pub mod memberships;
pub mod messages;
pub mod platform_sso;
pub mod providers;
pub mod scope;
pub mod sso;
pub mod tenants;
pub mod usage;
pub mod users;
pub mod write_gate;
