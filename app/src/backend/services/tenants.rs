//! Tenants: create, read, update, remember the last one opened.

use super::{platform_settings, validate};
use crate::backend::{
    auth::caller::AccountCaller,
    authz::{grants, Authorized, TenantCtx},
    error::DomainError,
    repo::{audit, memberships, scope::TenantTx, tenants, users},
    request_meta::RequestMeta,
    state::AppState,
};
use crate::dto::account::TenantDto;
use crate::roles::Role;
use serde_json::json;
use uuid::Uuid;

fn dto(t: &tenants::Tenant, role: Role) -> TenantDto {
    TenantDto {
        slug: t.slug.clone(),
        name: t.name.clone(),
        branding: serde_json::from_str(&t.branding).unwrap_or_else(|_| json!({})),
        settings: serde_json::from_str(&t.settings).unwrap_or_else(|_| json!({})),
        status: t.status.clone(),
        max_users: t.max_users,
        role,
    }
}

/// Creates a tenant with the caller as its owner.
///
/// # Errors
/// `Forbidden` when the platform lets only super-admins create tenants; validation errors;
/// `Conflict` when the slug is taken.
pub async fn create(
    state: &AppState,
    caller: &AccountCaller,
    slug: &str,
    name: &str,
    meta: &RequestMeta,
) -> Result<TenantDto, DomainError> {
    if !caller.user().is_super_admin && !platform_settings::anyone_may_create_tenants(state).await?
    {
        return Err(DomainError::Forbidden);
    }
    let slug = validate::slug(slug)?;
    let name = validate::tenant_name(name)?;
    let taken = || DomainError::taken("slug", "This address is already taken. Choose another.");
    if tenants::by_slug(state.db(), &slug).await?.is_some() {
        return Err(taken());
    }
    let tenant = tenants::insert(state.db(), Uuid::new_v4(), &slug, &name)
        .await
        .map_err(|e| match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => taken(),
            _ => DomainError::Db(e),
        })?;
    let tx = TenantTx::begin(state, tenant.id).await?;
    memberships::insert(&tx, caller.user().id, Role::Owner).await?;
    audit::tenant(
        &tx,
        audit::TenantEvent {
            actor: Some(caller.user().id),
            action: "tenant.created",
            target: slug.clone(),
            ip: &meta.ip,
            details: json!({ "name": name }),
        },
    )
    .await?;
    tx.commit().await?;
    audit::platform(
        state.db(),
        audit::PlatformEvent {
            actor: Some(caller.user().id),
            action: "tenant.created",
            target: slug,
            ip: meta.ip.clone(),
            details: json!({}),
        },
    )
    .await?;
    users::set_last_tenant(state.db(), caller.user().id, tenant.id).await?;
    Ok(dto(&tenant, Role::Owner))
}

/// The tenant as its members see it.
///
/// # Errors
/// Database errors.
pub async fn get(
    state: &AppState,
    auth: &Authorized<grants::ViewTenant>,
) -> Result<TenantDto, DomainError> {
    let tx = auth.begin(state).await?;
    let tenant = tenants::current(&tx).await?;
    tx.commit().await?;
    Ok(dto(&tenant, auth.ctx().role()))
}

/// A partial update; absent fields stay as they are.
#[derive(Debug, Default)]
pub struct TenantPatch {
    pub name: Option<String>,
    pub branding: Option<serde_json::Value>,
    pub settings: Option<serde_json::Value>,
}

/// # Errors
/// Validation errors (`branding` and `settings` must be JSON objects under 16 KB).
pub async fn update(
    state: &AppState,
    auth: &Authorized<grants::UpdateTenant>,
    patch: TenantPatch,
    meta: &RequestMeta,
) -> Result<TenantDto, DomainError> {
    let name = patch
        .name
        .as_deref()
        .map(validate::tenant_name)
        .transpose()?;
    let object = |field: &'static str,
                  v: Option<serde_json::Value>|
     -> Result<Option<String>, DomainError> {
        match v {
            None => Ok(None),
            Some(v) if v.is_object() && v.to_string().len() <= 16 * 1024 => Ok(Some(v.to_string())),
            Some(_) => Err(DomainError::validation(
                field,
                "Send a JSON object of at most 16 KB.",
            )),
        }
    };
    let branding = object("branding", patch.branding)?;
    let settings = object("settings", patch.settings)?;
    let tx = auth.begin(state).await?;
    let tenant = tenants::update(&tx, name, branding, settings).await?;
    audit::tenant(
        &tx,
        audit::TenantEvent {
            actor: Some(auth.ctx().user_id()),
            action: "tenant.updated",
            target: tenant.slug.clone(),
            ip: &meta.ip,
            details: json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(dto(&tenant, auth.ctx().role()))
}

/// Remembers the tenant the user opened, for the picker.
///
/// # Errors
/// Database errors.
pub async fn remember(state: &AppState, ctx: &TenantCtx) -> Result<(), DomainError> {
    users::set_last_tenant(state.db(), ctx.user_id(), ctx.tenant().id).await?;
    Ok(())
}
