//! What the chat page needs beyond the REST resources: the caller's choices in one call,
//! and messages with their answers rendered to sanitised HTML.

use super::{chat_settings, models};
use crate::backend::{
    authz::{grants, TenantCtx},
    error::DomainError,
    render::markdown,
    state::AppState,
};
use crate::dto::chat::{
    ChatContextDto, ChatMessagePage, ChatMessageView, MessageDto, MessagePageDto, MessageRole,
};
use crate::roles::{Permission, Role};

/// The models and policy for this caller. Viewers get an answer too (they cannot chat).
///
/// # Errors
/// Database errors; `Suspended`.
pub async fn context(state: &AppState, ctx: &TenantCtx) -> Result<ChatContextDto, DomainError> {
    let can_manage_ai = ctx.role().can(Permission::ManageAi);
    if !ctx.role().can(Permission::UseWorkspace) {
        return Ok(ChatContextDto {
            models: Vec::new(),
            default_model: None,
            may_choose_model: false,
            can_manage_ai,
            can_chat: false,
        });
    }
    let auth = ctx.require::<grants::UseWorkspace>()?;
    let settings = chat_settings::get(state, &auth).await?;
    let models = models::available(state, &auth).await?;
    Ok(ChatContextDto {
        models,
        default_model: settings.default_model,
        may_choose_model: settings.members_choose_model || ctx.role() >= Role::Admin,
        can_manage_ai,
        can_chat: true,
    })
}

/// A message with its answer rendered; questions stay plain text.
pub fn view(message: MessageDto) -> ChatMessageView {
    let html = (message.role == MessageRole::Assistant && !message.content.is_empty())
        .then(|| markdown::to_html(&message.content));
    ChatMessageView { message, html }
}

pub fn page(page: MessagePageDto) -> ChatMessagePage {
    ChatMessagePage {
        items: page.items.into_iter().map(view).collect(),
        next_cursor: page.next_cursor,
    }
}
