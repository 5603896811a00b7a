//! Liveness facts about the running system: database reachability and migration state.

use crate::backend::{db, error::DomainError, state::AppState};
use crate::dto::system::SystemReport;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Statement};
use std::time::Duration;

/// How long readiness waits for the database before calling it unreachable.
const READINESS_TIMEOUT: Duration = Duration::from_secs(2);

/// Whether the database answers, within a short deadline.
///
/// # Errors
/// `Internal` with the reason when it does not answer in time or answers with an error.
pub async fn readiness(state: &AppState) -> Result<Duration, DomainError> {
    match tokio::time::timeout(READINESS_TIMEOUT, db::ping(state.db())).await {
        Ok(Ok(latency)) => Ok(latency),
        Ok(Err(err)) => Err(DomainError::Db(err)),
        Err(_) => Err(DomainError::Internal(format!(
            "database did not answer within {} ms",
            READINESS_TIMEOUT.as_millis()
        ))),
    }
}

/// The status page's figures.
///
/// # Errors
/// When the migration table cannot be read.
pub async fn system_status(state: &AppState) -> Result<SystemReport, DomainError> {
    let (database_ok, latency) = match readiness(state).await {
        Ok(latency) => (true, latency),
        Err(_) => (false, Duration::ZERO),
    };
    let migrations_total = Migrator::migrations().len();
    let migrations_applied = if database_ok {
        applied_migrations(state).await?
    } else {
        0
    };
    Ok(SystemReport {
        database_ok,
        database_latency_us: u64::try_from(latency.as_micros()).unwrap_or(u64::MAX),
        migrations_applied,
        migrations_total,
        uptime_seconds: state.started_at().elapsed().as_secs(),
    })
}

/// Counts applied migrations with a plain read: the application role may not create the
/// migration table, which sea-orm-migration's own listing would try.
async fn applied_migrations(state: &AppState) -> Result<usize, DomainError> {
    let db = state.db();
    let row = db
        .query_one(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM seaql_migrations",
        ))
        .await?;
    let n: i64 = row.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0);
    Ok(usize::try_from(n).unwrap_or(0))
}
