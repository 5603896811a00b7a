//! `SignInScope`: the tenant an anonymous single sign-on is attempted at, resolved from the
//! URL's slug. It reaches that one tenant's data and nothing else; only the SSO sign-in
//! service uses it, to find the connection, the pre-auth record and the identity.

use crate::backend::{
    error::DomainError,
    repo::{scope::TenantTx, tenants},
    state::AppState,
};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct SignInScope {
    tenant: tenants::Tenant,
}

impl SignInScope {
    /// # Errors
    /// `NotFound` when no tenant has this slug; database errors.
    pub async fn resolve(state: &AppState, slug: &str) -> Result<Self, DomainError> {
        let tenant = tenants::by_slug(state.db(), slug)
            .await?
            .ok_or(DomainError::NotFound)?;
        Ok(Self { tenant })
    }

    pub fn tenant_id(&self) -> Uuid {
        self.tenant.id
    }

    pub fn slug(&self) -> &str {
        &self.tenant.slug
    }

    /// The tenant as it was when the scope was resolved.
    pub fn tenant(&self) -> &tenants::Tenant {
        &self.tenant
    }

    /// A transaction scoped to this tenant.
    ///
    /// # Errors
    /// Database errors.
    pub async fn begin(&self, state: &AppState) -> Result<TenantTx, DomainError> {
        Ok(TenantTx::begin(state, self.tenant.id).await?)
    }
}
