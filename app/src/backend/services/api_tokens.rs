//! Personal API tokens as the account page and `/me/tokens` manage them.

use crate::backend::{
    auth::{api_tokens, caller::AccountCaller},
    authz::TenantCtx,
    error::DomainError,
    repo::{audit, tenants},
    request_meta::RequestMeta,
    state::AppState,
};
use crate::dto::account::{ApiTokenCreatedDto, ApiTokenDto};
use serde_json::json;

/// # Errors
/// Validation errors; `NotFound` for a tenant the caller is not in.
pub async fn create(
    state: &AppState,
    caller: &AccountCaller,
    name: &str,
    tenant: Option<&str>,
    expires_in_days: Option<u32>,
    meta: &RequestMeta,
) -> Result<ApiTokenCreatedDto, DomainError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(DomainError::validation(
            "name",
            "Give the token a name of 1 to 100 characters.",
        ));
    }
    if expires_in_days.is_some_and(|d| d == 0 || d > 3650) {
        return Err(DomainError::validation(
            "expires_in_days",
            "Choose between 1 and 3650 days.",
        ));
    }
    let restricted = match tenant.filter(|t| !t.is_empty()) {
        Some(slug) => Some(
            TenantCtx::resolve(state, caller, slug)
                .await?
                .tenant()
                .clone(),
        ),
        None => None,
    };
    let expires_at =
        expires_in_days.map(|d| chrono::Utc::now() + chrono::Duration::days(i64::from(d)));
    let (row, secret) = api_tokens::create(
        state,
        caller.user().id,
        name,
        restricted.as_ref().map(|t| t.id),
        expires_at,
    )
    .await?;
    audit::platform(
        state.db(),
        audit::PlatformEvent {
            actor: Some(caller.user().id),
            action: "api_token.created",
            target: row.id.to_string(),
            ip: meta.ip.clone(),
            details: json!({ "name": row.name, "tenant": restricted.as_ref().map(|t| &t.slug) }),
        },
    )
    .await?;
    Ok(ApiTokenCreatedDto {
        id: row.id,
        name: row.name,
        token: secret,
        tenant: restricted.map(|t| t.slug),
        expires_at: row.expires_at,
    })
}

/// # Errors
/// Database errors.
pub async fn list(
    state: &AppState,
    caller: &AccountCaller,
) -> Result<Vec<ApiTokenDto>, DomainError> {
    let rows = api_tokens::list(state, caller.user().id).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let tenant = match row.restricted_to_tenant_id {
            Some(id) => tenants_slug(state, id).await?,
            None => None,
        };
        out.push(ApiTokenDto {
            id: row.id,
            name: row.name,
            tenant,
            created_at: row.created_at,
            expires_at: row.expires_at,
            last_used_at: row.last_used_at,
        });
    }
    Ok(out)
}

async fn tenants_slug(state: &AppState, id: uuid::Uuid) -> Result<Option<String>, DomainError> {
    use sea_orm::EntityTrait;
    Ok(crate::backend::entities::tenant::Entity::find_by_id(id)
        .one(state.db())
        .await?
        .map(|t: tenants::Tenant| t.slug))
}

/// # Errors
/// `NotFound` for a token that is not the caller's.
pub async fn revoke(
    state: &AppState,
    caller: &AccountCaller,
    id: uuid::Uuid,
    meta: &RequestMeta,
) -> Result<(), DomainError> {
    let row = api_tokens::revoke(state, caller.user().id, id).await?;
    audit::platform(
        state.db(),
        audit::PlatformEvent {
            actor: Some(caller.user().id),
            action: "api_token.revoked",
            target: row.id.to_string(),
            ip: meta.ip.clone(),
            details: json!({ "name": row.name }),
        },
    )
    .await?;
    Ok(())
}
