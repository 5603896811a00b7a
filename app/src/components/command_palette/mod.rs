//! The command palette (Ctrl/⌘+K, or the search button in the top bar): jump to any page
//! of any organisation, to a chat by its title, or start a new chat. A modal dialog with a
//! combobox: type to filter, ↑/↓ to move, Enter to go, Escape to close.

mod commands;

use super::current_user::{tenant_slug_of, use_current_user};
use super::icons::{Icon, IconKind};
use crate::dto::account::MeDto;
use crate::roles::Permission;
use commands::{commands, Command, SHORTCUTS};
use leptos::{html, prelude::*};
use leptos_router::hooks::use_location;

/// Chats found by title are listed up to this many.
const CHAT_RESULTS: usize = 6;

#[derive(Clone, Copy)]
pub struct Palette {
    dialog: NodeRef<html::Dialog>,
    input: NodeRef<html::Input>,
    query: RwSignal<String>,
}

impl Palette {
    pub fn open(&self) {
        self.query.set(String::new());
        if let Some(dialog) = self.dialog.get_untracked() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
        }
        if let Some(input) = self.input.get_untracked() {
            let _ = input.focus();
        }
    }

    fn close(&self) {
        if let Some(dialog) = self.dialog.get_untracked() {
            dialog.close();
        }
    }
}

pub fn provide_palette() {
    provide_context(Palette {
        dialog: NodeRef::new(),
        input: NodeRef::new(),
        query: RwSignal::new(String::new()),
    });
}

pub fn use_palette() -> Palette {
    expect_context()
}

/// The top bar's way in, for the mouse and for those who do not know the shortcut.
#[component]
pub fn PaletteButton() -> impl IntoView {
    let palette = use_palette();
    view! {
        <button
            type="button"
            class="palette-button"
            aria-label="Search or jump to…"
            aria-keyshortcuts="Control+K Meta+K"
            on:click=move |_| palette.open()
        >
            <Icon kind=IconKind::Search/>
            <span class="palette-button-label">"Search or jump to…"</span>
            <kbd class="palette-button-keys" aria-hidden="true">"Ctrl K"</kbd>
        </button>
    }
}

#[component]
pub fn CommandPalette() -> impl IntoView {
    let palette = use_palette();
    let user = use_current_user();

    #[cfg(feature = "hydrate")]
    {
        let listener = window_event_listener(leptos::ev::keydown, move |ev| {
            if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("k") {
                ev.prevent_default();
                palette.open();
            }
        });
        on_cleanup(move || listener.remove());
    }

    view! {
        <dialog class="dialog palette" node_ref=palette.dialog aria-label="Command palette">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let me = user.await.ok().flatten();
                    view! { <PaletteBody me/> }
                })}
            </Transition>
        </dialog>
    }
}

/// The search box and what it finds, for the signed-in person `me` (nothing for a visitor
/// but the shortcuts).
#[component]
fn PaletteBody(me: Option<MeDto>) -> impl IntoView {
    let palette = use_palette();
    let pathname = use_location().pathname;
    let current = Memo::new(move |_| tenant_slug_of(&pathname.get()));
    let active = RwSignal::new(0_usize);
    let chats = RwSignal::new(Vec::<Command>::new());
    let me = StoredValue::new(me);

    // Chats of the current organisation whose title or text matches, asked for as one types.
    let generation = StoredValue::new(0_u64);
    Effect::new(move |_| {
        let query = palette.query.get();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        chats.set(Vec::new());
        let Some(slug) = current.get() else { return };
        let may_chat = me.with_value(|me| {
            me.as_ref().is_some_and(|me| {
                me.tenants
                    .iter()
                    .any(|t| t.slug == slug && t.may(Permission::UseWorkspace))
            })
        });
        if query.trim().len() < 2 || !may_chat {
            return;
        }
        leptos::task::spawn_local(async move {
            let Ok(page) = crate::api::chat::list_chats(slug.clone(), Some(query), None).await
            else {
                return;
            };
            if generation.get_value() != mine {
                return;
            }
            chats.set(
                page.items
                    .into_iter()
                    .take(CHAT_RESULTS)
                    .map(|c| Command {
                        label: c.title,
                        group: "Chats".into(),
                        href: format!("/t/{slug}/chat?chat={}", c.id),
                    })
                    .collect(),
            );
        });
    });

    let shown = Memo::new(move |_| {
        let query = palette.query.get();
        let mut list: Vec<Command> = me.with_value(|me| match me {
            Some(me) => commands(me, current.get().as_deref())
                .into_iter()
                .filter(|c| c.matches(&query))
                .collect(),
            None => Vec::new(),
        });
        list.extend(chats.get());
        list
    });
    Effect::new(move |_| {
        shown.track();
        active.set(0);
    });

    // Enter clicks the option's link: the router follows it, and the click closes the palette.
    let go = move |index: usize| {
        #[cfg(feature = "hydrate")]
        if let Some(link) = document()
            .get_element_by_id(&option_id(index))
            .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
        {
            link.click();
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = index;
    };

    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let count = shown.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = (*a + 1) % count);
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = (*a + count - 1) % count);
            }
            "Enter" => {
                ev.prevent_default();
                go(active.get_untracked());
            }
            _ => {}
        }
    };

    view! {
        <div class="palette-search">
            <Icon kind=IconKind::Search/>
            <input
                node_ref=palette.input
                class="palette-input"
                type="text"
                role="combobox"
                aria-label="Search pages and chats"
                aria-expanded="true"
                aria-controls="palette-list"
                aria-autocomplete="list"
                aria-activedescendant=move || (!shown.with(Vec::is_empty)).then(|| option_id(active.get()))
                placeholder="Search pages and chats…"
                autocomplete="off"
                spellcheck="false"
                prop:value=move || palette.query.get()
                on:input=move |ev| palette.query.set(event_target_value(&ev))
                on:keydown=on_key
            />
        </div>
        <ul id="palette-list" class="palette-list" role="listbox" aria-label="Results">
            <For each=move || shown.get().into_iter().enumerate() key=|(i, c)| (*i, c.href.clone()) let:((i, c))>
                <li role="none">
                    <a
                        id=option_id(i)
                        role="option"
                        class="palette-option"
                        href=c.href
                        aria-selected=move || (active.get() == i).to_string()
                        tabindex="-1"
                        on:click=move |_| palette.close()
                        on:mousemove=move |_| if active.get_untracked() != i { active.set(i) }
                    >
                        <span class="palette-label">{c.label}</span>
                        <span class="palette-group">{c.group}</span>
                    </a>
                </li>
            </For>
        </ul>
        {move || shown.with(Vec::is_empty).then(|| view! {
            <p class="palette-empty" role="status">"Nothing matches. Try fewer words."</p>
        })}
        <footer class="palette-shortcuts">
            <h2 class="visually-hidden">"Keyboard shortcuts"</h2>
            <dl>
                {SHORTCUTS.into_iter().map(|(keys, what)| view! {
                    <div><dt><kbd>{keys}</kbd></dt><dd>{what}</dd></div>
                }).collect_view()}
            </dl>
        </footer>
    }
}

fn option_id(index: usize) -> String {
    format!("palette-option-{index}")
}
