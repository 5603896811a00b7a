//! The sidebar of the chat page: search (titles and message text), the caller's chats page
//! by page (more load as the list scrolls), and per chat a menu (⋯): pin, rename, delete.

use super::{store::ChatStore, TabControl};
use crate::api::chat::{delete_chat, list_chats, update_chat};
use crate::components::icons::{Icon, IconKind};
use crate::components::skeleton::Skeleton;
use crate::components::toast::use_toasts;
use crate::dto::chat::ChatDto;
use leptos::{prelude::*, task::spawn_local};

#[component]
pub fn ChatList(on_pick: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
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
            {move || {
                let empty = store.list.with(Vec::is_empty);
                match (loading.get(), empty, query.with(|q| q.trim().is_empty())) {
                    (true, true, _) => Some(view! { <Skeleton lines=4/> }.into_any()),
                    (false, true, true) => Some(view! { <p class="muted chat-list-note">"No chats yet."</p> }.into_any()),
                    (false, true, false) => Some(view! { <p class="muted chat-list-note">"No chat matches."</p> }.into_any()),
                    _ => None,
                }
            }}
            <ul class="chat-items" on:scroll=on_scroll aria-busy=move || loading.get().to_string()>
                <For each=move || store.list.get() key=|c| (c.id, c.title.clone(), c.pinned) let:chat>
                    <ChatItem chat on_pick/>
                </For>
            </ul>
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
    // What the rename box holds; kept when saving fails so nothing typed is lost.
    let draft_title = RwSignal::new(chat.title.clone());
    let problem = RwSignal::new(None::<String>);
    // A box that appears after the page loaded is focused by hand (`autofocus` is for loads).
    let rename_box = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = rename_box.get() {
            request_animation_frame(move || {
                let _ = input.focus();
                input.select();
            });
        }
    });
    let title = chat.title.clone();
    let active = move || control.tabs.get().active == Some(id);

    let save_title = move || {
        let text = draft_title.get_untracked();
        if text.trim().is_empty() || store.title(id).as_deref() == Some(text.as_str()) {
            renaming.set(false);
            return;
        }
        spawn_local(async move {
            match update_chat(store.slug.get_untracked(), id, Some(text), None, None).await {
                Ok(chat) => {
                    problem.set(None);
                    renaming.set(false);
                    store.remember(chat);
                }
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    let toasts = use_toasts();
    let toggle_pin = move |pinned: bool| {
        spawn_local(async move {
            match update_chat(store.slug.get_untracked(), id, None, Some(pinned), None).await {
                Ok(chat) => store.remember(chat),
                Err(e) => toasts.error(e.to_string()),
            }
        });
    };
    let delete = {
        let chat = chat.clone();
        move |_| {
            let chat = chat.clone();
            spawn_local(async move {
                match delete_chat(store.slug.get_untracked(), chat.id).await {
                    Ok(()) => {
                        store.forget(chat.id);
                        control.close(chat.id);
                        store.deleted.set(Some(chat));
                    }
                    Err(e) => toasts.error(e.to_string()),
                }
            });
        }
    };
    let pinned = chat.pinned;
    let menu_id = format!("chat-menu-{id}");
    let menu_label = format!("Actions for {}", chat.title);

    view! {
        <li class="chat-item" class:active=active class:pinned=pinned class:renaming=move || renaming.get()>
            {
            let menu_id = menu_id.clone();
            move || if renaming.get() {
                view! {
                    <input
                        node_ref=rename_box
                        class="chat-rename"
                        aria-label="Chat title"
                        maxlength="200"
                        prop:value=move || draft_title.get()
                        on:input=move |ev| draft_title.set(event_target_value(&ev))
                        on:keydown=move |ev| match ev.key().as_str() {
                            "Enter" => save_title(),
                            "Escape" => {
                                problem.set(None);
                                draft_title.set(store.title(id).unwrap_or_default());
                                renaming.set(false);
                            }
                            _ => {}
                        }
                        on:blur=move |_| save_title()
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
                        {pinned.then(|| view! {
                            <span class="pin-mark" role="img" aria-label="Pinned"><Icon kind=IconKind::Pin/></span>
                        })}
                        <span class="chat-title">{title}</span>
                    </button>
                    <button
                        type="button"
                        class="chat-menu-button"
                        popovertarget=menu_id.clone()
                        aria-label=menu_label.clone()
                        title="More"
                        on:click={
                            let menu_id = menu_id.clone();
                            move |_| focus_first_item(&menu_id)
                        }
                    >
                        <Icon kind=IconKind::More/>
                    </button>
                }.into_any()
            }
            }
            // In the top layer: never clipped by the scrolling list, closed by Escape or a
            // click outside; each item closes it as it acts.
            <div id=menu_id.clone() class="popover-menu" popover="auto" on:keydown=menu_keys>
                <button type="button" class="popover-item" popovertarget=menu_id.clone() popovertargetaction="hide" on:click=move |_| toggle_pin(!pinned)>
                    <Icon kind=IconKind::Pin/>{if pinned { "Unpin" } else { "Pin" }}
                </button>
                <button type="button" class="popover-item" popovertarget=menu_id.clone() popovertargetaction="hide" on:click=move |_| renaming.set(true)>
                    <Icon kind=IconKind::Pencil/>"Rename"
                </button>
                <button type="button" class="popover-item popover-item-danger" popovertarget=menu_id.clone() popovertargetaction="hide" on:click=delete>
                    <Icon kind=IconKind::Trash/>"Delete"
                </button>
            </div>
            {move || problem.get().map(|e| view! { <p class="field-error chat-item-error" role="alert">{e}</p> })}
        </li>
    }
}

/// An opened menu takes the focus to its first item, as menus do.
fn focus_first_item(menu_id: &str) {
    #[cfg(feature = "hydrate")]
    {
        let selector = format!("#{menu_id}:popover-open .popover-item");
        request_animation_frame(move || {
            use wasm_bindgen::JsCast;
            let first = document()
                .query_selector(&selector)
                .ok()
                .flatten()
                .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(first) = first {
                let _ = first.focus();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = menu_id;
}

/// Up and down move between a menu's items, as in any menu; Escape closes the menu alone
/// (not the drawer around it) and gives the focus back to its button.
fn menu_keys(ev: leptos::ev::KeyboardEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(menu) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            return;
        };
        let step = match ev.key().as_str() {
            "ArrowDown" => 1,
            "ArrowUp" => -1,
            "Escape" => {
                ev.prevent_default();
                ev.stop_propagation();
                let _ = menu.hide_popover();
                let button = document()
                    .query_selector(&format!(
                        ".chat-menu-button[popovertarget=\"{}\"]",
                        menu.id()
                    ))
                    .ok()
                    .flatten()
                    .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
                if let Some(button) = button {
                    let _ = button.focus();
                }
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        let Ok(items) = menu.query_selector_all(".popover-item") else {
            return;
        };
        let items: Vec<web_sys::HtmlElement> = (0..items.length())
            .filter_map(|i| items.item(i))
            .filter_map(|n| n.dyn_into().ok())
            .collect();
        let focused = leptos::prelude::document().active_element();
        let at = items
            .iter()
            .position(|item| focused.as_ref() == Some(item.as_ref()))
            .map_or(if step > 0 { -1 } else { 0 }, |p| p as i32);
        let next = (at + step).rem_euclid(items.len().max(1) as i32) as usize;
        if let Some(item) = items.get(next) {
            let _ = item.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}
