//! One open chat: its messages (the newest page first; older pages load when the reader
//! scrolls to the top), the answer being written, and the composer. The new chat is one
//! too, with no messages and nothing stored until its first message is sent.

use super::TabControl;
use super::{
    composer::Composer,
    follow::{self, Heard},
    message::MessageRow,
    scroll_anchor::ScrollAnchor,
    store::ChatStore,
};
use crate::api::chat::{
    chat_message, chat_messages, get_chat, regenerate_answer, send_message, start_chat, stop_answer,
};
use crate::components::{form::Notice, skeleton::Skeleton};
use crate::dto::chat::{ChatMessageView, MessageRole, MessageStatus, NEW_CHAT_TITLE};
use leptos::{html, prelude::*, task::spawn_local};
use uuid::Uuid;

/// A message on the page; its own signal, so a streaming answer re-renders only itself.
#[derive(Clone, Copy)]
pub struct Row {
    pub id: Uuid,
    pub view: RwSignal<ChatMessageView>,
}

impl Row {
    fn seq(&self) -> i64 {
        self.view.with_untracked(|v| v.message.seq)
    }
}

/// The id of the new chat's text box.
#[cfg(feature = "hydrate")]
const DRAFT_INPUT: &str = "composer-new";

/// Puts the cursor in the new chat's text box, once it shows.
pub fn focus_draft() {
    #[cfg(feature = "hydrate")]
    request_animation_frame(|| {
        use wasm_bindgen::JsCast;
        let input = document()
            .get_element_by_id(DRAFT_INPUT)
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(input) = input {
            let _ = input.focus();
        }
    });
}

/// The state of one conversation and what can be done with it.
#[derive(Clone, Copy)]
pub struct Conv {
    /// Nil for the new chat, until its first message is sent.
    pub chat_id: Uuid,
    pub draft: bool,
    store: ChatStore,
    control: TabControl,
    pub rows: RwSignal<Vec<Row>>,
    /// Bumped when text arrives, so the view can keep the newest line in sight.
    pub tick: RwSignal<u64>,
    pub problem: RwSignal<Option<String>>,
    pub busy: RwSignal<bool>,
    pub model: RwSignal<String>,
    /// The answer waiting for a busy provider, and the seconds until it is asked again.
    pub retrying: RwSignal<Option<(Uuid, u64)>>,
    /// Follow the newest text; false while the reader has scrolled up to read, until they
    /// scroll back down or send.
    stick: StoredValue<bool>,
}

impl Conv {
    fn slug(&self) -> String {
        self.store.slug.get_untracked()
    }

    /// What the ids of this conversation's elements end with.
    pub fn dom_key(&self) -> String {
        if self.draft {
            "new".into()
        } else {
            self.chat_id.to_string()
        }
    }

    /// Adds or replaces a message. An answer that ended is never replaced by an older
    /// reading of it that was still streaming (answers to overlapping requests may arrive
    /// out of order).
    fn upsert(&self, view: ChatMessageView) {
        let id = view.message.id;
        let existing = self
            .rows
            .with_untracked(|rows| rows.iter().find(|r| r.id == id).copied());
        match existing {
            Some(row)
                if view.message.status == MessageStatus::Streaming
                    && row
                        .view
                        .with_untracked(|v| v.message.status != MessageStatus::Streaming) => {}
            Some(row) => row.view.set(view),
            None => self.rows.update(|rows| {
                rows.push(Row {
                    id,
                    view: RwSignal::new(view),
                });
            }),
        }
        self.tick.update(|t| *t += 1);
    }

    /// Replaces everything from the question on (regenerate and edit rewrite the tail).
    fn replace_tail(&self, question: ChatMessageView, answer: ChatMessageView) {
        let from = question.message.seq;
        self.stick.set_value(true);
        self.rows.update(|rows| rows.retain(|r| r.seq() < from));
        let answer_id = answer.message.id;
        let streaming = answer.message.status == MessageStatus::Streaming;
        self.upsert(question);
        self.upsert(answer);
        if streaming {
            self.follow(answer_id);
        }
    }

    fn edit_text(&self, id: Uuid, edit: impl FnOnce(&mut String)) {
        if let Some(row) = self
            .rows
            .with_untracked(|rows| rows.iter().rev().find(|r| r.id == id).copied())
        {
            row.view.update(|v| edit(&mut v.message.content));
            self.tick.update(|t| *t += 1);
        }
    }

    /// Shows an answer as it is written, until it ends.
    pub fn follow(self, message_id: Uuid) {
        let url = follow::events_url(&self.slug(), self.chat_id, message_id);
        follow::watch(&url, message_id, move |heard| {
            if !matches!(heard, Heard::Retrying(_)) {
                self.retrying.set(None);
            }
            match heard {
                Heard::Restart => self.edit_text(message_id, String::clear),
                Heard::Text(text) => self.edit_text(message_id, |c| c.push_str(&text)),
                Heard::Retrying(seconds) => self.retrying.set(Some((message_id, seconds))),
                Heard::Ended => spawn_local(async move {
                    self.settle(message_id).await;
                }),
            }
        });
    }

    /// Reads an ended answer back as stored (with its rendered HTML and status).
    async fn settle(self, message_id: Uuid) {
        match chat_message(self.slug(), self.chat_id, message_id).await {
            Ok(view) => self.upsert(view),
            Err(e) => self.problem.set(Some(e.to_string())),
        }
        follow::unwatch(message_id);
        self.refresh_title().await;
    }

    /// The first exchange that succeeds names the chat: read the name while it is new.
    async fn refresh_title(self) {
        if self.store.title(self.chat_id).as_deref() == Some(NEW_CHAT_TITLE) {
            if let Ok(chat) = get_chat(self.slug(), self.chat_id).await {
                self.store.remember(chat);
            }
        }
    }

    /// Sends a question. Returns whether it was stored (the draft is kept otherwise).
    pub async fn send(self, content: String) -> bool {
        if self.draft {
            return self.start(content).await;
        }
        self.busy.set(true);
        self.problem.set(None);
        let model = Some(self.model.get_untracked());
        let client_id = Uuid::new_v4().to_string();
        let answer = send_message(self.slug(), self.chat_id, content, model, client_id).await;
        self.busy.set(false);
        match answer {
            Ok((question, answer)) => {
                let id = answer.message.id;
                let streaming = answer.message.status == MessageStatus::Streaming;
                // The reader's own question is shown, wherever they had scrolled to.
                self.stick.set_value(true);
                self.upsert(question);
                self.upsert(answer);
                if streaming {
                    self.follow(id);
                }
                true
            }
            Err(e) => {
                self.problem.set(Some(e.to_string()));
                false
            }
        }
    }

    /// The new chat's first message: the chat is stored with it, and opens in its own tab
    /// (which loads the question and follows the answer).
    async fn start(self, content: String) -> bool {
        self.busy.set(true);
        self.problem.set(None);
        let model = Some(self.model.get_untracked());
        let client_id = Uuid::new_v4().to_string();
        let started = start_chat(self.slug(), content, model, client_id).await;
        self.busy.set(false);
        match started {
            Ok(chat) => {
                let id = chat.id;
                self.store.insert(chat);
                self.control.open(id);
                true
            }
            Err(e) => {
                self.problem.set(Some(e.to_string()));
                false
            }
        }
    }

    /// Answers the last question again, after replacing it when `content` is given.
    /// Returns whether it went (an edit stays open otherwise, with what was typed).
    pub async fn regenerate(self, content: Option<String>) -> bool {
        self.busy.set(true);
        self.problem.set(None);
        let model = Some(self.model.get_untracked());
        let answer = regenerate_answer(self.slug(), self.chat_id, model, content).await;
        self.busy.set(false);
        match answer {
            Ok((question, answer)) => {
                self.replace_tail(question, answer);
                true
            }
            Err(e) => {
                self.problem.set(Some(e.to_string()));
                false
            }
        }
    }

    /// Stops the answer being written; what was written so far is kept.
    pub fn stop(self, message_id: Uuid) {
        spawn_local(async move {
            match stop_answer(self.slug(), self.chat_id, message_id).await {
                Ok(view) => {
                    follow::unwatch(message_id);
                    self.upsert(view);
                }
                Err(e) => self.problem.set(Some(e.to_string())),
            }
        });
    }
}

#[derive(Clone, PartialEq)]
enum Load {
    Loading,
    Ready,
    Failed(String),
}

/// `chat_id` is `None` for the new chat.
#[component]
pub fn Conversation(
    #[prop(optional)] chat_id: Option<Uuid>,
    active: Signal<bool>,
) -> impl IntoView {
    let store = expect_context::<ChatStore>();
    let draft = chat_id.is_none();
    let chat_id = chat_id.unwrap_or_default();
    let conv = Conv {
        chat_id,
        draft,
        store,
        control: expect_context::<TabControl>(),
        rows: RwSignal::new(Vec::new()),
        tick: RwSignal::new(0),
        problem: RwSignal::new(None),
        busy: RwSignal::new(false),
        model: RwSignal::new(String::new()),
        retrying: RwSignal::new(None),
        stick: StoredValue::new(true),
    };
    let load = RwSignal::new(if draft { Load::Ready } else { Load::Loading });
    // Whenever the new chat comes to the front, it is ready to type in.
    Effect::new(move |_| {
        if draft && active.get() {
            focus_draft();
        }
    });
    let older = RwSignal::new(None::<String>);
    let loading_older = RwSignal::new(false);
    let scroller = NodeRef::<html::Div>::new();
    let stick = conv.stick;

    Effect::new(move |_| {
        if draft {
            return;
        }
        spawn_local(async move {
            match chat_messages(store.slug.get_untracked(), chat_id, None).await {
                Ok(page) => {
                    older.set(page.next_cursor);
                    let streaming: Vec<Uuid> = page
                        .items
                        .iter()
                        .filter(|v| v.message.status == MessageStatus::Streaming)
                        .map(|v| v.message.id)
                        .collect();
                    for view in page.items {
                        conv.upsert(view);
                    }
                    load.set(Load::Ready);
                    // A reload in the middle of an answer picks it up again; an answer that
                    // ended before the chat opened (a new chat's first) may have named it.
                    if streaming.is_empty() {
                        conv.refresh_title().await;
                    }
                    for id in streaming {
                        conv.follow(id);
                    }
                }
                Err(e) => load.set(Load::Failed(e.to_string())),
            }
        });
    });
    on_cleanup(move || {
        for row in conv.rows.get_untracked() {
            follow::unwatch(row.id);
        }
    });
    // The model: the chat's own, else the tenant default, else the first one offered.
    Effect::new(move |_| {
        let Some(context) = store.context.get() else {
            return;
        };
        if !conv.model.get_untracked().is_empty() {
            return;
        }
        let own = store
            .known
            .with(|k| k.get(&chat_id).and_then(|c| c.model.clone()));
        let offered = |id: &String| context.models.iter().any(|m| &m.id == id);
        let pick = own
            .filter(offered)
            .or(context.default_model.clone().filter(offered))
            .or_else(|| context.models.first().map(|m| m.id.clone()));
        if let Some(pick) = pick {
            conv.model.set(pick);
        }
    });
    // Keep the newest line in view while following.
    Effect::new(move |_| {
        conv.tick.track();
        conv.rows.track();
        if active.get() && stick.get_value() {
            if let Some(el) = scroller.get() {
                el.set_scroll_top(el.scroll_height());
            }
        }
    });

    let load_older = move || {
        let Some(before) = older.get_untracked() else {
            return;
        };
        if loading_older.get_untracked() {
            return;
        }
        loading_older.set(true);
        spawn_local(async move {
            let answer = chat_messages(store.slug.get_untracked(), chat_id, Some(before)).await;
            loading_older.set(false);
            let Ok(page) = answer else {
                return;
            };
            let anchor = scroller
                .get_untracked()
                .and_then(|el| ScrollAnchor::take(&el));
            older.set(page.next_cursor);
            let mut added: Vec<Row> = page
                .items
                .into_iter()
                .map(|view| Row {
                    id: view.message.id,
                    view: RwSignal::new(view),
                })
                .collect();
            stick.set_value(false);
            conv.rows.update(|rows| {
                added.retain(|a| !rows.iter().any(|r| r.id == a.id));
                added.append(rows);
                *rows = added;
            });
            if let Some(anchor) = anchor {
                anchor.restore();
            }
        });
    };

    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            stick.set_value(el.scroll_height() - el.scroll_top() - el.client_height() < 80);
            if el.scroll_top() < 120 {
                load_older();
            }
        }
    };

    let live = Memo::new(move |_| {
        conv.rows.with(|rows| {
            rows.last().and_then(|r| {
                r.view.with(|v| {
                    (v.message.status == MessageStatus::Streaming).then_some(v.message.id)
                })
            })
        })
    });
    let last_question = Memo::new(move |_| {
        conv.rows.with(|rows| {
            rows.iter()
                .rev()
                .find(|r| {
                    r.view
                        .with_untracked(|v| v.message.role == MessageRole::User)
                })
                .map(|r| r.id)
        })
    });
    let last_answer = Memo::new(move |_| {
        conv.rows.with(|rows| {
            rows.last()
                .filter(|r| {
                    r.view
                        .with_untracked(|v| v.message.role == MessageRole::Assistant)
                })
                .map(|r| r.id)
        })
    });

    view! {
        <div
            class="conversation"
            id=format!("panel-{}", conv.dom_key())
            role=(!draft).then_some("tabpanel")
            aria-labelledby=(!draft).then(|| format!("tab-{chat_id}"))
            aria-label=draft.then_some("New chat")
            hidden=move || !active.get()
        >
            <div class="messages" node_ref=scroller on:scroll=on_scroll on:click=copy_code>
                {move || older.get().is_some().then(|| view! {
                    <button type="button" class="button button-secondary button-small load-older" on:click=move |_| load_older()>
                        {move || if loading_older.get() { "Loading…" } else { "Load earlier messages" }}
                    </button>
                })}
                {move || match load.get() {
                    Load::Loading => Some(view! { <div class="conversation-note"><Skeleton lines=4/></div> }.into_any()),
                    Load::Failed(e) => Some(view! { <Notice kind="error">{e}</Notice> }.into_any()),
                    Load::Ready if draft => Some(view! { <Welcome/> }.into_any()),
                    Load::Ready if conv.rows.with(Vec::is_empty) => Some(view! {
                        <div class="conversation-note">
                            <p class="muted">"Ask anything. Enter sends, Shift+Enter starts a new line."</p>
                        </div>
                    }.into_any()),
                    Load::Ready => None,
                }}
                <ol class="message-list" aria-label="Messages">
                    <For each=move || conv.rows.get() key=|row| row.id let:row>
                        <MessageRow
                            row
                            conv
                            is_last_question=Signal::derive(move || last_question.get() == Some(row.id))
                            is_last_answer=Signal::derive(move || last_answer.get() == Some(row.id))
                            busy=Signal::derive(move || live.get().is_some() || conv.busy.get())
                        />
                    </For>
                </ol>
            </div>
            {move || conv.problem.get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
            <Composer conv live/>
        </div>
    }
}

/// The new chat before anything is said in it.
#[component]
fn Welcome() -> impl IntoView {
    let store = expect_context::<ChatStore>();
    view! {
        <div class="chat-empty">
            <div class="empty-state">
                <h2 class="chat-empty-title">"What shall we work on?"</h2>
                // Without a model, the composer's place says what to do instead.
                {move || store.context.with(|c| c.as_ref().is_some_and(|c| !c.models.is_empty())).then(|| view! {
                    <p>"Write below to start a new chat. Enter sends, Shift+Enter starts a new line. Your chats are private to you."</p>
                })}
            </div>
        </div>
    }
}

/// The copy buttons of code blocks come with the server-rendered answer HTML; one
/// listener on the list serves them all.
fn copy_code(ev: leptos::ev::MouseEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(button) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("button.copy-code").ok().flatten())
        else {
            return;
        };
        let code = button
            .closest(".code-block")
            .ok()
            .flatten()
            .and_then(|block| block.query_selector("pre").ok().flatten())
            .and_then(|pre| pre.text_content());
        if let Some(code) = code {
            let copied = crate::components::clipboard::copy(&code);
            button.set_text_content(Some(if copied { "Copied" } else { "Copy by hand" }));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}
