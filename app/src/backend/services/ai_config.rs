//! A tenant's AI configuration (its providers and chat settings) as one snapshot, kept in
//! memory per instance so a send does not read it again. A snapshot is reused only while
//! the tenant's `ai_config_version`, read with the request's tenant, is the one it was
//! stored under; every change to providers or settings raises that counter in its own
//! transaction (`repo::tenants::ai_config_changed`), so a change made on any instance is
//! seen by the next request everywhere.

use super::chat_settings;
use crate::backend::{
    authz::{Authorized, Grant, TenantCtx},
    error::DomainError,
    repo::{providers, providers::Provider, scope::TenantTx},
    state::AppState,
};
use crate::dto::chat::ChatSettingsDto;
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};
use uuid::Uuid;

/// Tenants whose snapshots one instance keeps; past this the cache starts again empty
/// (cheap to refill, and bounded whatever the number of tenants).
const MAX_TENANTS: usize = 4096;

pub struct AiConfig {
    pub tenant_id: Uuid,
    pub settings: ChatSettingsDto,
    /// By name.
    pub providers: Vec<Provider>,
}

impl AiConfig {
    /// Reads the configuration now, inside `tx`: for changes that must see the latest.
    ///
    /// # Errors
    /// Database errors.
    pub async fn read(tx: &TenantTx) -> Result<Self, DomainError> {
        Ok(Self {
            tenant_id: tx.tenant_id(),
            settings: chat_settings::load(tx).await?,
            providers: providers::list(tx).await?,
        })
    }
}

/// The configuration at the version `ctx` was resolved with: from memory when this
/// instance has it, otherwise read in `tx` and kept.
///
/// # Errors
/// Database errors; `Forbidden` if `ctx` and `tx` are different tenants.
pub async fn current(
    state: &AppState,
    tx: &TenantTx,
    ctx: &TenantCtx,
) -> Result<Arc<AiConfig>, DomainError> {
    if ctx.tenant().id != tx.tenant_id() {
        return Err(DomainError::Forbidden);
    }
    match cached(state, ctx) {
        Some(config) => Ok(config),
        None => Ok(keep(state, ctx, AiConfig::read(tx).await?)),
    }
}

/// [`current`] for a caller outside any transaction: one is opened only when the snapshot
/// must be read.
///
/// # Errors
/// Database errors.
pub async fn for_caller<G: Grant>(
    state: &AppState,
    auth: &Authorized<G>,
) -> Result<Arc<AiConfig>, DomainError> {
    if let Some(config) = cached(state, auth.ctx()) {
        return Ok(config);
    }
    let tx = auth.begin(state).await?;
    let config = AiConfig::read(&tx).await?;
    tx.commit().await?;
    Ok(keep(state, auth.ctx(), config))
}

fn cached(state: &AppState, ctx: &TenantCtx) -> Option<Arc<AiConfig>> {
    let tenant = ctx.tenant();
    state.ai_configs().get(tenant.id, tenant.ai_config_version)
}

/// Keeps `config`, read for `ctx`'s tenant, under the version `ctx` was resolved with.
fn keep(state: &AppState, ctx: &TenantCtx, config: AiConfig) -> Arc<AiConfig> {
    let config = Arc::new(config);
    state
        .ai_configs()
        .put(ctx.tenant().ai_config_version, config.clone());
    config
}

/// Snapshots by tenant, each with the version it was stored under.
#[derive(Default)]
pub struct AiConfigCache {
    entries: Mutex<HashMap<Uuid, (i64, Arc<AiConfig>)>>,
}

impl AiConfigCache {
    fn get(&self, tenant_id: Uuid, version: i64) -> Option<Arc<AiConfig>> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(&tenant_id)
            .filter(|(stored, _)| *stored == version)
            .map(|(_, config)| config.clone())
    }

    fn put(&self, version: i64, config: Arc<AiConfig>) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_TENANTS && !entries.contains_key(&config.tenant_id) {
                entries.clear();
            }
            entries.insert(config.tenant_id, (version, config));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(tenant_id: Uuid, system_prompt: &str) -> Arc<AiConfig> {
        Arc::new(AiConfig {
            tenant_id,
            settings: ChatSettingsDto {
                system_prompt: system_prompt.into(),
                ..ChatSettingsDto::default()
            },
            providers: Vec::new(),
        })
    }

    #[test]
    fn a_snapshot_is_reused_only_at_its_version_and_only_for_its_tenant() {
        let cache = AiConfigCache::default();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        cache.put(3, config(a, "a at 3"));
        assert_eq!(cache.get(a, 3).unwrap().settings.system_prompt, "a at 3");
        assert!(cache.get(a, 4).is_none(), "a newer version is read again");
        assert!(cache.get(b, 3).is_none(), "another tenant never sees it");
        cache.put(4, config(a, "a at 4"));
        assert!(cache.get(a, 3).is_none());
        assert_eq!(cache.get(a, 4).unwrap().settings.system_prompt, "a at 4");
    }

    #[test]
    fn the_cache_stays_bounded() {
        let cache = AiConfigCache::default();
        for _ in 0..MAX_TENANTS + 10 {
            cache.put(0, config(Uuid::new_v4(), ""));
        }
        assert!(cache.entries.lock().unwrap().len() <= MAX_TENANTS);
    }
}
