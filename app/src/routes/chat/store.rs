//! The chat page's shared state: the sidebar's chats, what is known about open tabs, the
//! caller's models and policy, and the chat whose deletion can still be undone.

use crate::dto::chat::{ChatContextDto, ChatDto};
use leptos::prelude::*;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Clone, Copy)]
pub struct ChatStore {
    pub slug: Signal<String>,
    /// The sidebar's list, pinned first then most recently changed.
    pub list: RwSignal<Vec<ChatDto>>,
    /// Chats open in tabs (which may not be on the sidebar's loaded pages).
    pub known: RwSignal<HashMap<Uuid, ChatDto>>,
    pub context: RwSignal<Option<ChatContextDto>>,
    /// The last deleted chat, while its undo notice shows.
    pub deleted: RwSignal<Option<ChatDto>>,
}

impl ChatStore {
    pub fn new(slug: Signal<String>) -> Self {
        Self {
            slug,
            list: RwSignal::new(Vec::new()),
            known: RwSignal::new(HashMap::new()),
            context: RwSignal::new(None),
            deleted: RwSignal::new(None),
        }
    }

    /// Records a chat as the server returned it, wherever the page shows it.
    pub fn remember(&self, chat: ChatDto) {
        self.list.update(|list| {
            if let Some(entry) = list.iter_mut().find(|c| c.id == chat.id) {
                *entry = chat.clone();
            }
            sort(list);
        });
        self.known.update(|known| {
            known.insert(chat.id, chat);
        });
    }

    /// Puts a new or restored chat at its place on the sidebar.
    pub fn insert(&self, chat: ChatDto) {
        self.list.update(|list| {
            list.retain(|c| c.id != chat.id);
            list.push(chat.clone());
            sort(list);
        });
        self.known.update(|known| {
            known.insert(chat.id, chat);
        });
    }

    pub fn forget(&self, id: Uuid) {
        self.list.update(|list| list.retain(|c| c.id != id));
        self.known.update(|known| {
            known.remove(&id);
        });
    }

    pub fn title(&self, id: Uuid) -> Option<String> {
        self.known
            .with(|known| known.get(&id).map(|c| c.title.clone()))
    }
}

/// Pinned first, then the most recently changed, as the server lists them.
fn sort(list: &mut [ChatDto]) {
    list.sort_by(|a, b| {
        b.pinned
            .cmp(&a.pinned)
            .then(b.updated_at.cmp(&a.updated_at))
            .then(b.id.cmp(&a.id))
    });
}
