//! Platform-wide settings kept in the database, so every instance agrees and the platform
//! admin can change them: who may sign up, who may create tenants.

use crate::backend::{
    entities::platform_setting,
    error::DomainError,
    state::{AppState, SignupMode},
};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

const SIGNUP: &str = "signup";

/// The sign-up mode: the stored setting, else the configured default.
///
/// # Errors
/// Database errors.
pub async fn signup_mode(state: &AppState) -> Result<SignupMode, DomainError> {
    let stored = platform_setting::Entity::find_by_id(SIGNUP.to_string())
        .one(state.db())
        .await?;
    Ok(match stored.as_ref().map(|s| s.value.as_str()) {
        Some("invite_only") => SignupMode::InviteOnly,
        Some("open") => SignupMode::Open,
        _ => state.auth().signup,
    })
}

/// # Errors
/// Database errors.
pub async fn set_signup_mode(state: &AppState, mode: SignupMode) -> Result<(), DomainError> {
    let value = match mode {
        SignupMode::Open => "open",
        SignupMode::InviteOnly => "invite_only",
    };
    let row = platform_setting::ActiveModel {
        key: Set(SIGNUP.to_string()),
        value: Set(value.to_string()),
        updated_at: Set(chrono::Utc::now()),
    };
    if platform_setting::Entity::find_by_id(SIGNUP.to_string())
        .one(state.db())
        .await?
        .is_some()
    {
        row.update(state.db()).await?;
    } else {
        row.insert(state.db()).await?;
    }
    Ok(())
}

const TENANT_CREATION: &str = "tenant_creation";

/// Whether any signed-in user may create a tenant (`anyone`, the default) or only
/// platform super-admins (`super_admin`).
///
/// # Errors
/// Database errors.
pub async fn anyone_may_create_tenants(state: &AppState) -> Result<bool, DomainError> {
    let stored = platform_setting::Entity::find_by_id(TENANT_CREATION.to_string())
        .one(state.db())
        .await?;
    Ok(stored.is_none_or(|s| s.value != "super_admin"))
}
