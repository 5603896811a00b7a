//! Identity-provider metadata and signing keys, cached per issuer. The crate fetches keys
//! once; we keep them an hour and refetch early only for a token signed with a key id we
//! do not know — at most once a minute, so a flood of forged `kid`s cannot make us hammer
//! the IdP.

use super::http::{self, HttpError};
use crate::backend::llm::Outbound;
use openidconnect::{
    core::CoreJsonWebKeySet, DiscoveryError, IssuerUrl, JsonWebKeySet, ProviderMetadataWithLogout,
};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// Metadata and keys are re-discovered after this long.
const METADATA_TTL: Duration = Duration::from_secs(3600);
/// The shortest gap between two key refetches for one issuer.
const KEY_REFETCH_GAP: Duration = Duration::from_secs(60);

pub type Metadata = ProviderMetadataWithLogout;

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("the issuer URL is not valid: {0}")]
    Issuer(String),
    #[error("discovery failed: {0}")]
    Discovery(#[from] DiscoveryError<HttpError>),
}

#[derive(Clone)]
struct Entry {
    metadata: Arc<Metadata>,
    discovered_at: Instant,
    /// When a token with an unknown key id last made us refetch the keys. The gap is kept
    /// between refetches, not since discovery: a rotation right after discovery still gets
    /// its one refetch.
    keys_refetched_at: Option<Instant>,
}

/// The per-process cache. Several app instances each keep their own; that only means one
/// discovery per instance.
#[derive(Default)]
pub struct ProviderCache {
    entries: Mutex<HashMap<String, Entry>>,
    /// Serialises fetches so concurrent sign-ins after expiry fetch once, not once each.
    fetching: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for ProviderCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderCache").finish_non_exhaustive()
    }
}

impl ProviderCache {
    fn fresh(&self, issuer: &str) -> Option<Entry> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(issuer)
            .filter(|e| e.discovered_at.elapsed() < METADATA_TTL)
            .cloned()
    }

    fn store(&self, issuer: &str, entry: Entry) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(issuer.to_string(), entry);
        }
    }

    /// The issuer's metadata (with its keys), discovered when missing or older than an hour.
    ///
    /// # Errors
    /// [`ProviderError`] when the issuer is invalid or discovery fails.
    pub async fn metadata(
        &self,
        outbound: &Outbound,
        issuer: &str,
    ) -> Result<Arc<Metadata>, ProviderError> {
        if let Some(entry) = self.fresh(issuer) {
            return Ok(entry.metadata);
        }
        let _fetching = self.fetching.lock().await;
        if let Some(entry) = self.fresh(issuer) {
            return Ok(entry.metadata);
        }
        let metadata = Arc::new(discover(outbound, issuer).await?);
        self.store(
            issuer,
            Entry {
                metadata: Arc::clone(&metadata),
                discovered_at: Instant::now(),
                keys_refetched_at: None,
            },
        );
        Ok(metadata)
    }

    /// Refetches the issuer's keys after a token named an unknown key id. `None` when an
    /// unknown key id made us refetch less than a minute ago (the token is then simply
    /// refused).
    ///
    /// # Errors
    /// [`ProviderError`] when fetching the keys fails.
    pub async fn refetch_keys(
        &self,
        outbound: &Outbound,
        issuer: &str,
    ) -> Result<Option<Arc<Metadata>>, ProviderError> {
        let _fetching = self.fetching.lock().await;
        let Some(entry) = self.fresh(issuer) else {
            return Ok(None);
        };
        if entry
            .keys_refetched_at
            .is_some_and(|at| at.elapsed() < KEY_REFETCH_GAP)
        {
            return Ok(None);
        }
        let client = http::client(outbound);
        let keys: CoreJsonWebKeySet =
            JsonWebKeySet::fetch_async(entry.metadata.jwks_uri(), &client).await?;
        let metadata = Arc::new((*entry.metadata).clone().set_jwks(keys));
        self.store(
            issuer,
            Entry {
                metadata: Arc::clone(&metadata),
                discovered_at: entry.discovered_at,
                keys_refetched_at: Some(Instant::now()),
            },
        );
        tracing::info!(issuer, "refetched the identity provider's signing keys");
        Ok(Some(metadata))
    }

    /// Forgets an issuer (its connection was edited), so the next use discovers afresh.
    pub fn forget(&self, issuer: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(issuer);
        }
    }
}

/// Discovery without the cache, for "test this connection".
///
/// # Errors
/// [`ProviderError`] when the issuer is invalid or discovery fails.
pub async fn discover(outbound: &Outbound, issuer: &str) -> Result<Metadata, ProviderError> {
    let issuer_url =
        IssuerUrl::new(issuer.to_string()).map_err(|e| ProviderError::Issuer(e.to_string()))?;
    let client = http::client(outbound);
    Ok(Metadata::discover_async(issuer_url, &client).await?)
}
