//! The chat page (`/t/{slug}/chat`): the caller's chats on the left, open chats as tabs on
//! the right. Lists and messages load after hydration; answers stream in as they are
//! written and keep being written when the page closes.

mod chat_list;
mod composer;
mod conversation;
pub mod follow;
mod message;
mod scroll_anchor;
mod store;
pub mod tabs;

use super::tenant::use_slug;
use crate::api::chat::{chat_context, get_chat};
use crate::components::empty_state::EmptyState;
use crate::components::icons::{Icon, IconKind};
use crate::components::skeleton::Skeleton;
use chat_list::ChatList;
use conversation::Conversation;
use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;
use leptos_router::{hooks::use_query_map, NavigateOptions};
use store::ChatStore;
use tabs::Tabs;
use uuid::Uuid;

/// The router's `navigate`, kept where event handlers can reach it.
type Navigate = StoredValue<Box<dyn Fn(&str, NavigateOptions)>, LocalStorage>;

/// Opens, switches and closes tabs by changing the URL.
#[derive(Clone, Copy)]
pub struct TabControl {
    pub tabs: Memo<Tabs>,
    slug: Signal<String>,
    /// Only in the browser: a local value dropped on another server thread would panic,
    /// and server rendering never navigates.
    navigate: Option<Navigate>,
}

impl TabControl {
    fn go(&self, tabs: &Tabs) {
        let query = tabs.query();
        let url = if query.is_empty() {
            format!("/t/{}/chat", self.slug.get_untracked())
        } else {
            format!("/t/{}/chat?{query}", self.slug.get_untracked())
        };
        let options = NavigateOptions {
            replace: true,
            scroll: false,
            ..Default::default()
        };
        if let Some(navigate) = self.navigate {
            navigate.with_value(|navigate| navigate(&url, options));
        }
    }

    pub fn open(&self, id: Uuid) {
        self.go(&self.tabs.get_untracked().opened(id));
    }

    pub fn close(&self, id: Uuid) {
        self.go(&self.tabs.get_untracked().closed(id));
    }

    /// Puts the new chat in front, ready to type in.
    pub fn new_chat(&self) {
        self.go(&self.tabs.get_untracked().drafting());
        conversation::focus_draft();
    }
}

/// Opening Chat without tabs in the URL (from the sidebar, or one chat or a new chat from
/// the command palette) brings back the tabs left open in this browser, with that chat in
/// front; every change of tabs is remembered.
fn keep_tabs(
    slug: Signal<String>,
    tabs: Memo<Tabs>,
    query: Memo<leptos_router::params::ParamsMap>,
    control: TabControl,
) {
    #[cfg(feature = "hydrate")]
    {
        let restored = StoredValue::new(false);
        Effect::new(move |_| {
            let key = format!("parley.chat-tabs.{}", slug.get());
            let current = tabs.get();
            let Some(storage) = window().local_storage().ok().flatten() else {
                return;
            };
            if !restored.get_value() {
                restored.set_value(true);
                let saved = storage.get_item(&key).ok().flatten().unwrap_or_default();
                let saved = Tabs::from_query(&saved);
                let (has_tabs, asked) =
                    query.with_untracked(|q| (q.get("tabs").is_some(), q.get("chat")));
                if !has_tabs && !saved.open.is_empty() {
                    let merged = match (current.active, asked) {
                        (Some(id), _) => saved.opened(id),
                        (None, Some(_)) => saved.drafting(),
                        (None, None) => saved,
                    };
                    if merged != current {
                        control.go(&merged);
                        return;
                    }
                }
            }
            let _ = storage.set_item(&key, &current.query());
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (slug, tabs, query, control);
}

#[component]
pub fn ChatPage() -> impl IntoView {
    let slug = use_slug();
    let query = use_query_map();
    let tabs = Memo::new(move |_| {
        query.with(|q| Tabs::parse(q.get("tabs").as_deref(), q.get("chat").as_deref()))
    });
    let store = ChatStore::new(slug);
    #[cfg(feature = "hydrate")]
    let navigate = Some(StoredValue::new_local(
        Box::new(leptos_router::hooks::use_navigate()) as Box<dyn Fn(&str, NavigateOptions)>,
    ));
    #[cfg(not(feature = "hydrate"))]
    let navigate = None;
    let control = TabControl {
        tabs,
        slug,
        navigate,
    };
    provide_context(store);
    provide_context(control);
    keep_tabs(slug, tabs, query, control);
    // The page's own failure (signed out, suspended, not a member) is the shell's to show.
    let failed = RwSignal::new(None::<crate::error::AppError>);
    // Phone: the chat list is a panel over the conversation.
    let list_open = RwSignal::new(false);
    let list_toggle = NodeRef::<leptos::html::Button>::new();

    Effect::new(move |_| {
        let slug = slug.get();
        spawn_local(async move {
            match chat_context(slug).await {
                Ok(context) => {
                    failed.set(None);
                    store.context.set(Some(context));
                }
                Err(e) => failed.set(Some(e)),
            }
        });
    });
    // Tabs opened from the URL need their titles (viewers open none).
    Effect::new(move |_| {
        if !store
            .context
            .with(|c| c.as_ref().is_some_and(|c| c.can_chat))
        {
            return;
        }
        for id in tabs.get().open {
            if store.known.with_untracked(|k| k.contains_key(&id)) {
                continue;
            }
            spawn_local(async move {
                match get_chat(slug.get_untracked(), id).await {
                    Ok(chat) => store.remember(chat),
                    // Deleted or not ours: the tab cannot show anything.
                    Err(_) => control.close(id),
                }
            });
        }
    });

    let mode = Memo::new(move |_| {
        store
            .context
            .with(|c| {
                c.as_ref()
                    .map(|c| if c.can_chat { Mode::Chat } else { Mode::Viewer })
            })
            .unwrap_or(Mode::Loading)
    });

    view! {
        <Title text="Chat"/>
        {move || {
            if let Some(e) = failed.get() {
                return Err(e);
            }
            Ok(match mode.get() {
                Mode::Loading => view! { <div class="page"><Skeleton lines=5/></div> }.into_any(),
                Mode::Viewer => view! { <ViewerNotice slug/> }.into_any(),
                Mode::Chat => view! {
        <section
            class="chat-page"
            class:list-open=move || list_open.get()
            on:keydown=move |ev| {
                // The drawer of chats (phones) closes like any drawer, focus back on its toggle.
                if ev.key() == "Escape" && list_open.get_untracked() {
                    list_open.set(false);
                    if let Some(toggle) = list_toggle.get_untracked() {
                        let _ = toggle.focus();
                    }
                }
            }
        >
            <aside id="chat-list-panel" class="chat-list-panel" aria-label="Your chats">
                <ChatList on_pick=move || list_open.set(false)/>
            </aside>
            <div class="chat-main">
                // The page's heading, also while a chat fills the view.
                <h1 class="visually-hidden">"Chat"</h1>
                <div class="chat-tabs">
                    // Not the navigation's ≡: the chats have their own look.
                    <button
                        type="button"
                        node_ref=list_toggle
                        class="button button-secondary button-small chat-list-toggle"
                        aria-label="Show your chats"
                        aria-controls="chat-list-panel"
                        aria-expanded=move || list_open.get().to_string()
                        on:click=move |_| list_open.update(|o| *o = !*o)
                    >
                        <Icon kind=IconKind::Chat/>
                        <span>"Chats"</span>
                    </button>
                    <TabStrip/>
                    <button
                        type="button"
                        class="button button-small chat-new"
                        on:click=move |_| { control.new_chat(); list_open.set(false); }
                    >
                        <Icon kind=IconKind::Plus/>
                        <span>"New chat"</span>
                    </button>
                </div>
                <UndoDelete/>
                <For each=move || tabs.get().open key=|id| *id let:id>
                    <Conversation chat_id=id active=Signal::derive(move || tabs.get().active == Some(id))/>
                </For>
                // The new chat: always here (its draft kept while other tabs are looked at).
                <Conversation active=Signal::derive(move || tabs.get().active.is_none())/>
            </div>
        </section>
                }.into_any(),
            })
        }}
    }
    .into_any()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Loading,
    Viewer,
    Chat,
}

/// Viewers read the organisation but do not chat: say so, and who can change it.
#[component]
fn ViewerNotice(slug: Signal<String>) -> impl IntoView {
    view! {
        <section class="page page-centered">
            <EmptyState icon=IconKind::Chat title="Chat is for members" page=true>
                <p>"You are a viewer here: you can look around this organisation but not chat. An admin or owner can give you the member role."</p>
                <a class="button" href=move || format!("/t/{}/members", slug.get())>"See who the admins are"</a>
            </EmptyState>
        </section>
    }
}

#[component]
fn TabStrip() -> impl IntoView {
    let store = expect_context::<ChatStore>();
    let control = expect_context::<TabControl>();
    view! {
        <div class="tab-strip" role="tablist" aria-label="Open chats">
            <For each=move || control.tabs.get().open key=|id| *id let:id>
                <div class="tab" class:active=move || control.tabs.get().active == Some(id)>
                    <button
                        type="button"
                        role="tab"
                        id=format!("tab-{id}")
                        aria-controls=format!("panel-{id}")
                        aria-selected=move || (control.tabs.get().active == Some(id)).to_string()
                        aria-keyshortcuts="Delete"
                        class="tab-title"
                        on:click=move |_| control.open(id)
                        on:keydown=move |ev| {
                            if ev.key() == "Delete" {
                                ev.prevent_default();
                                control.close(id);
                            }
                        }
                    >
                        {move || store.title(id).unwrap_or_else(|| "…".into())}
                    </button>
                    // The tab list holds tabs only: the × is for the mouse, the keyboard
                    // closes a tab with Delete.
                    <button
                        type="button"
                        class="tab-close"
                        tabindex="-1"
                        aria-hidden="true"
                        title="Close (Delete)"
                        on:click=move |_| control.close(id)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}

/// After a delete: a notice with an undo button, until the next delete or a close.
#[component]
fn UndoDelete() -> impl IntoView {
    let store = expect_context::<ChatStore>();
    let control = expect_context::<TabControl>();
    let undo = move |_| {
        let Some(chat) = store.deleted.get_untracked() else {
            return;
        };
        store.deleted.set(None);
        spawn_local(async move {
            if let Ok(chat) =
                crate::api::chat::restore_chat(store.slug.get_untracked(), chat.id).await
            {
                let id = chat.id;
                store.insert(chat);
                control.open(id);
            }
        });
    };
    view! {
        {move || store.deleted.get().map(|chat| view! {
            <div class="notice notice-info undo-notice" role="status">
                <span>{format!("Deleted “{}”.", chat.title)}</span>
                <button type="button" class="button button-secondary button-small" on:click=undo>"Undo"</button>
                <button type="button" class="icon-button" aria-label="Dismiss" on:click=move |_| store.deleted.set(None)>"×"</button>
            </div>
        })}
    }
}

/// Shown when the caller has no model to talk to.
#[component]
pub fn NoModels(can_manage_ai: bool) -> impl IntoView {
    let store = expect_context::<ChatStore>();
    if can_manage_ai {
        view! {
            <p>"No AI model is set up yet. Add a provider and enable its models to start chatting."</p>
            <a class="button" href=move || format!("/t/{}/settings/ai", store.slug.get())>"Open AI settings"</a>
        }
        .into_any()
    } else {
        view! { <p>"No AI model is set up for this organisation yet. Ask an admin to add one."</p> }
            .into_any()
    }
}
