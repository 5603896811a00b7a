//! Tenants. The table is platform-level (it *is* the tenant list), so reads by slug are open
//! to the auth layer; changes go through a `TenantTx` and touch only its own row.

use super::scope::{SystemTx, TenantTx};
use crate::backend::entities::tenant;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

pub use tenant::Model as Tenant;

/// # Errors
/// Database errors.
pub async fn by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<Option<Tenant>, DbErr> {
    tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(slug))
        .one(db)
        .await
}

/// The transaction's own tenant.
///
/// # Errors
/// Database errors; `RecordNotFound` if it vanished.
pub async fn current(tx: &TenantTx) -> Result<Tenant, DbErr> {
    tenant::Entity::find_by_id(tx.tenant_id())
        .one(tx.conn())
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("tenant".into()))
}

/// Raises the tenant's AI configuration counter, in the transaction that changes its
/// providers or chat settings, so every instance's cached copy is known to be stale once
/// the change commits. Only the repository modules holding that configuration call it.
///
/// # Errors
/// Database errors.
pub(super) async fn ai_config_changed(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
) -> Result<(), DbErr> {
    tenant::Entity::update_many()
        .col_expr(
            tenant::Column::AiConfigVersion,
            sea_orm::sea_query::Expr::col(tenant::Column::AiConfigVersion).add(1),
        )
        .filter(tenant::Column::Id.eq(tenant_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// # Errors
/// Database errors, including a unique violation on the slug.
pub async fn insert(
    db: &impl ConnectionTrait,
    id: Uuid,
    slug: &str,
    name: &str,
) -> Result<Tenant, DbErr> {
    let now = chrono::Utc::now();
    tenant::ActiveModel {
        id: Set(id),
        slug: Set(slug.to_string()),
        name: Set(name.to_string()),
        branding: Set("{}".into()),
        settings: Set("{}".into()),
        max_users: Set(None),
        platform_ai: Set(false),
        sso_domains: Set(String::new()),
        require_sso: Set(false),
        ai_config_version: Set(0),
        status: Set("active".into()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
}

/// Updates the transaction's own tenant.
///
/// # Errors
/// Database errors.
pub async fn update(
    tx: &TenantTx,
    name: Option<String>,
    branding: Option<String>,
    settings: Option<String>,
) -> Result<Tenant, DbErr> {
    let mut row: tenant::ActiveModel = current(tx).await?.into();
    if let Some(name) = name {
        row.name = Set(name);
    }
    if let Some(branding) = branding {
        row.branding = Set(branding);
    }
    if let Some(settings) = settings {
        row.settings = Set(settings);
    }
    row.updated_at = Set(chrono::Utc::now());
    row.update(tx.conn()).await
}

/// All tenants, for the platform admin; `query` filters slug and name.
///
/// # Errors
/// Database errors.
pub async fn search(tx: &SystemTx, query: &str, limit: u64) -> Result<Vec<Tenant>, DbErr> {
    let mut select = tenant::Entity::find().order_by_asc(tenant::Column::Slug);
    if !query.is_empty() {
        let pattern = format!("%{}%", query.to_lowercase());
        select = select.filter(
            sea_orm::Condition::any()
                .add(tenant::Column::Slug.like(pattern.clone()))
                .add(
                    sea_orm::sea_query::Expr::expr(sea_orm::sea_query::Func::lower(
                        sea_orm::sea_query::Expr::col(tenant::Column::Name),
                    ))
                    .like(pattern),
                ),
        );
    }
    select.limit(limit).all(tx.conn()).await
}

/// Changes the tenant `slug` (platform administration); `None` when no tenant has it.
async fn update_by_slug(
    tx: &SystemTx,
    slug: &str,
    edit: impl FnOnce(&mut tenant::ActiveModel),
) -> Result<Option<Tenant>, DbErr> {
    let Some(row) = tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(slug))
        .one(tx.conn())
        .await?
    else {
        return Ok(None);
    };
    let mut row: tenant::ActiveModel = row.into();
    edit(&mut row);
    row.updated_at = Set(chrono::Utc::now());
    row.update(tx.conn()).await.map(Some)
}

/// `active` or `suspended`; `None` when no tenant has that slug.
///
/// # Errors
/// Database errors.
pub async fn set_status(tx: &SystemTx, slug: &str, status: &str) -> Result<Option<Tenant>, DbErr> {
    update_by_slug(tx, slug, |row| row.status = Set(status.to_string())).await
}

/// Sets or clears (`None`) the member limit; `None` when no tenant has that slug.
///
/// # Errors
/// Database errors.
pub async fn set_max_users(
    tx: &SystemTx,
    slug: &str,
    max_users: Option<i32>,
) -> Result<Option<Tenant>, DbErr> {
    update_by_slug(tx, slug, |row| row.max_users = Set(max_users)).await
}

/// Offers (or withdraws) the platform's AI provider; `None` when no tenant has that slug.
///
/// # Errors
/// Database errors.
pub async fn set_platform_ai(tx: &SystemTx, slug: &str, on: bool) -> Result<Option<Tenant>, DbErr> {
    update_by_slug(tx, slug, |row| row.platform_ai = Set(on)).await
}

/// # Errors
/// Database errors.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    tenant::Entity::find().count(db).await
}

/// Sets the e-mail domains verified for a tenant (space-separated, lower-case); `None` when
/// no tenant has that slug.
///
/// # Errors
/// Database errors.
pub async fn set_sso_domains(
    tx: &SystemTx,
    slug: &str,
    domains: &str,
) -> Result<Option<Tenant>, DbErr> {
    let domains = domains.to_string();
    update_by_slug(tx, slug, |row| row.sso_domains = Set(domains)).await
}

/// The tenant a platform admin verified `domain` for (lower-case, exact match).
///
/// # Errors
/// Database errors.
pub async fn by_sso_domain(
    db: &impl ConnectionTrait,
    domain: &str,
) -> Result<Option<Tenant>, DbErr> {
    // The LIKE narrows the scan; the exact match on whole words decides.
    let candidates = tenant::Entity::find()
        .filter(tenant::Column::SsoDomains.contains(domain))
        .all(db)
        .await?;
    Ok(candidates
        .into_iter()
        .find(|t| t.sso_domains.split_whitespace().any(|d| d == domain)))
}

/// Whether members of the transaction's tenant must sign in through SSO.
///
/// # Errors
/// Database errors.
pub async fn set_require_sso(tx: &TenantTx, on: bool) -> Result<(), DbErr> {
    let mut row: tenant::ActiveModel = current(tx).await?.into();
    row.require_sso = Set(on);
    row.updated_at = Set(chrono::Utc::now());
    row.update(tx.conn()).await?;
    Ok(())
}
