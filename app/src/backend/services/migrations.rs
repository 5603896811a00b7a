//! Schema migrations on the state's database, for start-up and the `migrate` command.

use crate::backend::{error::DomainError, state::AppState};
use migration::{Migrator, MigratorTrait};

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
pub async fn up(state: &AppState) -> Result<(), DomainError> {
    Ok(Migrator::up(state.db(), None).await?)
}

/// Rolls back the last `steps` migrations (all of them with `None`).
///
/// # Errors
/// When a rollback fails.
pub async fn down(state: &AppState, steps: Option<u32>) -> Result<(), DomainError> {
    Ok(Migrator::down(state.db(), steps).await?)
}

/// Every known migration, in order, with whether it is applied.
///
/// # Errors
/// When the migration table cannot be read.
pub async fn status(state: &AppState) -> Result<Vec<MigrationState>, DomainError> {
    let applied: Vec<String> = Migrator::get_applied_migrations(state.db())
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
