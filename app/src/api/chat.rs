//! The chat page's server functions: chats, messages, sending and stopping. Answers stream
//! to the page through the REST events endpoint (`…/messages/{id}/events`), so a generation
//! runs on after the tab closes and a reload picks it up again.

use crate::{
    dto::chat::{ChatContextDto, ChatDto, ChatMessagePage, ChatMessageView, ChatPageDto},
    error::AppError,
};
use leptos::prelude::*;
use uuid::Uuid;

/// Chats listed per page in the sidebar.
pub const CHAT_PAGE: u64 = 50;
/// Messages loaded per page, newest first.
pub const MESSAGE_PAGE: u64 = 50;

#[server(endpoint = "chat/context")]
pub async fn chat_context(slug: String) -> Result<ChatContextDto, AppError> {
    use crate::backend::{authz::grants::ViewTenant, services::chat_page};
    let (call, auth) = super::guard::in_tenant::<ViewTenant>(&slug).await?;
    chat_page::context(&call.state, auth.ctx())
        .await
        .map_err(super::guard::fail)
}

#[server(endpoint = "chat/list")]
pub async fn list_chats(
    slug: String,
    query: Option<String>,
    cursor: Option<String>,
) -> Result<ChatPageDto, AppError> {
    use crate::backend::{authz::grants::UseWorkspace, services::chats};
    let (call, auth) = super::guard::in_tenant::<UseWorkspace>(&slug).await?;
    let query = query.filter(|q| !q.trim().is_empty());
    let (items, next_cursor) = chats::list(
        &call.state,
        &auth,
        query.as_deref(),
        cursor.as_deref(),
        CHAT_PAGE,
    )
    .await
    .map_err(super::guard::fail)?;
    Ok(ChatPageDto { items, next_cursor })
}

#[server(endpoint = "chat/get")]
pub async fn get_chat(slug: String, id: Uuid) -> Result<ChatDto, AppError> {
    use crate::backend::{authz::grants::UseWorkspace, services::chats};
    let (call, auth) = super::guard::in_tenant::<UseWorkspace>(&slug).await?;
    chats::get(&call.state, &auth, id)
        .await
        .map_err(super::guard::fail)
}

/// A message as the chat page sends it: the model picked (none when empty), the page's id
/// for the message, the tenant's tuning.
#[cfg(feature = "ssr")]
fn page_message(
    content: String,
    model: Option<String>,
    client_message_id: String,
) -> crate::backend::services::chat_messages::SendInput {
    crate::backend::services::chat_messages::SendInput {
        content,
        model: model.filter(|m| !m.is_empty()),
        client_message_id: Some(client_message_id),
        temperature: None,
        max_tokens: None,
    }
}

/// Starts a chat with its first question (a chat exists only once something is said in
/// it); the page then follows the answer in the new chat's tab.
#[server(endpoint = "chat/start")]
pub async fn start_chat(
    slug: String,
    content: String,
    model: Option<String>,
    client_message_id: String,
) -> Result<ChatDto, AppError> {
    use crate::backend::{authz::grants::UseWorkspace, services::chat_messages};
    let (call, auth) = super::guard::in_tenant::<UseWorkspace>(&slug).await?;
    let input = page_message(content, model, client_message_id);
    let (chat, _sent) = chat_messages::start_chat(&call.state, &auth, input)
        .await
        .map_err(super::guard::fail)?;
    Ok(chat)
}

#[server(endpoint = "chat/update")]
pub async fn update_chat(
    slug: String,
    id: Uuid,
    title: Option<String>,
    pinned: Option<bool>,
    model: Option<String>,
) -> Result<ChatDto, AppError> {
    use crate::backend::{authz::grants::UseWorkspace, services::chats};
    let (call, auth) = super::guard::in_tenant::<UseWorkspace>(&slug).await?;
    let patch = chats::ChatPatch {
        title,
        pinned,
        model,
        system_prompt: None,
    };
    chats::update(&call.state, &auth, id, patch)
        .await
        .map_err(super::guard::fail)
}

#[server(endpoint = "chat/delete")]
pub async fn delete_chat(slug: String, id: Uuid) -> Result<(), AppError> {
    use crate::backend::{authz::grants::UseWorkspace, services::chats};
    let (call, auth) = super::guard::in_tenant::<UseWorkspace>(&slug).await?;
    chats::delete(&call.state, &auth, id)
        .await
        .map_err(super::guard::fail)
}

#[server(endpoint = "chat/restore")]
pub async fn restore_chat(slug: String, id: Uuid) -> Result<ChatDto, AppError> {
    use crate::backend::{authz::grants::UseWorkspace, services::chats};
    let (call, auth) = super::guard::in_tenant::<UseWorkspace>(&slug).await?;
    chats::restore(&call.state, &auth, id)
        .await
        .map_err(super::guard::fail)
}

/// The newest messages, or those before `before`; oldest first.
#[server(endpoint = "chat/messages")]
pub async fn chat_messages(
    slug: String,
    chat_id: Uuid,
    before: Option<String>,
) -> Result<ChatMessagePage, AppError> {
    use crate::backend::{
        authz::grants::UseWorkspace,
        services::{chat_messages, chat_page},
    };
    let (call, auth) = super::guard::in_tenant::<UseWorkspace>(&slug).await?;
    chat_messages::list(&call.state, &auth, chat_id, before.as_deref(), MESSAGE_PAGE)
        .await
        .map(chat_page::page)
        .map_err(super::guard::fail)
}

/// One message as stored now (the page asks for it when an answer ends, for its HTML).
#[server(endpoint = "chat/message")]
pub async fn chat_message(
    slug: String,
    chat_id: Uuid,
    id: Uuid,
) -> Result<ChatMessageView, AppError> {
    use crate::backend::{
        authz::grants::UseWorkspace,
        services::{chat_messages, chat_page},
    };
    let (call, auth) = super::guard::in_tenant::<UseWorkspace>(&slug).await?;
    chat_messages::get(&call.state, &auth, chat_id, id)
        .await
        .map(chat_page::view)
        .map_err(super::guard::fail)
}

/// Stores the question and starts the answer; the page then follows it.
#[server(endpoint = "chat/send")]
pub async fn send_message(
    slug: String,
    chat_id: Uuid,
    content: String,
    model: Option<String>,
    client_message_id: String,
) -> Result<(ChatMessageView, ChatMessageView), AppError> {
    use crate::backend::{
        authz::grants::UseWorkspace,
        services::{chat_messages, chat_page},
    };
    let (call, auth) = super::guard::in_tenant::<UseWorkspace>(&slug).await?;
    let input = page_message(content, model, client_message_id);
    let sent = chat_messages::send(&call.state, &auth, chat_id, input)
        .await
        .map_err(super::guard::fail)?;
    Ok((
        chat_page::view(sent.exchange.user_message),
        chat_page::view(sent.exchange.assistant_message),
    ))
}

/// Answers the last question again; with `content`, replaces the question first.
#[server(endpoint = "chat/regenerate")]
pub async fn regenerate_answer(
    slug: String,
    chat_id: Uuid,
    model: Option<String>,
    content: Option<String>,
) -> Result<(ChatMessageView, ChatMessageView), AppError> {
    use crate::backend::{
        authz::grants::UseWorkspace,
        services::{chat_messages, chat_page},
    };
    let (call, auth) = super::guard::in_tenant::<UseWorkspace>(&slug).await?;
    let model = model.filter(|m| !m.is_empty());
    let sent = match content {
        Some(content) => {
            chat_messages::edit_last(&call.state, &auth, chat_id, &content, model).await
        }
        None => chat_messages::regenerate(&call.state, &auth, chat_id, model).await,
    }
    .map_err(super::guard::fail)?;
    Ok((
        chat_page::view(sent.exchange.user_message),
        chat_page::view(sent.exchange.assistant_message),
    ))
}

#[server(endpoint = "chat/stop")]
pub async fn stop_answer(
    slug: String,
    chat_id: Uuid,
    message_id: Uuid,
) -> Result<ChatMessageView, AppError> {
    use crate::backend::{
        authz::grants::UseWorkspace,
        services::{chat_messages, chat_page},
    };
    let (call, auth) = super::guard::in_tenant::<UseWorkspace>(&slug).await?;
    chat_messages::stop(&call.state, &auth, chat_id, message_id)
        .await
        .map(chat_page::view)
        .map_err(super::guard::fail)
}
