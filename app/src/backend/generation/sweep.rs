//! Answers whose writer is gone (crash, `kill -9`, a lost instance) are marked
//! `interrupted`, keeping the text written so far.

use super::runner::HEARTBEAT;
use crate::backend::{
    authz::SystemCtx, db::DbKind, error::DomainError, repo::messages, state::AppState,
};
use std::time::Duration;

/// At start-up. SQLite serves one process, so every `streaming` row is abandoned; on
/// PostgreSQL other instances may be streaming, so only rows without a recent heartbeat.
///
/// # Errors
/// Database errors.
pub async fn at_startup(state: &AppState) -> Result<u64, DomainError> {
    let cutoff = match state.db_kind() {
        DbKind::Sqlite => chrono::Utc::now() + chrono::Duration::seconds(1),
        DbKind::Postgres => stale_cutoff(),
    };
    sweep(state, cutoff).await
}

fn stale_cutoff() -> chrono::DateTime<chrono::Utc> {
    let stale = chrono::Duration::from_std(HEARTBEAT * 3).unwrap_or_default();
    chrono::Utc::now() - stale
}

async fn sweep(
    state: &AppState,
    cutoff: chrono::DateTime<chrono::Utc>,
) -> Result<u64, DomainError> {
    let ctx = SystemCtx::for_maintenance(state, "sweep abandoned answers").await?;
    let tx = ctx.begin(state).await?;
    let swept = messages::sweep_abandoned(&tx, cutoff).await?;
    tx.commit().await?;
    if swept > 0 {
        tracing::warn!(swept, "marked answers left streaming as interrupted");
    }
    Ok(swept)
}

/// Runs forever on PostgreSQL deployments: another instance may have died mid-stream.
pub async fn periodically(state: AppState) {
    if state.db_kind() != DbKind::Postgres {
        return;
    }
    let mut ticker = tokio::time::interval(Duration::from_secs(60));
    loop {
        ticker.tick().await;
        if let Err(e) = sweep(&state, stale_cutoff()).await {
            tracing::warn!(error = %e, "sweeping abandoned answers failed");
        }
    }
}
