//! Users: global identities (not tenant-owned).

use crate::backend::entities::user;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

pub use user::Model as User;

/// # Errors
/// Database errors.
pub async fn by_id(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<User>, DbErr> {
    user::Entity::find_by_id(id).one(db).await
}

/// `email` must already be normalised.
///
/// # Errors
/// Database errors.
pub async fn by_email(db: &impl ConnectionTrait, email: &str) -> Result<Option<User>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await
}

/// # Errors
/// Database errors, including a unique violation on the e-mail.
pub async fn insert(
    db: &impl ConnectionTrait,
    email: &str,
    name: &str,
    password_hash: Option<String>,
    is_super_admin: bool,
) -> Result<User, DbErr> {
    let now = chrono::Utc::now();
    user::ActiveModel {
        id: Set(Uuid::new_v4()),
        email: Set(email.to_string()),
        name: Set(name.to_string()),
        password_hash: Set(password_hash),
        is_super_admin: Set(is_super_admin),
        disabled: Set(false),
        last_tenant_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
}

/// Sets one column of one user (and `updated_at`); false when no such user.
async fn set_column(
    db: &impl ConnectionTrait,
    id: Uuid,
    column: user::Column,
    value: impl Into<sea_orm::Value>,
) -> Result<bool, DbErr> {
    let result = user::Entity::update_many()
        .col_expr(column, sea_orm::sea_query::Expr::value(value))
        .col_expr(
            user::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now()),
        )
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// # Errors
/// Database errors.
pub async fn set_password_hash(
    db: &impl ConnectionTrait,
    id: Uuid,
    hash: String,
) -> Result<(), DbErr> {
    set_column(db, id, user::Column::PasswordHash, hash)
        .await
        .map(|_| ())
}

/// # Errors
/// Database errors.
pub async fn set_name(db: &impl ConnectionTrait, id: Uuid, name: &str) -> Result<(), DbErr> {
    set_column(db, id, user::Column::Name, name)
        .await
        .map(|_| ())
}

/// # Errors
/// Database errors.
pub async fn set_last_tenant(
    db: &impl ConnectionTrait,
    id: Uuid,
    tenant: Uuid,
) -> Result<(), DbErr> {
    set_column(db, id, user::Column::LastTenantId, tenant)
        .await
        .map(|_| ())
}

/// # Errors
/// Database errors.
pub async fn set_disabled(
    db: &impl ConnectionTrait,
    id: Uuid,
    disabled: bool,
) -> Result<bool, DbErr> {
    set_column(db, id, user::Column::Disabled, disabled).await
}

/// # Errors
/// Database errors.
pub async fn set_super_admin(
    db: &impl ConnectionTrait,
    id: Uuid,
    super_admin: bool,
) -> Result<bool, DbErr> {
    set_column(db, id, user::Column::IsSuperAdmin, super_admin).await
}

/// Enabled super-admins: the platform must keep at least one.
///
/// # Errors
/// Database errors.
pub async fn count_active_super_admins(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    user::Entity::find()
        .filter(user::Column::IsSuperAdmin.eq(true))
        .filter(user::Column::Disabled.eq(false))
        .count(db)
        .await
}

/// Users whose e-mail or name contains `query`, for the platform admin.
///
/// # Errors
/// Database errors.
pub async fn search(
    db: &impl ConnectionTrait,
    query: &str,
    limit: u64,
) -> Result<Vec<User>, DbErr> {
    let mut select = user::Entity::find().order_by_asc(user::Column::Email);
    if !query.is_empty() {
        let pattern = format!("%{}%", query.to_lowercase());
        select = select.filter(
            sea_orm::Condition::any()
                .add(user::Column::Email.like(pattern.clone()))
                .add(
                    sea_orm::sea_query::Expr::expr(sea_orm::sea_query::Func::lower(
                        sea_orm::sea_query::Expr::col(user::Column::Name),
                    ))
                    .like(pattern),
                ),
        );
    }
    select.limit(limit).all(db).await
}
