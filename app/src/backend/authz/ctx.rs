//! `TenantCtx` and `Authorized<G>`: proof that a caller may act in a tenant.

use super::Grant;
use crate::backend::{
    auth::caller::Caller,
    error::DomainError,
    repo::{
        memberships,
        scope::{TenantTx, UserTx},
    },
    state::AppState,
};
use crate::roles::Role;
use std::marker::PhantomData;
use uuid::Uuid;

/// The tenant a request acts in, as the auth layer resolved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantInfo {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub suspended: bool,
    pub max_users: Option<i32>,
    /// A super-admin offers the platform's own AI provider here.
    pub platform_ai: bool,
    /// The tenant's AI configuration counter when the request began.
    pub ai_config_version: i64,
}

/// A signed-in user acting in one of their tenants. Only `resolve` builds one.
#[derive(Debug, Clone)]
pub struct TenantCtx {
    tenant: TenantInfo,
    user_id: Uuid,
    role: Role,
}

impl TenantCtx {
    /// Resolves `slug` for `caller`. A tenant that does not exist, one the caller is not a
    /// member of, and one outside an API token's restriction all give the same `NotFound`.
    ///
    /// # Errors
    /// `NotFound` as above; database errors.
    pub async fn resolve(
        state: &AppState,
        caller: &Caller,
        slug: &str,
    ) -> Result<Self, DomainError> {
        let found = match caller.tenant_read_along(slug) {
            Some(read) => read.membership.clone(),
            None => {
                let scope = UserTx::read(state, caller.user().id).await?;
                let found = memberships::in_tenant_named(&scope, slug).await?;
                scope.commit().await?;
                found
            }
        };
        let (tenant, role) = found.ok_or(DomainError::NotFound)?;
        if caller.restricted_to().is_some_and(|only| only != tenant.id) {
            return Err(DomainError::NotFound);
        }
        Ok(Self {
            tenant: TenantInfo {
                id: tenant.id,
                slug: tenant.slug,
                name: tenant.name,
                suspended: tenant.status == "suspended",
                max_users: tenant.max_users,
                platform_ai: tenant.platform_ai,
                ai_config_version: tenant.ai_config_version,
            },
            user_id: caller.user().id,
            role,
        })
    }

    pub fn tenant(&self) -> &TenantInfo {
        &self.tenant
    }

    pub fn user_id(&self) -> Uuid {
        self.user_id
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// Checks the role matrix. A suspended tenant is read-only for everyone.
    ///
    /// # Errors
    /// `Forbidden` when the role is too weak; `Suspended` for writes in a suspended tenant.
    pub fn require<G: Grant>(&self) -> Result<Authorized<G>, DomainError> {
        match crate::roles::refusal(self.role, self.tenant.suspended, G::PERMISSION) {
            Some(crate::roles::Refusal::Role) => return Err(DomainError::Forbidden),
            Some(crate::roles::Refusal::Suspended) => return Err(DomainError::Suspended),
            None => {}
        }
        Ok(Authorized {
            ctx: self.clone(),
            _grant: PhantomData,
        })
    }
}

/// Proof that `ctx` holds permission `G`. Only `TenantCtx::require` makes one.
#[derive(Debug, Clone)]
pub struct Authorized<G: Grant> {
    ctx: TenantCtx,
    _grant: PhantomData<G>,
}

impl<G: Grant> Authorized<G> {
    pub fn ctx(&self) -> &TenantCtx {
        &self.ctx
    }

    pub fn tenant_id(&self) -> Uuid {
        self.ctx.tenant.id
    }

    /// A transaction scoped to this tenant.
    ///
    /// # Errors
    /// Database errors.
    pub async fn begin(&self, state: &AppState) -> Result<TenantTx, DomainError> {
        Ok(TenantTx::begin(state, self.ctx.tenant.id).await?)
    }

    /// A scope in this tenant for reads only (see [`TenantTx::read`]).
    ///
    /// # Errors
    /// Database errors.
    pub async fn read(&self, state: &AppState) -> Result<TenantTx, DomainError> {
        Ok(TenantTx::read(state, self.ctx.tenant.id).await?)
    }

    /// A scope in this tenant for reads and then one write statement (see
    /// [`TenantTx::read_then_write_one`]).
    ///
    /// # Errors
    /// Database errors.
    pub async fn read_then_write_one(&self, state: &AppState) -> Result<TenantTx, DomainError> {
        Ok(TenantTx::read_then_write_one(state, self.ctx.tenant.id).await?)
    }
}
