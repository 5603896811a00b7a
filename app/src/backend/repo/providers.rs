//! AI providers of one tenant.

use super::{
    scope::{SystemTx, TenantTx},
    tenants,
};
use crate::backend::entities::ai_provider;
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

pub use ai_provider::Model as Provider;

/// # Errors
/// Database errors (a duplicate name is a unique violation).
pub async fn insert(tx: &TenantTx, mut row: Provider) -> Result<Provider, DbErr> {
    row.tenant_id = tx.tenant_id();
    let inserted = row
        .into_active_model()
        .reset_all()
        .insert(tx.conn())
        .await?;
    tenants::ai_config_changed(tx.conn(), tx.tenant_id()).await?;
    Ok(inserted)
}

/// # Errors
/// Database errors.
pub async fn list(tx: &TenantTx) -> Result<Vec<Provider>, DbErr> {
    ai_provider::Entity::find()
        .filter(ai_provider::Column::TenantId.eq(tx.tenant_id()))
        .order_by_asc(ai_provider::Column::Name)
        .all(tx.conn())
        .await
}

/// # Errors
/// Database errors.
pub async fn get(tx: &TenantTx, id: Uuid) -> Result<Option<Provider>, DbErr> {
    ai_provider::Entity::find()
        .filter(ai_provider::Column::TenantId.eq(tx.tenant_id()))
        .filter(ai_provider::Column::Id.eq(id))
        .one(tx.conn())
        .await
}

/// Writes every column of `row` (already loaded in this tenant).
///
/// # Errors
/// Database errors.
pub async fn save(tx: &TenantTx, row: Provider) -> Result<Provider, DbErr> {
    if row.tenant_id != tx.tenant_id() {
        return Err(DbErr::RecordNotFound("provider".into()));
    }
    let mut active = row.into_active_model().reset_all();
    active.updated_at = Set(chrono::Utc::now());
    let saved = active.update(tx.conn()).await?;
    tenants::ai_config_changed(tx.conn(), tx.tenant_id()).await?;
    Ok(saved)
}

/// # Errors
/// Database errors.
pub async fn delete(tx: &TenantTx, id: Uuid) -> Result<bool, DbErr> {
    let result = ai_provider::Entity::delete_many()
        .filter(ai_provider::Column::TenantId.eq(tx.tenant_id()))
        .filter(ai_provider::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    if result.rows_affected > 0 {
        tenants::ai_config_changed(tx.conn(), tx.tenant_id()).await?;
    }
    Ok(result.rows_affected > 0)
}

/// A sealed key anywhere on the platform (key rotation).
pub struct SealedKey {
    pub tenant_id: Uuid,
    pub id: Uuid,
    pub sealed: String,
}

/// Every provider key, across tenants.
///
/// # Errors
/// Database errors.
pub async fn all_sealed_keys(tx: &SystemTx) -> Result<Vec<SealedKey>, DbErr> {
    let rows = ai_provider::Entity::find()
        .filter(ai_provider::Column::ApiKeySealed.is_not_null())
        .order_by_asc(ai_provider::Column::Id)
        .all(tx.conn())
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            row.api_key_sealed.map(|sealed| SealedKey {
                tenant_id: row.tenant_id,
                id: row.id,
                sealed,
            })
        })
        .collect())
}

/// Replaces one key's ciphertext, if it is still the one that was read.
///
/// # Errors
/// Database errors.
pub async fn replace_sealed_key(
    tx: &SystemTx,
    key: &SealedKey,
    resealed: String,
) -> Result<bool, DbErr> {
    let result = ai_provider::Entity::update_many()
        .col_expr(ai_provider::Column::ApiKeySealed, Expr::value(resealed))
        .filter(ai_provider::Column::TenantId.eq(key.tenant_id))
        .filter(ai_provider::Column::Id.eq(key.id))
        .filter(ai_provider::Column::ApiKeySealed.eq(key.sealed.as_str()))
        .exec(tx.conn())
        .await?;
    if result.rows_affected == 1 {
        tenants::ai_config_changed(tx.conn(), key.tenant_id).await?;
    }
    Ok(result.rows_affected == 1)
}
