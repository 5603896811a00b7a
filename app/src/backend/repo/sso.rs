//! SSO connections, identities and pre-auth attempts of one tenant.

use super::scope::{SystemTx, TenantTx};
use crate::backend::entities::{sso_attempt, sso_connection, sso_identity};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    Set,
};
use uuid::Uuid;

pub use sso_attempt::Model as Attempt;
pub use sso_connection::Model as Connection;
pub use sso_identity::Model as Identity;

/// # Errors
/// Database errors (a duplicate name is a unique violation).
pub async fn insert_connection(tx: &TenantTx, mut row: Connection) -> Result<Connection, DbErr> {
    row.tenant_id = tx.tenant_id();
    row.into_active_model().reset_all().insert(tx.conn()).await
}

/// # Errors
/// Database errors.
pub async fn connections(tx: &TenantTx) -> Result<Vec<Connection>, DbErr> {
    sso_connection::Entity::find()
        .filter(sso_connection::Column::TenantId.eq(tx.tenant_id()))
        .order_by_asc(sso_connection::Column::Name)
        .all(tx.conn())
        .await
}

/// # Errors
/// Database errors.
pub async fn connection(tx: &TenantTx, id: Uuid) -> Result<Option<Connection>, DbErr> {
    sso_connection::Entity::find()
        .filter(sso_connection::Column::TenantId.eq(tx.tenant_id()))
        .filter(sso_connection::Column::Id.eq(id))
        .one(tx.conn())
        .await
}

/// Writes every column of `row` (already loaded in this tenant).
///
/// # Errors
/// Database errors.
pub async fn save_connection(tx: &TenantTx, row: Connection) -> Result<Connection, DbErr> {
    if row.tenant_id != tx.tenant_id() {
        return Err(DbErr::RecordNotFound("sso connection".into()));
    }
    let mut active = row.into_active_model().reset_all();
    active.updated_at = Set(chrono::Utc::now());
    active.update(tx.conn()).await
}

/// # Errors
/// Database errors.
pub async fn delete_connection(tx: &TenantTx, id: Uuid) -> Result<bool, DbErr> {
    let result = sso_connection::Entity::delete_many()
        .filter(sso_connection::Column::TenantId.eq(tx.tenant_id()))
        .filter(sso_connection::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(result.rows_affected > 0)
}

/// The identity with this (issuer, subject) in the tenant.
///
/// # Errors
/// Database errors.
pub async fn identity(
    tx: &TenantTx,
    issuer: &str,
    subject: &str,
) -> Result<Option<Identity>, DbErr> {
    sso_identity::Entity::find()
        .filter(sso_identity::Column::TenantId.eq(tx.tenant_id()))
        .filter(sso_identity::Column::Issuer.eq(issuer))
        .filter(sso_identity::Column::Subject.eq(subject))
        .one(tx.conn())
        .await
}

/// # Errors
/// Database errors (the identity already bound is a unique violation).
pub async fn insert_identity(tx: &TenantTx, mut row: Identity) -> Result<Identity, DbErr> {
    row.tenant_id = tx.tenant_id();
    row.into_active_model().reset_all().insert(tx.conn()).await
}

/// Records a sign-in: the time and the address the IdP reported this time.
///
/// # Errors
/// Database errors.
pub async fn touch_identity(tx: &TenantTx, id: Uuid, email: Option<String>) -> Result<(), DbErr> {
    sso_identity::Entity::update_many()
        .col_expr(
            sso_identity::Column::LastSignInAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now()),
        )
        .col_expr(
            sso_identity::Column::Email,
            sea_orm::sea_query::Expr::value(email),
        )
        .filter(sso_identity::Column::TenantId.eq(tx.tenant_id()))
        .filter(sso_identity::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(())
}

/// Identities of one user in the tenant.
///
/// # Errors
/// Database errors.
pub async fn identities_of(tx: &TenantTx, user_id: Uuid) -> Result<Vec<Identity>, DbErr> {
    sso_identity::Entity::find()
        .filter(sso_identity::Column::TenantId.eq(tx.tenant_id()))
        .filter(sso_identity::Column::UserId.eq(user_id))
        .all(tx.conn())
        .await
}

/// # Errors
/// Database errors.
pub async fn insert_attempt(tx: &TenantTx, mut row: Attempt) -> Result<(), DbErr> {
    row.tenant_id = tx.tenant_id();
    row.into_active_model()
        .reset_all()
        .insert(tx.conn())
        .await?;
    Ok(())
}

/// Removes and returns the attempt with this state hash. Only one caller can take it: the
/// delete decides, so a replayed `state` finds nothing even when both arrive together.
///
/// # Errors
/// Database errors.
pub async fn take_attempt(tx: &TenantTx, state_hash: &str) -> Result<Option<Attempt>, DbErr> {
    let Some(row) = sso_attempt::Entity::find()
        .filter(sso_attempt::Column::TenantId.eq(tx.tenant_id()))
        .filter(sso_attempt::Column::StateHash.eq(state_hash))
        .one(tx.conn())
        .await?
    else {
        return Ok(None);
    };
    let deleted = sso_attempt::Entity::delete_many()
        .filter(sso_attempt::Column::TenantId.eq(tx.tenant_id()))
        .filter(sso_attempt::Column::Id.eq(row.id))
        .exec(tx.conn())
        .await?;
    Ok((deleted.rows_affected == 1).then_some(row))
}

/// Deletes the tenant's attempts that expired unused (abandoned sign-ins).
///
/// # Errors
/// Database errors.
pub async fn purge_expired_attempts(tx: &TenantTx) -> Result<u64, DbErr> {
    Ok(sso_attempt::Entity::delete_many()
        .filter(sso_attempt::Column::TenantId.eq(tx.tenant_id()))
        .filter(sso_attempt::Column::ExpiresAt.lt(chrono::Utc::now()))
        .exec(tx.conn())
        .await?
        .rows_affected)
}

/// A sealed client secret anywhere on the platform (key rotation).
pub struct SealedSecret {
    pub tenant_id: Uuid,
    pub id: Uuid,
    pub sealed: String,
}

/// Every client secret, across tenants.
///
/// # Errors
/// Database errors.
pub async fn all_sealed_secrets(tx: &SystemTx) -> Result<Vec<SealedSecret>, DbErr> {
    Ok(sso_connection::Entity::find()
        .filter(sso_connection::Column::ClientSecretSealed.is_not_null())
        .order_by_asc(sso_connection::Column::Id)
        .all(tx.conn())
        .await?
        .into_iter()
        .filter_map(|row| {
            Some(SealedSecret {
                tenant_id: row.tenant_id,
                id: row.id,
                sealed: row.client_secret_sealed?,
            })
        })
        .collect())
}

/// Replaces one sealed client secret (key rotation).
///
/// # Errors
/// Database errors.
pub async fn replace_sealed_secret(
    tx: &SystemTx,
    tenant_id: Uuid,
    id: Uuid,
    sealed: String,
) -> Result<(), DbErr> {
    sso_connection::Entity::update_many()
        .col_expr(
            sso_connection::Column::ClientSecretSealed,
            sea_orm::sea_query::Expr::value(sealed),
        )
        .filter(sso_connection::Column::TenantId.eq(tenant_id))
        .filter(sso_connection::Column::Id.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(())
}
