//! A tenant's chat defaults and member policy: read by every member (the composer needs
//! them), changed by admins.

use super::{ai_config::AiConfig, models};
use crate::backend::{
    authz::{grants, Authorized, Grant},
    error::DomainError,
    repo::{audit, chat_settings, scope::TenantTx},
    request_meta::RequestMeta,
    state::AppState,
};
use crate::dto::chat::ChatSettingsDto;
use serde_json::json;

pub const MAX_SYSTEM_PROMPT: usize = 20_000;
pub const MAX_TOKENS_LIMIT: i32 = 1_000_000;

/// # Errors
/// Database errors.
pub async fn load(tx: &TenantTx) -> Result<ChatSettingsDto, DomainError> {
    Ok(chat_settings::get(tx)
        .await?
        .map_or_else(ChatSettingsDto::default, |row| ChatSettingsDto {
            default_model: row.default_model,
            temperature: row.temperature,
            max_tokens: row.max_tokens,
            system_prompt: row.system_prompt,
            members_choose_model: row.members_choose_model,
            members_tune: row.members_tune,
        }))
}

/// # Errors
/// Database errors.
pub async fn get<G: Grant>(
    state: &AppState,
    auth: &Authorized<G>,
) -> Result<ChatSettingsDto, DomainError> {
    let tx = auth.begin(state).await?;
    let settings = load(&tx).await?;
    tx.commit().await?;
    Ok(settings)
}

/// Checks the numbers a person may set (tenant defaults or per-chat overrides).
///
/// # Errors
/// Validation errors on `temperature` or `max_tokens`.
pub fn check_tuning(temperature: Option<f32>, max_tokens: Option<i32>) -> Result<(), DomainError> {
    if temperature.is_some_and(|t| !(0.0..=2.0).contains(&t) || t.is_nan()) {
        return Err(DomainError::validation(
            "temperature",
            "Temperature is a number from 0 to 2.",
        ));
    }
    if max_tokens.is_some_and(|n| !(1..=MAX_TOKENS_LIMIT).contains(&n)) {
        return Err(DomainError::validation(
            "max_tokens",
            "Max tokens is a whole number from 1 to 1,000,000.",
        ));
    }
    Ok(())
}

/// # Errors
/// Validation errors; a default model that is not enabled.
pub async fn put(
    state: &AppState,
    auth: &Authorized<grants::ManageAi>,
    settings: ChatSettingsDto,
    meta: &RequestMeta,
) -> Result<ChatSettingsDto, DomainError> {
    check_tuning(settings.temperature, settings.max_tokens)?;
    if settings.system_prompt.chars().count() > MAX_SYSTEM_PROMPT {
        return Err(DomainError::validation(
            "system_prompt",
            "Keep the system prompt under 20,000 characters.",
        ));
    }
    let tx = auth.begin(state).await?;
    let default_model = match settings.default_model.as_deref().map(str::trim) {
        Some(model) if !model.is_empty() => {
            let config = AiConfig::read(&tx).await?;
            Some(
                models::Catalog::new(state, &config, auth.ctx())
                    .resolve(model)?
                    .id,
            )
        }
        _ => None,
    };
    let row = chat_settings::ChatSettings {
        tenant_id: auth.tenant_id(),
        default_model,
        temperature: settings.temperature,
        max_tokens: settings.max_tokens,
        system_prompt: settings.system_prompt,
        members_choose_model: settings.members_choose_model,
        members_tune: settings.members_tune,
        updated_at: chrono::Utc::now(),
    };
    chat_settings::put(&tx, row).await?;
    let saved = load(&tx).await?;
    audit::tenant(
        &tx,
        audit::TenantEvent {
            actor: Some(auth.ctx().user_id()),
            action: "chat_settings.updated",
            target: String::new(),
            ip: &meta.ip,
            details: json!({
                "default_model": saved.default_model,
                "members_choose_model": saved.members_choose_model,
                "members_tune": saved.members_tune,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}
