//! Parley's schema migrations. Every migration runs unchanged on SQLite and PostgreSQL and
//! has a `down` that restores the previous schema exactly (tests run up → down → up).

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_users;
mod m20261122_000002_create_tenancy;
pub mod m20261122_000003_row_level_security;

pub use m20261122_000003_row_level_security::{APP_ROLE, TENANT_TABLES};

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_users::Migration),
            Box::new(m20261122_000002_create_tenancy::Migration),
            Box::new(m20261122_000003_row_level_security::Migration),
        ]
    }
}
