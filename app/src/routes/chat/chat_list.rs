//! The sidebar of the chat page: new chat, search (titles and message text), the caller's
//! chats page by page (more load as the list scrolls), and per chat: pin, rename, delete.

use super::{store::ChatStore, TabControl};
use crate::api::chat::{delete_chat, list_chats, update_chat};
use crate::dto::chat::ChatDto;
use leptos::{prelude::*, task::spawn_local};

#[component]
pub fn ChatList(
    on_new: impl Fn() + Copy + Send + Sync + 'static,
    on_pick: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let store = expect_context::<ChatStore>();
    let query = RwSignal::new(String::new());
    let next = RwSignal::new(None::<String>);
    let loading = RwSignal::new(true);
    let problem = RwSignal::new(None::<String>);
    // Answers to an older search are dropped when they arrive late.
    let generation = StoredValue::new(0_u64);

    let load = move |append: bool| {
        let cursor = if append { next.get_untracked() } else { None };
        if append && cursor.is_none() {
            return;
        }
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        loading.set(true);
        spawn_local(async move {
            let q = Some(query.get_untracked());
            let answer = list_chats(store.slug.get_untracked(), q, cursor).await;
            if generation.get_value() != mine {
                return;
            }
            loading.set(false);
            match answer {
                Ok(page) => {
                    problem.set(None);
                    next.set(page.next_cursor);
                    store.known.update(|known| {
                        for chat in &page.items {
                            known.insert(chat.id, chat.clone());
                        }
                    });
                    if append {
                        store.list.update(|list| list.extend(page.items));
                    } else {
                        store.list.set(page.items);
                    }
                }
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    Effect::new(move |_| {
        store.slug.track();
        load(false);
    });

    let on_scroll = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(el) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            let near_end = el.scroll_height() - el.scroll_top() - el.client_height() < 120;
            if near_end && !loading.get_untracked() {
                load(true);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };

    view! {
        <div class="chat-list">
            <div class="chat-list-head">
                <button type="button" class="button chat-new" on:click=move |_| on_new()>"New chat"</button>
                <label class="visually-hidden" for="chat-search">"Search chats"</label>
                <input
                    id="chat-search"
                    class="chat-search"
                    type="search"
                    placeholder="Search chats"
                    autocomplete="off"
                    prop:value=move || query.get()
                    on:input=move |ev| {
                        query.set(event_target_value(&ev));
                        load(false);
                    }
                />
            </div>
            {move || problem.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            <ul class="chat-items" on:scroll=on_scroll aria-busy=move || loading.get().to_string()>
                <For each=move || store.list.get() key=|c| (c.id, c.title.clone(), c.pinned) let:chat>
                    <ChatItem chat on_pick/>
                </For>
            </ul>
            {move || {
                let empty = store.list.with(Vec::is_empty);
                match (loading.get(), empty, query.with(|q| q.trim().is_empty())) {
                    (true, true, _) => Some(view! { <p class="muted chat-list-note">"Loading…"</p> }.into_any()),
                    (false, true, true) => Some(view! { <p class="muted chat-list-note">"No chats yet."</p> }.into_any()),
                    (false, true, false) => Some(view! { <p class="muted chat-list-note">"No chat matches."</p> }.into_any()),
                    _ => None,
                }
            }}
            {move || next.get().is_some().then(|| view! {
                <button type="button" class="button button-secondary button-small chat-more" on:click=move |_| load(true)>
                    "Show more"
                </button>
            })}
        </div>
    }
}

#[component]
fn ChatItem(chat: ChatDto, on_pick: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let store = expect_context::<ChatStore>();
    let control = expect_context::<TabControl>();
    let id = chat.id;
    let renaming = RwSignal::new(false);
    let title = chat.title.clone();
    let active = move || control.tabs.get().active == Some(id);

    let save_title = move |text: String| {
        renaming.set(false);
        if text.trim().is_empty() {
            return;
        }
        spawn_local(async move {
            if let Ok(chat) =
                update_chat(store.slug.get_untracked(), id, Some(text), None, None).await
            {
                store.remember(chat);
            }
        });
    };
    let toggle_pin = move |pinned: bool| {
        spawn_local(async move {
            if let Ok(chat) =
                update_chat(store.slug.get_untracked(), id, None, Some(pinned), None).await
            {
                store.remember(chat);
            }
        });
    };
    let delete = {
        let chat = chat.clone();
        move |_| {
            let chat = chat.clone();
            spawn_local(async move {
                if delete_chat(store.slug.get_untracked(), chat.id)
                    .await
                    .is_ok()
                {
                    store.forget(chat.id);
                    control.close(chat.id);
                    store.deleted.set(Some(chat));
                }
            });
        }
    };
    let pinned = chat.pinned;
    let pin_label = format!("{} {}", if pinned { "Unpin" } else { "Pin" }, chat.title);
    let rename_label = format!("Rename {}", chat.title);
    let delete_label = format!("Delete {}", chat.title);

    view! {
        <li class="chat-item" class:active=active class:pinned=pinned>
            {move || if renaming.get() {
                let title = title.clone();
                view! {
                    <input
                        class="chat-rename"
                        aria-label="Chat title"
                        value=title
                        maxlength="200"
                        autofocus
                        on:keydown=move |ev| match ev.key().as_str() {
                            "Enter" => save_title(event_target_value(&ev)),
                            "Escape" => renaming.set(false),
                            _ => {}
                        }
                        on:blur=move |ev| save_title(event_target_value(&ev))
                    />
                }.into_any()
            } else {
                let title = title.clone();
                view! {
                    <button
                        type="button"
                        class="chat-open"
                        aria-current=move || active().then_some("true")
                        on:click=move |_| { control.open(id); on_pick(); }
                    >
                        {pinned.then(|| view! { <span class="pin-mark" aria-label="Pinned">"📌"</span> })}
                        <span class="chat-title">{title}</span>
                    </button>
                }.into_any()
            }}
            <div class="chat-actions">
                <button
                    type="button"
                    class="chat-action"
                    aria-label=pin_label
                    title=if pinned { "Unpin" } else { "Pin" }
                    on:click=move |_| toggle_pin(!pinned)
                >
                    {if pinned { "Unpin" } else { "Pin" }}
                </button>
                <button type="button" class="chat-action" aria-label=rename_label title="Rename" on:click=move |_| renaming.set(true)>
                    "Rename"
                </button>
                <button type="button" class="chat-action chat-action-danger" aria-label=delete_label title="Delete" on:click=delete>
                    "Delete"
                </button>
            </div>
        </li>
    }
}
