//! A member's own chats: create, list and search, rename, pin, delete with undo.
//! Chats are private to their owner; anyone else, admins included, gets `NotFound`.

use super::{
    ai_config::{self, AiConfig},
    chat_settings,
    chat_view::chat_dto,
    models,
};
use crate::backend::{
    authz::{grants, Authorized},
    error::DomainError,
    repo::chats::{self, Chat, Cursor, Owner},
    state::AppState,
};
use crate::dto::chat::ChatDto;
use crate::roles::Role;
use uuid::Uuid;

pub use crate::dto::chat::NEW_CHAT_TITLE;
/// Deleted chats stay restorable this long, then go for good.
const UNDO_WINDOW_HOURS: i64 = 24;

pub(crate) fn owner(auth: &Authorized<grants::UseWorkspace>) -> Owner {
    Owner(auth.ctx().user_id())
}

fn title(raw: &str) -> Result<String, DomainError> {
    super::validate::display_text("title", raw, 200, "Give the chat a title.")
}

fn system_prompt(raw: Option<String>) -> Result<Option<String>, DomainError> {
    match raw {
        Some(p) if p.chars().count() > chat_settings::MAX_SYSTEM_PROMPT => {
            Err(DomainError::validation(
                "system_prompt",
                "Keep the system prompt under 20,000 characters.",
            ))
        }
        Some(p) if p.trim().is_empty() => Ok(None),
        other => Ok(other),
    }
}

/// Checks that this caller may pick `model` (policy "members may choose the model").
///
/// # Errors
/// `Forbidden`-style validation error; unknown model.
pub(crate) fn allowed_model(
    state: &AppState,
    config: &AiConfig,
    auth: &Authorized<grants::UseWorkspace>,
    model: &str,
) -> Result<String, DomainError> {
    let settings = &config.settings;
    let resolved = models::Catalog::new(state, config, auth.ctx()).resolve(model)?;
    if !settings.members_choose_model
        && auth.ctx().role() < Role::Admin
        && settings.default_model.as_deref() != Some(resolved.id.as_str())
    {
        return Err(DomainError::validation(
            "model",
            "In this organisation only admins choose the model; your chats use the default.",
        ));
    }
    Ok(resolved.id)
}

pub struct NewChat {
    pub title: Option<String>,
    pub model: Option<String>,
    pub system_prompt: Option<String>,
}

/// # Errors
/// Validation errors.
pub async fn create(
    state: &AppState,
    auth: &Authorized<grants::UseWorkspace>,
    new: NewChat,
) -> Result<ChatDto, DomainError> {
    let title = match new.title.as_deref() {
        Some(t) if !t.trim().is_empty() => title(t)?,
        _ => NEW_CHAT_TITLE.to_string(),
    };
    let system_prompt = system_prompt(new.system_prompt)?;
    let tx = auth.begin(state).await?;
    let model = match new.model.as_deref().map(str::trim) {
        Some(m) if !m.is_empty() => Some(allowed_model(
            state,
            &*ai_config::current(state, &tx, auth.ctx()).await?,
            auth,
            m,
        )?),
        _ => None,
    };
    let now = chrono::Utc::now();
    let chat = chats::insert(
        &tx,
        Chat {
            tenant_id: auth.tenant_id(),
            id: Uuid::new_v4(),
            user_id: auth.ctx().user_id(),
            title,
            model,
            system_prompt,
            pinned: false,
            deleted_at: None,
            created_at: now,
            updated_at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(chat_dto(chat))
}

/// One page of the caller's chats, pinned first then most recent; `query` searches
/// titles and message text.
///
/// # Errors
/// Validation error for a malformed cursor.
pub async fn list(
    state: &AppState,
    auth: &Authorized<grants::UseWorkspace>,
    query: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<(Vec<ChatDto>, Option<String>), DomainError> {
    let after = match cursor {
        Some(c) => Some(
            Cursor::decode(c)
                .ok_or_else(|| DomainError::validation("cursor", "This cursor is not valid."))?,
        ),
        None => None,
    };
    let limit = limit.clamp(1, 200);
    let tx = auth.begin(state).await?;
    let mut rows = chats::list(&tx, owner(auth), query, after, limit + 1).await?;
    tx.commit().await?;
    let next = if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|c| Cursor::of(c).encode())
    } else {
        None
    };
    Ok((rows.into_iter().map(chat_dto).collect(), next))
}

/// # Errors
/// `NotFound`.
pub async fn get(
    state: &AppState,
    auth: &Authorized<grants::UseWorkspace>,
    id: Uuid,
) -> Result<ChatDto, DomainError> {
    let tx = auth.begin(state).await?;
    let chat = chats::get(&tx, owner(auth), id)
        .await?
        .ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    Ok(chat_dto(chat))
}

#[derive(Debug, Default)]
pub struct ChatPatch {
    pub title: Option<String>,
    pub pinned: Option<bool>,
    /// `Some("")` clears the chat's model (back to the default).
    pub model: Option<String>,
    pub system_prompt: Option<String>,
}

/// # Errors
/// `NotFound`; validation errors.
pub async fn update(
    state: &AppState,
    auth: &Authorized<grants::UseWorkspace>,
    id: Uuid,
    patch: ChatPatch,
) -> Result<ChatDto, DomainError> {
    let tx = auth.begin(state).await?;
    let mut chat = chats::get(&tx, owner(auth), id)
        .await?
        .ok_or(DomainError::NotFound)?;
    if let Some(t) = patch.title {
        chat.title = title(&t)?;
    }
    if let Some(pinned) = patch.pinned {
        chat.pinned = pinned;
    }
    if let Some(model) = patch.model {
        chat.model = match model.trim() {
            "" => None,
            m => Some(allowed_model(
                state,
                &*ai_config::current(state, &tx, auth.ctx()).await?,
                auth,
                m,
            )?),
        };
    }
    if patch.system_prompt.is_some() {
        chat.system_prompt = system_prompt(patch.system_prompt)?;
    }
    let chat = chats::save(&tx, owner(auth), chat).await?;
    tx.commit().await?;
    Ok(chat_dto(chat))
}

/// Deletes a chat, restorable with `restore` for a day.
///
/// # Errors
/// `NotFound`.
pub async fn delete(
    state: &AppState,
    auth: &Authorized<grants::UseWorkspace>,
    id: Uuid,
) -> Result<(), DomainError> {
    let tx = auth.begin(state).await?;
    if !chats::set_deleted(&tx, owner(auth), id, true).await? {
        return Err(DomainError::NotFound);
    }
    chats::purge_deleted(
        &tx,
        chrono::Utc::now() - chrono::Duration::hours(UNDO_WINDOW_HOURS),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Undoes `delete`.
///
/// # Errors
/// `NotFound` (also once the undo window has passed).
pub async fn restore(
    state: &AppState,
    auth: &Authorized<grants::UseWorkspace>,
    id: Uuid,
) -> Result<ChatDto, DomainError> {
    let tx = auth.begin(state).await?;
    if !chats::set_deleted(&tx, owner(auth), id, false).await? {
        return Err(DomainError::NotFound);
    }
    let chat = chats::get(&tx, owner(auth), id)
        .await?
        .ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    Ok(chat_dto(chat))
}
