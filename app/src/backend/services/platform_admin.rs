//! Platform administration (super-admins): tenants and users across the platform. Every
//! function takes a `SystemCtx`, whose creation is audited.

use crate::backend::{
    auth::sessions,
    authz::SystemCtx,
    error::DomainError,
    repo::{audit, tenants, users},
    request_meta::RequestMeta,
    state::AppState,
};
use crate::dto::account::{AdminTenantDto, AdminUserDto};
use serde_json::json;
use uuid::Uuid;

const PAGE: u64 = 200;

/// # Errors
/// Database errors.
pub async fn tenants(
    state: &AppState,
    sys: &SystemCtx,
    query: &str,
) -> Result<Vec<AdminTenantDto>, DomainError> {
    let tx = sys.begin(state).await?;
    let rows = tenants::search(&tx, query.trim(), PAGE).await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|t| AdminTenantDto {
            slug: t.slug,
            name: t.name,
            status: t.status,
            max_users: t.max_users,
            platform_ai: t.platform_ai,
            sso_domains: t
                .sso_domains
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            created_at: t.created_at,
        })
        .collect())
}

/// # Errors
/// Database errors.
pub async fn users(
    state: &AppState,
    _sys: &SystemCtx,
    query: &str,
) -> Result<Vec<AdminUserDto>, DomainError> {
    Ok(users::search(state.db(), query.trim(), PAGE)
        .await?
        .into_iter()
        .map(|u| AdminUserDto {
            id: u.id,
            email: u.email,
            name: u.name,
            is_super_admin: u.is_super_admin,
            disabled: u.disabled,
            created_at: u.created_at,
        })
        .collect())
}

/// Suspends (read-only) or reactivates a tenant.
///
/// # Errors
/// `NotFound` for an unknown slug.
pub async fn set_tenant_suspended(
    state: &AppState,
    sys: &SystemCtx,
    slug: &str,
    suspended: bool,
    meta: &RequestMeta,
) -> Result<(), DomainError> {
    let status = if suspended { "suspended" } else { "active" };
    let tx = sys.begin(state).await?;
    tenants::set_status(&tx, slug, status)
        .await?
        .ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    let action = if suspended {
        "tenant.suspended"
    } else {
        "tenant.reactivated"
    };
    audit_tenant_change(state, sys, action, slug, json!({}), meta).await
}

/// The platform audit line of an administrative change to a tenant.
async fn audit_tenant_change(
    state: &AppState,
    sys: &SystemCtx,
    action: &'static str,
    slug: &str,
    details: serde_json::Value,
    meta: &RequestMeta,
) -> Result<(), DomainError> {
    audit::platform(
        state.db(),
        audit::PlatformEvent {
            actor: sys.actor(),
            action,
            target: slug.to_string(),
            ip: meta.ip.clone(),
            details,
        },
    )
    .await?;
    Ok(())
}

/// Disables (and signs out everywhere) or re-enables a user.
///
/// # Errors
/// `NotFound` for an unknown user; `Conflict` when disabling oneself.
pub async fn set_user_disabled(
    state: &AppState,
    sys: &SystemCtx,
    user_id: Uuid,
    disabled: bool,
    meta: &RequestMeta,
) -> Result<(), DomainError> {
    if disabled && sys.actor() == Some(user_id) {
        return Err(DomainError::Conflict(
            "You cannot disable your own account.".into(),
        ));
    }
    if !users::set_disabled(state.db(), user_id, disabled).await? {
        return Err(DomainError::NotFound);
    }
    if disabled {
        sessions::revoke_all(state, user_id, None).await?;
    }
    audit::platform(
        state.db(),
        audit::PlatformEvent {
            actor: sys.actor(),
            action: if disabled {
                "user.disabled"
            } else {
                "user.enabled"
            },
            target: user_id.to_string(),
            ip: meta.ip.clone(),
            details: json!({}),
        },
    )
    .await?;
    Ok(())
}

/// Sets a new random password for a user and signs them out everywhere. The password is
/// returned once, for the administrator to pass on; the user should change it.
///
/// # Errors
/// `NotFound` for an unknown user.
pub async fn reset_password(
    state: &AppState,
    sys: &SystemCtx,
    user_id: Uuid,
    meta: &RequestMeta,
) -> Result<secrecy::SecretString, DomainError> {
    let user = users::by_id(state.db(), user_id)
        .await?
        .ok_or(DomainError::NotFound)?;
    let password = crate::backend::auth::password::generate_one_time();
    let hash = state.passwords().hash(password.clone()).await?;
    users::set_password_hash(state.db(), user.id, hash).await?;
    sessions::revoke_all(state, user.id, None).await?;
    audit::platform(
        state.db(),
        audit::PlatformEvent {
            actor: sys.actor(),
            action: "user.password_reset",
            target: user.email,
            ip: meta.ip.clone(),
            details: json!({}),
        },
    )
    .await?;
    Ok(password)
}

/// Sets or clears (`None`) how many members a tenant may have.
///
/// # Errors
/// A validation error outside 1–100,000; `NotFound` for an unknown slug.
pub async fn set_member_limit(
    state: &AppState,
    sys: &SystemCtx,
    slug: &str,
    max_users: Option<i32>,
    meta: &RequestMeta,
) -> Result<(), DomainError> {
    if max_users.is_some_and(|n| !(1..=100_000).contains(&n)) {
        return Err(DomainError::validation(
            "max_users",
            "Choose a limit from 1 to 100000, or null for no limit.",
        ));
    }
    let tx = sys.begin(state).await?;
    tenants::set_max_users(&tx, slug, max_users)
        .await?
        .ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    let details = json!({ "max_users": max_users });
    audit_tenant_change(
        state,
        sys,
        "tenant.member_limit_changed",
        slug,
        details,
        meta,
    )
    .await
}

/// Offers the platform's own AI provider to a tenant, or withdraws it.
///
/// # Errors
/// A validation error when no platform provider is configured; `NotFound` for an unknown
/// slug.
pub async fn set_platform_ai(
    state: &AppState,
    sys: &SystemCtx,
    slug: &str,
    on: bool,
    meta: &RequestMeta,
) -> Result<(), DomainError> {
    if on && state.platform_ai().is_none() {
        return Err(DomainError::validation(
            "platform_ai",
            "This server has no platform AI provider. Set PARLEY_OPENAI_API_KEY to offer one.",
        ));
    }
    let tx = sys.begin(state).await?;
    tenants::set_platform_ai(&tx, slug, on)
        .await?
        .ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    audit_tenant_change(
        state,
        sys,
        "tenant.platform_ai_changed",
        slug,
        json!({ "platform_ai": on }),
        meta,
    )
    .await
}

/// Sets the e-mail domains verified for a tenant (whitespace- or comma-separated). A domain
/// verified for another tenant is refused: "continue with your work e-mail" must lead to one
/// organisation only.
///
/// # Errors
/// `NotFound`; validation errors naming the domain; database errors.
pub async fn set_sso_domains(
    state: &AppState,
    sys: &SystemCtx,
    slug: &str,
    domains: &str,
    meta: &RequestMeta,
) -> Result<Vec<String>, DomainError> {
    let mut list: Vec<String> = Vec::new();
    for raw in domains.split(|c: char| c == ',' || c.is_whitespace()) {
        let domain = raw.trim().trim_start_matches('@').to_ascii_lowercase();
        if domain.is_empty() || list.contains(&domain) {
            continue;
        }
        let valid = domain.len() <= 253
            && domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !valid {
            return Err(DomainError::validation(
                "domains",
                format!(
                    "`{}` is not a domain name like example.com.",
                    domain.chars().take(80).collect::<String>()
                ),
            ));
        }
        list.push(domain);
    }
    if list.len() > 50 {
        return Err(DomainError::validation(
            "domains",
            "At most 50 domains per organisation.",
        ));
    }
    let tx = sys.begin(state).await?;
    for domain in &list {
        if let Some(owner) = tenants::by_sso_domain(tx.conn(), domain).await? {
            if owner.slug != slug {
                return Err(DomainError::validation(
                    "domains",
                    format!(
                        "{domain} is verified for another organisation ({}).",
                        owner.slug
                    ),
                ));
            }
        }
    }
    tenants::set_sso_domains(&tx, slug, &list.join(" "))
        .await?
        .ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    audit_tenant_change(
        state,
        sys,
        "tenant.sso_domains_changed",
        slug,
        json!({ "domains": list }),
        meta,
    )
    .await?;
    Ok(list)
}
