//! One message: the question as typed, or the answer as sanitised HTML (rendered on the
//! server) once it is written and as plain text while it streams; its time, model and
//! state; copy, and for the last exchange: edit the question, or answer again.

use super::conversation::{Conv, Row};
use crate::components::{clipboard, local_time};
use crate::dto::chat::{MessageRole, MessageStatus};
use leptos::{prelude::*, task::spawn_local};

#[component]
pub fn MessageRow(
    row: Row,
    conv: Conv,
    is_last_question: Signal<bool>,
    is_last_answer: Signal<bool>,
    /// An answer is being written or a request is on its way.
    busy: Signal<bool>,
) -> impl IntoView {
    let view = row.view;
    let role = view.with_untracked(|v| v.message.role);
    let editing = RwSignal::new(false);
    let copied = RwSignal::new(false);
    let status = Memo::new(move |_| view.with(|v| v.message.status));

    let copy = move |_| {
        let done = view.with_untracked(|v| clipboard::copy(&v.message.content));
        copied.set(done);
        set_timeout(
            move || copied.set(false),
            std::time::Duration::from_millis(1500),
        );
    };

    let body = move || {
        view.with(|v| {
            let m = &v.message;
            if m.status == MessageStatus::Streaming && m.content.is_empty() {
                let id = m.id;
                if let Some((_, seconds)) = conv.retrying.get().filter(|(r, _)| *r == id) {
                    return view! { <BusyProvider seconds on_stop=move || conv.stop(id)/> }
                        .into_any();
                }
                return view! {
                    <p class="typing" aria-label="Writing the answer">
                        <span></span><span></span><span></span>
                    </p>
                }
                .into_any();
            }
            match (&v.html, m.status) {
                (Some(html), s) if s != MessageStatus::Streaming => {
                    view! { <div class="markdown" inner_html=html.clone()></div> }.into_any()
                }
                _ => view! {
                    <div class="plain" class:streaming=m.status == MessageStatus::Streaming>
                        {m.content.clone()}
                    </div>
                }
                .into_any(),
            }
        })
    };

    let meta = move || {
        view.with(|v| {
            let m = &v.message;
            let model = m
                .model
                .as_deref()
                .map(|id| id.split_once('/').map_or(id, |(_, name)| name).to_string());
            let state = match m.status {
                MessageStatus::Stopped => Some("Stopped"),
                MessageStatus::Interrupted => Some("Interrupted"),
                _ => None,
            };
            let latency = m
                .latency_ms
                .filter(|_| m.role == MessageRole::Assistant)
                .map(|ms| format!("{:.1} s", f64::from(ms) / 1000.0));
            view! {
                <time datetime=m.created_at.to_rfc3339() title=local_time::full(m.created_at)>
                    {local_time::short(m.created_at)}
                </time>
                {(m.role == MessageRole::Assistant).then_some(model).flatten().map(|name| view! { <span>{name}</span> })}
                {latency.map(|l| view! { <span>{l}</span> })}
                {state.map(|s| view! { <span class="badge">{s}</span> })}
            }
        })
    };

    let error = move || {
        view.with(|v| {
            v.message.error.clone().map(|e| {
                view! {
                    <div class="message-error" role="alert" data-code=e.code>
                        {e.message}
                    </div>
                }
            })
        })
    };

    view! {
        <li class="message" data-role=role.as_str() data-status=move || status.get().as_str()>
            <div class="message-bubble">
                <span class="visually-hidden">{if role == MessageRole::User { "You said:" } else { "Answer:" }}</span>
                {move || if editing.get() {
                    view! { <EditQuestion conv row editing/> }.into_any()
                } else {
                    body().into_any()
                }}
                {error}
            </div>
            <div class="message-meta">
                {meta}
                <span class="message-actions">
                    {move || (status.get() != MessageStatus::Streaming).then(|| view! {
                        <button type="button" class="link-button" on:click=copy>
                            {move || if copied.get() { "Copied" } else { "Copy" }}
                        </button>
                    })}
                    {move || (is_last_question.get() && !busy.get() && !editing.get()).then(|| view! {
                        <button type="button" class="link-button" on:click=move |_| editing.set(true)>"Edit"</button>
                    })}
                    {move || (is_last_answer.get() && !busy.get()).then(|| view! {
                        <button type="button" class="link-button" on:click=move |_| spawn_local(async move { conv.regenerate(None).await; })>"Regenerate"</button>
                    })}
                </span>
            </div>
        </li>
    }
}

/// Editing the last question; saving answers it again.
#[component]
fn EditQuestion(conv: Conv, row: Row, editing: RwSignal<bool>) -> impl IntoView {
    let draft = RwSignal::new(row.view.with_untracked(|v| v.message.content.clone()));
    let save = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        spawn_local(async move {
            if conv.regenerate(Some(text)).await {
                editing.set(false);
            }
        });
    };
    view! {
        <div class="edit-question">
            <label class="visually-hidden" for=format!("edit-{}", row.id)>"Edit your message"</label>
            <textarea
                id=format!("edit-{}", row.id)
                class="composer-input"
                rows="3"
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
                on:keydown=move |ev| {
                    if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                        ev.prevent_default();
                        save();
                    } else if ev.key() == "Escape" {
                        editing.set(false);
                    }
                }
            ></textarea>
            <div class="edit-actions">
                <button type="button" class="button button-small" on:click=move |_| save()>"Save and send"</button>
                <button type="button" class="button button-secondary button-small" on:click=move |_| editing.set(false)>"Cancel"</button>
            </div>
        </div>
    }
}

/// A busy provider (429) is asked again after a wait: count it down, and offer to stop.
#[component]
fn BusyProvider(seconds: u64, on_stop: impl Fn() + 'static) -> impl IntoView {
    let left = RwSignal::new(seconds);
    #[cfg(feature = "hydrate")]
    if let Ok(tick) = set_interval_with_handle(
        move || left.update(|l| *l = l.saturating_sub(1)),
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || tick.clear());
    }
    view! {
        <p class="retrying" role="status">
            <span>{move || match left.get() {
                0 => "The provider is busy, retrying now…".to_string(),
                n => format!("The provider is busy, retrying in {n} s…"),
            }}</span>
            <button type="button" class="button button-secondary button-small" on:click=move |_| on_stop()>"Stop"</button>
        </p>
    }
}
