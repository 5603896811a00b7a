//! Tenants: create, open (remembered for the picker).

use crate::{
    dto::account::{TenantDto, TenantSummaryDto},
    error::AppError,
};
use leptos::prelude::*;

/// Creates an organisation; answers only what the start page needs to open it (a small
/// type keeps JSON-value decoding out of the first-load bundle).
#[server(endpoint = "tenants/create")]
pub async fn create_tenant(slug: String, name: String) -> Result<TenantSummaryDto, AppError> {
    let (call, account) = super::guard::account_wide().await?;
    crate::backend::services::tenants::create(&call.state, &account, &slug, &name, &call.meta)
        .await
        .map(|t| TenantSummaryDto {
            slug: t.slug,
            name: t.name,
        })
        .map_err(super::guard::fail)
}

/// The tenant page's header; also remembers it as the user's current tenant.
#[server(endpoint = "tenants/open")]
pub async fn open_tenant(slug: String) -> Result<TenantDto, AppError> {
    use crate::backend::{authz::grants::ViewTenant, services::tenants};
    let (call, auth) = super::guard::in_tenant::<ViewTenant>(&slug).await?;
    tenants::remember(&call.state, auth.ctx())
        .await
        .map_err(super::guard::fail)?;
    tenants::get(&call.state, &auth)
        .await
        .map_err(super::guard::fail)
}
