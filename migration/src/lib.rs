//! Parley's schema migrations. Every migration runs unchanged on SQLite and PostgreSQL and
//! has a `down` that restores the previous schema exactly (tests run up → down → up).

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_users;
mod m20261122_000002_create_tenancy;
pub mod m20261122_000003_row_level_security;
mod m20261123_000004_create_chat;
mod m20261123_000005_platform_ai;
mod m20261124_000006_create_sso;
mod m20261125_000007_platform_sso;
mod m20261205_000008_ai_config_version;
mod m20261207_000009_usage_by_trigger;
mod m20261207_000010_chat_touched_by_trigger;
mod per_backend;

pub use m20261122_000003_row_level_security::APP_ROLE;

/// Every tenant-owned table. A test checks that no table with `tenant_id` is missing here
/// and that each has forced row-level security on PostgreSQL.
pub const TENANT_TABLES: &[&str] = &[
    "memberships",
    "invitations",
    "audit_events",
    "ai_providers",
    "chat_settings",
    "chats",
    "chat_messages",
    "usage_daily",
    "sso_connections",
    "sso_identities",
    "sso_attempts",
];

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_users::Migration),
            Box::new(m20261122_000002_create_tenancy::Migration),
            Box::new(m20261122_000003_row_level_security::Migration),
            Box::new(m20261123_000004_create_chat::Migration),
            Box::new(m20261123_000005_platform_ai::Migration),
            Box::new(m20261124_000006_create_sso::Migration),
            Box::new(m20261125_000007_platform_sso::Migration),
            Box::new(m20261205_000008_ai_config_version::Migration),
            Box::new(m20261207_000009_usage_by_trigger::Migration),
            Box::new(m20261207_000010_chat_touched_by_trigger::Migration),
        ]
    }
}
