//! The AI settings page's server functions (admin+): providers, their models, and the
//! tenant's chat defaults. API keys only travel inward: answers carry `…abcd` hints.

use crate::{
    dto::chat::{ChatSettingsDto, ConnectionTestDto, ProviderDto},
    error::AppError,
};
use leptos::prelude::*;
use uuid::Uuid;

/// Lists of model names travel one per line (names cannot contain control characters).
pub fn split_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[server(endpoint = "ai/providers")]
pub async fn list_providers(slug: String) -> Result<Vec<ProviderDto>, AppError> {
    use crate::backend::{authz::grants::ManageAi, services::providers};
    let (call, auth) = super::guard::in_tenant::<ManageAi>(&slug).await?;
    providers::list(&call.state, &auth)
        .await
        .map_err(super::guard::fail)
}

/// Adds a provider; `models` are typed by hand, one per line.
#[server(endpoint = "ai/providers/create")]
pub async fn create_provider(
    slug: String,
    name: String,
    kind: String,
    base_url: Option<String>,
    api_version: Option<String>,
    api_key: Option<String>,
    models: Option<String>,
) -> Result<ProviderDto, AppError> {
    use crate::backend::{authz::grants::ManageAi, error::DomainError, services::providers};
    use crate::dto::chat::ProviderKind;
    let (call, auth) = super::guard::in_tenant::<ManageAi>(&slug).await?;
    let kind = ProviderKind::parse(&kind).ok_or_else(|| {
        super::guard::fail(DomainError::validation("kind", "Choose a provider kind."))
    })?;
    let input = providers::ProviderInput {
        name: Some(name),
        kind: Some(kind),
        base_url,
        api_version,
        api_key: api_key
            .filter(|k| !k.trim().is_empty())
            .map(secrecy::SecretString::from),
        models: models.map(|m| split_lines(&m)),
        enabled_models: None,
    };
    providers::create(&call.state, &auth, input, &call.meta)
        .await
        .map_err(super::guard::fail)
}

/// Sets the models typed by hand and which models are enabled (both one per line).
#[server(endpoint = "ai/providers/models")]
pub async fn save_provider_models(
    slug: String,
    id: Uuid,
    models: String,
    enabled_models: String,
) -> Result<ProviderDto, AppError> {
    use crate::backend::{authz::grants::ManageAi, services::providers};
    let (call, auth) = super::guard::in_tenant::<ManageAi>(&slug).await?;
    let input = providers::ProviderInput {
        models: Some(split_lines(&models)),
        enabled_models: Some(split_lines(&enabled_models)),
        ..providers::ProviderInput::default()
    };
    providers::update(&call.state, &auth, id, input, &call.meta)
        .await
        .map_err(super::guard::fail)
}

/// Replaces the provider's API key.
#[server(endpoint = "ai/providers/key")]
pub async fn replace_provider_key(
    slug: String,
    id: Uuid,
    api_key: String,
) -> Result<ProviderDto, AppError> {
    use crate::backend::{authz::grants::ManageAi, error::DomainError, services::providers};
    let (call, auth) = super::guard::in_tenant::<ManageAi>(&slug).await?;
    if api_key.trim().is_empty() {
        return Err(super::guard::fail(DomainError::validation(
            "api_key",
            "Paste the new key first.",
        )));
    }
    let input = providers::ProviderInput {
        api_key: Some(secrecy::SecretString::from(api_key)),
        ..providers::ProviderInput::default()
    };
    providers::update(&call.state, &auth, id, input, &call.meta)
        .await
        .map_err(super::guard::fail)
}

#[server(endpoint = "ai/providers/delete")]
pub async fn delete_provider(slug: String, id: Uuid) -> Result<(), AppError> {
    use crate::backend::{authz::grants::ManageAi, services::providers};
    let (call, auth) = super::guard::in_tenant::<ManageAi>(&slug).await?;
    providers::delete(&call.state, &auth, id, &call.meta)
        .await
        .map_err(super::guard::fail)
}

/// Calls the provider's model list; on success its models are cached (and, the first
/// time, enabled).
#[server(endpoint = "ai/providers/test")]
pub async fn test_provider(slug: String, id: Uuid) -> Result<ConnectionTestDto, AppError> {
    use crate::backend::{authz::grants::ManageAi, services::providers};
    let (call, auth) = super::guard::in_tenant::<ManageAi>(&slug).await?;
    providers::test_connection(&call.state, &auth, id)
        .await
        .map_err(super::guard::fail)
}

#[server(endpoint = "ai/settings")]
pub async fn get_chat_settings(slug: String) -> Result<ChatSettingsDto, AppError> {
    use crate::backend::{authz::grants::ManageAi, services::chat_settings};
    let (call, auth) = super::guard::in_tenant::<ManageAi>(&slug).await?;
    chat_settings::get(&call.state, &auth)
        .await
        .map_err(super::guard::fail)
}

/// Saves the chat defaults. Checkboxes arrive only when ticked, hence `Option<String>`.
#[server(endpoint = "ai/settings/save")]
#[allow(clippy::too_many_arguments)]
pub async fn save_chat_settings(
    slug: String,
    default_model: Option<String>,
    temperature: Option<String>,
    max_tokens: Option<String>,
    system_prompt: Option<String>,
    members_choose_model: Option<String>,
    members_tune: Option<String>,
) -> Result<ChatSettingsDto, AppError> {
    use crate::backend::{authz::grants::ManageAi, error::DomainError, services::chat_settings};
    let (call, auth) = super::guard::in_tenant::<ManageAi>(&slug).await?;
    let number = |field: &'static str, raw: Option<String>, message: &'static str| match raw
        .as_deref()
        .map(str::trim)
    {
        None | Some("") => Ok(None),
        Some(text) => text
            .parse::<f64>()
            .map(Some)
            .map_err(|_| super::guard::fail(DomainError::validation(field, message))),
    };
    let temperature = number(
        "temperature",
        temperature,
        "Temperature is a number from 0 to 2.",
    )?;
    let max_tokens = number(
        "max_tokens",
        max_tokens,
        "Max tokens is a whole number from 1 to 1,000,000.",
    )?;
    if max_tokens.is_some_and(|n| n.fract() != 0.0 || n > f64::from(i32::MAX) || n < 1.0) {
        return Err(super::guard::fail(DomainError::validation(
            "max_tokens",
            "Max tokens is a whole number from 1 to 1,000,000.",
        )));
    }
    let settings = ChatSettingsDto {
        default_model: default_model.filter(|m| !m.is_empty()),
        temperature: temperature.map(|t| t as f32),
        max_tokens: max_tokens.map(|n| n as i32),
        system_prompt: system_prompt.unwrap_or_default(),
        members_choose_model: members_choose_model.is_some(),
        members_tune: members_tune.is_some(),
    };
    chat_settings::put(&call.state, &auth, settings, &call.meta)
        .await
        .map_err(super::guard::fail)
}

#[cfg(test)]
mod tests {
    use super::split_lines;

    #[test]
    fn model_lists_are_one_name_per_line() {
        assert_eq!(
            split_lines(" gpt-4o \n\n  llama3.1:8b\r\nmeta/llama 3 "),
            vec!["gpt-4o", "llama3.1:8b", "meta/llama 3"]
        );
        assert!(split_lines("  \n ").is_empty());
    }
}
