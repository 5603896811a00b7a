//! Identities and pre-auth attempts of the platform's own SSO connection. Not tenant-owned:
//! they live beside `users` and `sessions`.

use crate::backend::entities::{platform_sso_attempt, platform_sso_identity};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter,
};
use uuid::Uuid;

pub use platform_sso_attempt::Model as Attempt;
pub use platform_sso_identity::Model as Identity;

/// The identity with this (issuer, subject).
///
/// # Errors
/// Database errors.
pub async fn identity(
    db: &impl ConnectionTrait,
    issuer: &str,
    subject: &str,
) -> Result<Option<Identity>, DbErr> {
    platform_sso_identity::Entity::find()
        .filter(platform_sso_identity::Column::Issuer.eq(issuer))
        .filter(platform_sso_identity::Column::Subject.eq(subject))
        .one(db)
        .await
}

/// # Errors
/// Database errors (the identity already bound is a unique violation).
pub async fn insert_identity(db: &impl ConnectionTrait, row: Identity) -> Result<Identity, DbErr> {
    row.into_active_model().reset_all().insert(db).await
}

/// Records a sign-in: the time and the address the IdP reported this time.
///
/// # Errors
/// Database errors.
pub async fn touch_identity(
    db: &impl ConnectionTrait,
    id: Uuid,
    email: Option<String>,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::Expr;
    platform_sso_identity::Entity::update_many()
        .col_expr(
            platform_sso_identity::Column::LastSignInAt,
            Expr::value(chrono::Utc::now()),
        )
        .col_expr(platform_sso_identity::Column::Email, Expr::value(email))
        .filter(platform_sso_identity::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether the user has a platform identity.
///
/// # Errors
/// Database errors.
pub async fn is_linked(db: &impl ConnectionTrait, user_id: Uuid) -> Result<bool, DbErr> {
    Ok(platform_sso_identity::Entity::find()
        .filter(platform_sso_identity::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .is_some())
}

/// # Errors
/// Database errors.
pub async fn insert_attempt(db: &impl ConnectionTrait, row: Attempt) -> Result<(), DbErr> {
    row.into_active_model().reset_all().insert(db).await?;
    Ok(())
}

/// Removes and returns the attempt with this state hash. The delete decides, so a replayed
/// `state` finds nothing even when both arrive together.
///
/// # Errors
/// Database errors.
pub async fn take_attempt(
    db: &impl ConnectionTrait,
    state_hash: &str,
) -> Result<Option<Attempt>, DbErr> {
    let Some(row) = platform_sso_attempt::Entity::find()
        .filter(platform_sso_attempt::Column::StateHash.eq(state_hash))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let deleted = platform_sso_attempt::Entity::delete_by_id(row.id)
        .exec(db)
        .await?;
    Ok((deleted.rows_affected == 1).then_some(row))
}

/// Deletes attempts that expired unused (abandoned sign-ins).
///
/// # Errors
/// Database errors.
pub async fn purge_expired_attempts(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    Ok(platform_sso_attempt::Entity::delete_many()
        .filter(platform_sso_attempt::Column::ExpiresAt.lt(chrono::Utc::now()))
        .exec(db)
        .await?
        .rows_affected)
}
