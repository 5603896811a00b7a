//! Re-sealing stored secrets under the active master key (`parley rotate-keys`).
//!
//! Rotation: configure the new key as `PARLEY_MASTER_KEY` and the old one in
//! `PARLEY_PREVIOUS_MASTER_KEYS`, run this, then drop the old key. Secrets stay readable
//! throughout, because reading accepts every configured key.

use crate::backend::{
    authz::SystemCtx,
    crypto::sealed,
    error::DomainError,
    repo::{providers, sso},
    state::AppState,
};

/// What a rotation did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Rotation {
    /// Secrets looked at.
    pub checked: usize,
    /// Secrets re-sealed under the active key.
    pub resealed: usize,
    /// Secrets that no configured key opens (left as they are).
    pub unreadable: usize,
}

/// Re-seals every provider key and SSO client secret not sealed with the active master key.
///
/// # Errors
/// Database errors.
pub async fn rotate(state: &AppState) -> Result<Rotation, DomainError> {
    let ctx =
        SystemCtx::for_maintenance(state, "re-seal secrets under the active master key").await?;
    let tx = ctx.begin(state).await?;
    let keys = providers::all_sealed_keys(&tx).await?;
    let mut report = Rotation {
        checked: keys.len(),
        ..Rotation::default()
    };
    for key in keys
        .iter()
        .filter(|k| sealed::needs_rotation(state.keys(), &k.sealed))
    {
        let slot = super::providers::key_slot(key.tenant_id, key.id);
        let Ok(secret) = sealed::open(state.keys(), slot, &key.sealed) else {
            tracing::warn!(provider = %key.id, "a provider key opens with no configured master key");
            report.unreadable += 1;
            continue;
        };
        let resealed = sealed::seal(state.keys(), slot, &secret)
            .map_err(|e| DomainError::Internal(e.to_string()))?;
        if providers::replace_sealed_key(&tx, key, resealed).await? {
            report.resealed += 1;
        }
    }
    let secrets = sso::all_sealed_secrets(&tx).await?;
    report.checked += secrets.len();
    for secret in secrets
        .iter()
        .filter(|s| sealed::needs_rotation(state.keys(), &s.sealed))
    {
        let slot = super::sso_connections::secret_slot(secret.tenant_id, secret.id);
        let Ok(plain) = sealed::open(state.keys(), slot, &secret.sealed) else {
            tracing::warn!(connection = %secret.id, "an SSO client secret opens with no configured master key");
            report.unreadable += 1;
            continue;
        };
        let resealed = sealed::seal(state.keys(), slot, &plain)
            .map_err(|e| DomainError::Internal(e.to_string()))?;
        sso::replace_sealed_secret(&tx, secret.tenant_id, secret.id, resealed).await?;
        report.resealed += 1;
    }
    tx.commit().await?;
    Ok(report)
}
