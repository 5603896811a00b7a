//! A ready-to-use connection to one provider: its guarded HTTP client and configuration.
//! Built per request from the stored provider (cheap: the HTTP client is shared).

use super::{
    config::ProviderConfig,
    failure::ProviderFailure,
    outbound::Outbound,
    stream::{events, AnswerStream, Chunk, RawStream},
    transport::{self, OnRetry, RetryAfterSeen},
};
use crate::dto::chat::{MessageRole, ProviderKind};
use async_openai::Client;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone)]
pub struct Connection {
    kind: ProviderKind,
    base: String,
    api_version: Option<String>,
    key: SecretString,
    http: reqwest::Client,
    /// A stream error after this long without data is the read timeout firing.
    read_timeout: std::time::Duration,
}

/// One message of the conversation sent to the model.
#[derive(Debug, Clone, Serialize)]
pub struct PromptMessage {
    pub role: MessageRole,
    pub content: String,
}

#[derive(Debug, Clone)]
pub struct ChatRequest {
    pub model: String,
    pub messages: Vec<PromptMessage>,
    pub temperature: Option<f32>,
    pub max_tokens: Option<i32>,
}

#[derive(Serialize)]
struct WireRequest<'a> {
    model: &'a str,
    messages: &'a [PromptMessage],
    stream: bool,
    stream_options: StreamOptions,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<i32>,
}

#[derive(Serialize)]
struct StreamOptions {
    include_usage: bool,
}

#[derive(Deserialize)]
struct ModelList {
    #[serde(default)]
    data: Vec<ModelEntry>,
}

#[derive(Deserialize)]
struct ModelEntry {
    id: String,
}

impl Connection {
    /// Checks the base URL against the outbound policy (every time: a policy change or a
    /// stored URL from before it applies at once).
    ///
    /// # Errors
    /// `NotConfigured` without a usable URL; `AddressRefused` from the SSRF guard.
    pub fn new(
        outbound: &Outbound,
        kind: ProviderKind,
        base_url: Option<&str>,
        api_version: Option<&str>,
        key: SecretString,
    ) -> Result<Self, ProviderFailure> {
        let base = base_url
            .filter(|u| !u.trim().is_empty())
            .or(kind.default_base_url())
            .ok_or_else(|| {
                ProviderFailure::NotConfigured(format!(
                    "This provider has no address. An admin can add it in {}.",
                    crate::labels::AI_SETTINGS
                ))
            })?;
        let url = outbound
            .policy
            .check_url(base)
            .map_err(|refused| ProviderFailure::AddressRefused(refused.to_string()))?;
        Ok(Self {
            read_timeout: outbound.policy.read_timeout(),
            kind,
            base: url.as_str().trim_end_matches('/').to_string(),
            api_version: api_version.map(str::to_string),
            key,
            http: outbound.http.clone(),
        })
    }

    fn client(
        &self,
        deployment: Option<&str>,
        on_retry: Option<OnRetry>,
    ) -> (Client<ProviderConfig>, RetryAfterSeen) {
        let mut config = ProviderConfig::new(
            self.kind,
            &self.base,
            self.api_version.as_deref(),
            self.key.clone(),
        );
        if let Some(deployment) = deployment {
            config = config.for_deployment(deployment);
        }
        let seen = RetryAfterSeen::telling(on_retry);
        let client = Client::build(self.http.clone(), config)
            .with_http_service(transport::service(self.http.clone(), seen.clone()));
        (client, seen)
    }

    /// The model ids the provider lists (`GET /models`), sorted.
    ///
    /// # Errors
    /// The provider's failure, classified.
    pub async fn list_models(&self) -> Result<Vec<String>, ProviderFailure> {
        let (client, seen) = self.client(None, None);
        let list: ModelList = client
            .models()
            .list_byot()
            .await
            .map_err(|e| ProviderFailure::from_openai(&e, "", seen.get()))?;
        let mut ids: Vec<String> = list.data.into_iter().map(|m| m.id).collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// Starts a streamed answer. Retries happen inside, before the first byte; `on_retry`
    /// hears each wait.
    ///
    /// # Errors
    /// The provider's failure, classified.
    pub async fn stream_chat(
        &self,
        request: &ChatRequest,
        on_retry: Option<OnRetry>,
    ) -> Result<AnswerStream, ProviderFailure> {
        let deployment = (self.kind == ProviderKind::AzureOpenai).then_some(request.model.as_str());
        let (client, seen) = self.client(deployment, on_retry);
        let wire = WireRequest {
            model: &request.model,
            messages: &request.messages,
            stream: true,
            stream_options: StreamOptions {
                include_usage: true,
            },
            temperature: request.temperature,
            max_tokens: request.max_tokens,
        };
        let raw: RawStream = client
            .chat()
            .create_stream_byot::<_, Chunk>(wire)
            .await
            .map_err(|e| ProviderFailure::from_openai(&e, &request.model, seen.get()))?;
        Ok(events(raw, request.model.clone(), self.read_timeout))
    }
}
