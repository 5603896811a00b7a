//! Personal API tokens: shown once, stored hashed, optionally limited to one tenant, with
//! an optional expiry. A token acts with its owner's rights.

use super::{
    caller::{Caller, CallerUser, Credential},
    secret_token,
};
use crate::backend::{entities::api_token, error::DomainError, repo::credentials, state::AppState};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

pub const PREFIX: &str = "pat_";

/// The SQL that finds an API token with its user.
static LOOKUP_SQL: credentials::LookupSql = credentials::LookupSql::new();

/// # Errors
/// `Unauthenticated` for unknown, expired or disabled; database errors.
pub async fn authenticate(
    state: &AppState,
    token: &str,
    in_tenant: Option<&str>,
) -> Result<Caller, DomainError> {
    if !token.starts_with(PREFIX) {
        return Err(DomainError::Unauthenticated);
    }
    let credentials::Found {
        credential: row,
        user,
        tenant,
    } = credentials::find::<api_token::Entity>(
        &state.statement_reader(),
        &LOOKUP_SQL,
        api_token::Column::TokenHash,
        secret_token::hash(token),
        api_token::Column::UserId,
        in_tenant,
    )
    .await?
    .filter(|found| !found.user.disabled)
    .ok_or(DomainError::Unauthenticated)?;
    let now = Utc::now();
    if row.expires_at.is_some_and(|e| e <= now) {
        return Err(DomainError::Unauthenticated);
    }
    if row
        .last_used_at
        .is_none_or(|t| (now - t).num_seconds() >= 60)
    {
        let mut active: api_token::ActiveModel = row.clone().into();
        active.last_used_at = Set(Some(now));
        active.update(state.db()).await?;
    }
    Ok(Caller::new(
        CallerUser {
            id: user.id,
            email: user.email,
            name: user.name,
            is_super_admin: user.is_super_admin,
            last_tenant_id: user.last_tenant_id,
        },
        Credential::ApiToken {
            token_id: row.id,
            restricted_to: row.restricted_to_tenant_id,
        },
        tenant,
    ))
}

pub use api_token::Model as ApiToken;

/// Creates a token; returns the row and the secret (its only copy).
///
/// # Errors
/// Database errors.
pub async fn create(
    state: &AppState,
    user_id: Uuid,
    name: &str,
    restricted_to: Option<Uuid>,
    expires_at: Option<chrono::DateTime<Utc>>,
) -> Result<(ApiToken, String), DomainError> {
    let secret = secret_token::generate(PREFIX);
    let row = api_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        restricted_to_tenant_id: Set(restricted_to),
        name: Set(name.to_string()),
        token_hash: Set(secret_token::hash(&secret)),
        created_at: Set(Utc::now()),
        expires_at: Set(expires_at),
        last_used_at: Set(None),
    }
    .insert(state.db())
    .await?;
    Ok((row, secret))
}

/// # Errors
/// Database errors.
pub async fn list(state: &AppState, user_id: Uuid) -> Result<Vec<ApiToken>, DomainError> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::CreatedAt)
        .all(state.db())
        .await?)
}

/// Deletes one of the user's tokens; `NotFound` for anyone else's.
///
/// # Errors
/// `NotFound`; database errors.
pub async fn revoke(
    state: &AppState,
    user_id: Uuid,
    token_id: Uuid,
) -> Result<ApiToken, DomainError> {
    let row = api_token::Entity::find()
        .filter(api_token::Column::Id.eq(token_id))
        .filter(api_token::Column::UserId.eq(user_id))
        .one(state.db())
        .await?
        .ok_or(DomainError::NotFound)?;
    api_token::Entity::delete_by_id(row.id)
        .exec(state.db())
        .await?;
    Ok(row)
}
