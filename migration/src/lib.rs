//! Parley's schema migrations. Every migration runs unchanged on SQLite and PostgreSQL and
//! has a `down` that restores the previous schema exactly (tests run up → down → up).

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_users;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20261122_000001_create_users::Migration)]
    }
}
