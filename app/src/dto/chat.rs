//! AI providers, models, chat settings, chats and messages as they cross the wire.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The title of a chat until its first exchange names it.
pub const NEW_CHAT_TITLE: &str = "New chat";

/// Where a provider's API lives and how to talk to it. Every kind speaks OpenAI's chat
/// completions protocol; Anthropic and Gemini through their OpenAI-compatible endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    Openai,
    AzureOpenai,
    OpenaiCompatible,
    Anthropic,
    Gemini,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 5] = [
        Self::Openai,
        Self::AzureOpenai,
        Self::OpenaiCompatible,
        Self::Anthropic,
        Self::Gemini,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Openai => "openai",
            Self::AzureOpenai => "azure_openai",
            Self::OpenaiCompatible => "openai_compatible",
            Self::Anthropic => "anthropic",
            Self::Gemini => "gemini",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Openai => "OpenAI",
            Self::AzureOpenai => "Azure OpenAI",
            Self::OpenaiCompatible => "OpenAI-compatible (Ollama, LM Studio, vLLM…)",
            Self::Anthropic => "Anthropic",
            Self::Gemini => "Google Gemini",
        }
    }

    /// The base URL used when none is given; `None` when the admin must type one.
    pub fn default_base_url(self) -> Option<&'static str> {
        match self {
            Self::Openai => Some("https://api.openai.com/v1"),
            Self::Anthropic => Some("https://api.anthropic.com/v1"),
            Self::Gemini => Some("https://generativelanguage.googleapis.com/v1beta/openai"),
            Self::AzureOpenai | Self::OpenaiCompatible => None,
        }
    }

    /// Whether calls need an API key (local OpenAI-compatible servers often do not).
    pub fn needs_key(self) -> bool {
        !matches!(self, Self::OpenaiCompatible)
    }
}

/// A model a provider offers, and whether the tenant enabled it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderModelDto {
    pub name: String,
    pub enabled: bool,
    /// Typed by an admin rather than listed by the provider.
    pub manual: bool,
}

/// A provider as admins see it: the key is write-only, only its last four characters show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderDto {
    pub id: Uuid,
    pub name: String,
    pub kind: ProviderKind,
    pub base_url: Option<String>,
    pub api_version: Option<String>,
    pub api_key_hint: Option<String>,
    pub models: Vec<ProviderModelDto>,
    pub models_refreshed_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What a connection test found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionTestDto {
    pub ok: bool,
    pub message: String,
    pub models: Vec<String>,
}

/// A model a member may pick: `id` is `<provider id>/<model name>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelDto {
    pub id: String,
    pub provider_id: Uuid,
    pub name: String,
    pub provider_name: String,
}

/// The tenant's chat defaults and what members may change. Fields left out of a request
/// take their defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChatSettingsDto {
    pub default_model: Option<String>,
    pub temperature: Option<f32>,
    pub max_tokens: Option<i32>,
    pub system_prompt: String,
    pub members_choose_model: bool,
    pub members_tune: bool,
}

impl Default for ChatSettingsDto {
    fn default() -> Self {
        Self {
            default_model: None,
            temperature: None,
            max_tokens: None,
            system_prompt: String::new(),
            members_choose_model: true,
            members_tune: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatDto {
    pub id: Uuid,
    pub title: String,
    pub model: Option<String>,
    pub system_prompt: Option<String>,
    pub pinned: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageRole {
    User,
    Assistant,
    System,
}

impl MessageRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Assistant => "assistant",
            Self::System => "system",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::User, Self::Assistant, Self::System]
            .into_iter()
            .find(|r| r.as_str() == value)
    }
}

/// How an answer ended, or that it is still being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageStatus {
    Complete,
    Streaming,
    Stopped,
    Interrupted,
    Error,
}

impl MessageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Complete => "complete",
            Self::Streaming => "streaming",
            Self::Stopped => "stopped",
            Self::Interrupted => "interrupted",
            Self::Error => "error",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            Self::Complete,
            Self::Streaming,
            Self::Stopped,
            Self::Interrupted,
            Self::Error,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageDto {
    pub prompt_tokens: Option<i32>,
    pub completion_tokens: Option<i32>,
}

/// Why an answer failed, in words for the person reading the chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageErrorDto {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageDto {
    pub id: Uuid,
    pub chat_id: Uuid,
    pub seq: i64,
    pub role: MessageRole,
    pub content: String,
    pub model: Option<String>,
    pub status: MessageStatus,
    pub usage: UsageDto,
    pub latency_ms: Option<i32>,
    pub error: Option<MessageErrorDto>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A page of messages, oldest first; `before` fetches the page before this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagePageDto {
    pub items: Vec<MessageDto>,
    /// The `seq` to pass as `before` for older messages; `None` at the start of the chat.
    pub next_cursor: Option<String>,
}

/// The answer to sending a message: both rows as stored (the answer may still stream).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeDto {
    pub user_message: MessageDto,
    pub assistant_message: MessageDto,
}

/// A message as the chat page shows it: an answer's Markdown is rendered and sanitised on
/// the server (`html`), so the browser never parses model output itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessageView {
    pub message: MessageDto,
    pub html: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessagePage {
    pub items: Vec<ChatMessageView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatPageDto {
    pub items: Vec<ChatDto>,
    pub next_cursor: Option<String>,
}

/// What the chat page needs to know about the caller and the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatContextDto {
    /// The models this caller may pick.
    pub models: Vec<ModelDto>,
    pub default_model: Option<String>,
    pub may_choose_model: bool,
    /// May open the AI settings (admin+).
    pub can_manage_ai: bool,
    /// Viewers read the organisation but do not chat.
    pub can_chat: bool,
}
