//! `SystemCtx`: the one way to work across tenants (platform administration, SSO
//! provisioning). Creating one writes a platform audit event, so no use goes unrecorded.

use crate::backend::{
    auth::caller::Caller, error::DomainError, repo::audit, repo::scope::SystemTx, state::AppState,
};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct SystemCtx {
    actor: Option<Uuid>,
    purpose: &'static str,
}

impl SystemCtx {
    /// For a platform super-admin acting through the admin console or API.
    ///
    /// # Errors
    /// `Forbidden` unless the caller is a super-admin; `TokenLimitedToTenant` for an API
    /// token limited to one tenant; database errors writing the audit.
    pub async fn for_super_admin(
        state: &AppState,
        caller: &Caller,
        purpose: &'static str,
        ip: &str,
    ) -> Result<Self, DomainError> {
        if !caller.user().is_super_admin {
            return Err(DomainError::Forbidden);
        }
        let caller = caller.account_wide()?;
        Self::open(state, Some(caller.user().id), purpose, ip).await
    }

    /// For the server's own maintenance (no person acting), e.g. the start-up sweep.
    ///
    /// # Errors
    /// Database errors writing the audit.
    pub async fn for_maintenance(
        state: &AppState,
        purpose: &'static str,
    ) -> Result<Self, DomainError> {
        Self::open(state, None, purpose, "").await
    }

    async fn open(
        state: &AppState,
        actor: Option<Uuid>,
        purpose: &'static str,
        ip: &str,
    ) -> Result<Self, DomainError> {
        audit::platform(
            state.db(),
            audit::PlatformEvent {
                actor,
                action: "system_context.opened",
                target: purpose.to_string(),
                ip: ip.to_string(),
                details: serde_json::Value::Null,
            },
        )
        .await?;
        Ok(Self { actor, purpose })
    }

    pub fn actor(&self) -> Option<Uuid> {
        self.actor
    }

    pub fn purpose(&self) -> &'static str {
        self.purpose
    }

    /// A transaction that sees every tenant (on PostgreSQL: `app.system` set for it only).
    ///
    /// # Errors
    /// Database errors.
    pub async fn begin(&self, state: &AppState) -> Result<SystemTx, DomainError> {
        Ok(SystemTx::begin(state).await?)
    }
}
