//! The platform admin page (super-admins only; every call opens an audited `SystemCtx`).

use crate::{
    dto::account::{AdminTenantDto, AdminUserDto},
    error::AppError,
};
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
async fn system(
    purpose: &'static str,
) -> Result<(super::guard::Call, crate::backend::authz::SystemCtx), AppError> {
    let call = super::guard::signed_in().await?;
    let sys = crate::backend::authz::SystemCtx::for_super_admin(
        &call.state,
        &call.caller,
        purpose,
        &call.meta.ip,
    )
    .await
    .map_err(super::guard::fail)?;
    Ok((call, sys))
}

#[server(endpoint = "admin/tenants")]
pub async fn admin_tenants(query: String) -> Result<Vec<AdminTenantDto>, AppError> {
    let (call, sys) = system("admin.list_tenants").await?;
    crate::backend::services::platform_admin::tenants(&call.state, &sys, &query)
        .await
        .map_err(super::guard::fail)
}

#[server(endpoint = "admin/users")]
pub async fn admin_users(query: String) -> Result<Vec<AdminUserDto>, AppError> {
    let (call, sys) = system("admin.list_users").await?;
    crate::backend::services::platform_admin::users(&call.state, &sys, &query)
        .await
        .map_err(super::guard::fail)
}

#[server(endpoint = "admin/tenants/suspend")]
pub async fn set_tenant_suspended(slug: String, suspended: bool) -> Result<(), AppError> {
    let (call, sys) = system("admin.suspend_tenant").await?;
    crate::backend::services::platform_admin::set_tenant_suspended(
        &call.state,
        &sys,
        &slug,
        suspended,
        &call.meta,
    )
    .await
    .map_err(super::guard::fail)
}

#[server(endpoint = "admin/tenants/platform-ai")]
pub async fn set_tenant_platform_ai(slug: String, platform_ai: bool) -> Result<(), AppError> {
    let (call, sys) = system("admin.platform_ai").await?;
    crate::backend::services::platform_admin::set_platform_ai(
        &call.state,
        &sys,
        &slug,
        platform_ai,
        &call.meta,
    )
    .await
    .map_err(super::guard::fail)
}

/// Sets the e-mail domains verified for a tenant (for "continue with your work e-mail").
#[server(endpoint = "admin/tenants/domains")]
pub async fn set_tenant_sso_domains(
    slug: String,
    domains: String,
) -> Result<Vec<String>, AppError> {
    let (call, sys) = system("admin.sso_domains").await?;
    crate::backend::services::platform_admin::set_sso_domains(
        &call.state,
        &sys,
        &slug,
        &domains,
        &call.meta,
    )
    .await
    .map_err(super::guard::fail)
}

/// Sets a tenant's member limit; empty removes it.
#[server(endpoint = "admin/tenants/limit")]
pub async fn set_tenant_member_limit(slug: String, max_users: String) -> Result<(), AppError> {
    use crate::backend::error::DomainError;
    let (call, sys) = system("admin.member_limit").await?;
    let max_users = match max_users.trim() {
        "" => None,
        text => Some(text.parse::<i32>().map_err(|_| {
            super::guard::fail(DomainError::validation(
                "max_users",
                "Enter a whole number of members, or leave it empty for no limit.",
            ))
        })?),
    };
    crate::backend::services::platform_admin::set_member_limit(
        &call.state,
        &sys,
        &slug,
        max_users,
        &call.meta,
    )
    .await
    .map_err(super::guard::fail)
}

#[server(endpoint = "admin/users/disable")]
pub async fn set_user_disabled(user_id: Uuid, disabled: bool) -> Result<(), AppError> {
    let (call, sys) = system("admin.disable_user").await?;
    crate::backend::services::platform_admin::set_user_disabled(
        &call.state,
        &sys,
        user_id,
        disabled,
        &call.meta,
    )
    .await
    .map_err(super::guard::fail)
}

/// A new one-time password for a user (shown once); the user is signed out everywhere.
#[server(endpoint = "admin/users/reset-password")]
pub async fn reset_user_password(user_id: Uuid) -> Result<String, AppError> {
    use secrecy::ExposeSecret;
    let (call, sys) = system("admin.reset_password").await?;
    crate::backend::services::platform_admin::reset_password(&call.state, &sys, user_id, &call.meta)
        .await
        .map(|p| p.expose_secret().to_string())
        .map_err(super::guard::fail)
}

#[server(endpoint = "admin/settings")]
pub async fn platform_settings() -> Result<crate::dto::account::PlatformSettingsDto, AppError> {
    let (call, _sys) = system("admin.read_settings").await?;
    crate::backend::services::platform_settings::current(&call.state)
        .await
        .map_err(super::guard::fail)
}

#[server(endpoint = "admin/settings/update")]
pub async fn update_platform_settings(
    signup: String,
    tenant_creation: String,
) -> Result<crate::dto::account::PlatformSettingsDto, AppError> {
    let (call, sys) = system("admin.update_settings").await?;
    let wanted = crate::dto::account::PlatformSettingsDto {
        signup,
        tenant_creation,
    };
    crate::backend::services::platform_settings::update(&call.state, &sys, &wanted, &call.meta)
        .await
        .map_err(super::guard::fail)
}
