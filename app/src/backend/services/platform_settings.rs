//! Platform-wide settings kept in the database, so every instance agrees and the platform
//! admin can change them: who may sign up, who may create tenants.

use crate::backend::{
    entities::platform_setting,
    error::DomainError,
    state::{AppState, SignupMode},
};
use crate::dto::account::PlatformSettingsDto;
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

/// Stores one setting, creating it on first write.
async fn store(state: &AppState, key: &str, value: &str) -> Result<(), DomainError> {
    let row = platform_setting::ActiveModel {
        key: Set(key.to_string()),
        value: Set(value.to_string()),
        updated_at: Set(chrono::Utc::now()),
    };
    let exists = platform_setting::Entity::find_by_id(key.to_string())
        .one(state.db())
        .await?
        .is_some();
    if exists {
        row.update(state.db()).await?;
    } else {
        row.insert(state.db()).await?;
    }
    Ok(())
}

/// Changes the platform settings (super-admins, through an audited `SystemCtx`).
///
/// # Errors
/// Validation errors for unknown values; database errors.
pub async fn update(
    state: &AppState,
    sys: &crate::backend::authz::SystemCtx,
    settings: &PlatformSettingsDto,
    meta: &crate::backend::request_meta::RequestMeta,
) -> Result<PlatformSettingsDto, DomainError> {
    if !matches!(settings.signup.as_str(), "open" | "invite_only") {
        return Err(DomainError::validation(
            "signup",
            "Choose `open` or `invite_only`.",
        ));
    }
    if !matches!(settings.tenant_creation.as_str(), "anyone" | "super_admin") {
        return Err(DomainError::validation(
            "tenant_creation",
            "Choose `anyone` or `super_admin`.",
        ));
    }
    store(state, SIGNUP, &settings.signup).await?;
    store(state, TENANT_CREATION, &settings.tenant_creation).await?;
    crate::backend::repo::audit::platform(
        state.db(),
        crate::backend::repo::audit::PlatformEvent {
            actor: sys.actor(),
            action: "platform.settings_changed",
            target: String::new(),
            ip: meta.ip.clone(),
            details: serde_json::json!({
                "signup": settings.signup,
                "tenant_creation": settings.tenant_creation,
            }),
        },
    )
    .await?;
    current(state).await
}

/// The settings as they apply now.
///
/// # Errors
/// Database errors.
pub async fn current(state: &AppState) -> Result<PlatformSettingsDto, DomainError> {
    let signup = match signup_mode(state).await? {
        SignupMode::Open => "open",
        SignupMode::InviteOnly => "invite_only",
    };
    let tenant_creation = if anyone_may_create_tenants(state).await? {
        "anyone"
    } else {
        "super_admin"
    };
    Ok(PlatformSettingsDto {
        signup: signup.to_string(),
        tenant_creation: tenant_creation.to_string(),
    })
}
