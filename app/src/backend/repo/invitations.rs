//! Invitations within one tenant. Only the token's hash is stored.

use super::scope::TenantTx;
use crate::backend::entities::invitation;
use crate::roles::Role;
use sea_orm::{ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

pub use invitation::Model as Invitation;

pub struct NewInvitation<'a> {
    pub id: Uuid,
    pub token_hash: &'a str,
    pub role: Role,
    pub email: Option<String>,
    pub created_by: Uuid,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// # Errors
/// Database errors.
pub async fn insert(tx: &TenantTx, new: NewInvitation<'_>) -> Result<Invitation, DbErr> {
    invitation::ActiveModel {
        tenant_id: Set(tx.tenant_id()),
        id: Set(new.id),
        token_hash: Set(new.token_hash.to_string()),
        role: Set(new.role.as_str().to_string()),
        email: Set(new.email),
        created_by: Set(new.created_by),
        created_at: Set(chrono::Utc::now()),
        expires_at: Set(new.expires_at),
        accepted_at: Set(None),
        accepted_by: Set(None),
    }
    .insert(tx.conn())
    .await
}

/// # Errors
/// Database errors.
pub async fn by_token_hash(tx: &TenantTx, token_hash: &str) -> Result<Option<Invitation>, DbErr> {
    invitation::Entity::find()
        .filter(invitation::Column::TenantId.eq(tx.tenant_id()))
        .filter(invitation::Column::TokenHash.eq(token_hash))
        .one(tx.conn())
        .await
}

/// Pending invitations, newest first.
///
/// # Errors
/// Database errors.
pub async fn pending(tx: &TenantTx) -> Result<Vec<Invitation>, DbErr> {
    invitation::Entity::find()
        .filter(invitation::Column::TenantId.eq(tx.tenant_id()))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(chrono::Utc::now()))
        .order_by_desc(invitation::Column::CreatedAt)
        .all(tx.conn())
        .await
}

/// Marks an invitation used, only if it still is unused: the single-use guarantee even
/// when two people accept the same link at once.
///
/// # Errors
/// Database errors.
pub async fn mark_accepted(tx: &TenantTx, id: Uuid, user_id: Uuid) -> Result<bool, DbErr> {
    let now = chrono::Utc::now();
    let result = invitation::Entity::update_many()
        .col_expr(
            invitation::Column::AcceptedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .col_expr(
            invitation::Column::AcceptedBy,
            sea_orm::sea_query::Expr::value(user_id),
        )
        .filter(invitation::Column::TenantId.eq(tx.tenant_id()))
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .exec(tx.conn())
        .await?;
    Ok(result.rows_affected == 1)
}

/// Revokes a pending invitation; false when none matched in this tenant.
///
/// # Errors
/// Database errors.
pub async fn delete(tx: &TenantTx, id: Uuid) -> Result<bool, DbErr> {
    let result = invitation::Entity::delete_many()
        .filter(invitation::Column::TenantId.eq(tx.tenant_id()))
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .exec(tx.conn())
        .await?;
    Ok(result.rows_affected == 1)
}
