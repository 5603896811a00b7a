//! Entities of the chat tables as wire DTOs.

use crate::backend::repo::{chats::Chat, messages::Message, providers::Provider};
use crate::dto::chat::{
    ChatDto, MessageDto, MessageErrorDto, MessageRole, MessageStatus, ProviderDto, ProviderKind,
    ProviderModelDto, UsageDto,
};

pub fn chat_dto(chat: Chat) -> ChatDto {
    ChatDto {
        id: chat.id,
        title: chat.title,
        model: chat.model,
        system_prompt: chat.system_prompt,
        pinned: chat.pinned,
        created_at: chat.created_at,
        updated_at: chat.updated_at,
    }
}

pub fn message_dto(m: Message) -> MessageDto {
    MessageDto {
        id: m.id,
        chat_id: m.chat_id,
        seq: m.seq,
        role: MessageRole::parse(&m.role).unwrap_or(MessageRole::User),
        content: m.content,
        model: m.model,
        status: MessageStatus::parse(&m.status).unwrap_or(MessageStatus::Error),
        usage: UsageDto {
            prompt_tokens: m.prompt_tokens,
            completion_tokens: m.completion_tokens,
        },
        latency_ms: m.latency_ms,
        error: m
            .error_code
            .zip(m.error_message)
            .map(|(code, message)| MessageErrorDto { code, message }),
        created_at: m.created_at,
    }
}

pub fn provider_models(p: &Provider) -> Vec<ProviderModelDto> {
    serde_json::from_str(&p.models).unwrap_or_default()
}

pub fn provider_dto(p: Provider) -> ProviderDto {
    ProviderDto {
        id: p.id,
        models: provider_models(&p),
        name: p.name,
        kind: ProviderKind::parse(&p.kind).unwrap_or(ProviderKind::OpenaiCompatible),
        base_url: p.base_url,
        api_version: p.api_version,
        api_key_hint: p.api_key_hint,
        models_refreshed_at: p.models_refreshed_at,
    }
}
