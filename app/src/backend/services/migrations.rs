//! Schema migrations, run on an owner connection (`db::connect_owner`): the application
//! role may read and write rows but cannot change the schema.

use crate::backend::error::DomainError;
use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;

/// One migration's name and whether it has been applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationState {
    pub name: String,
    pub applied: bool,
}

/// Applies every pending migration.
///
/// # Errors
/// When a migration fails; it runs in a transaction on PostgreSQL.
pub async fn up(owner: &DatabaseConnection) -> Result<(), DomainError> {
    Ok(Migrator::up(owner, None).await?)
}

/// Rolls back the last `steps` migrations (all of them with `None`).
///
/// # Errors
/// When a rollback fails.
pub async fn down(owner: &DatabaseConnection, steps: Option<u32>) -> Result<(), DomainError> {
    Ok(Migrator::down(owner, steps).await?)
}

/// Every known migration, in order, with whether it is applied.
///
/// # Errors
/// When the migration table cannot be read.
pub async fn status(owner: &DatabaseConnection) -> Result<Vec<MigrationState>, DomainError> {
    let applied: Vec<String> = Migrator::get_applied_migrations(owner)
        .await?
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    Ok(Migrator::migrations()
        .iter()
        .map(|m| MigrationState {
            name: m.name().to_owned(),
            applied: applied.iter().any(|a| a == m.name()),
        })
        .collect())
}
