//! Writing to the model: the text box (Enter sends, Shift+Enter starts a new line), the
//! model for the next message (within the tenant's policy), and Send or Stop. A message
//! sent while an answer is still streaming waits, visibly, and goes when the answer ends.

use super::conversation::Conv;
use super::store::ChatStore;
use super::NoModels;
use leptos::{prelude::*, task::spawn_local};
use uuid::Uuid;

#[component]
pub fn Composer(conv: Conv, live: Memo<Option<Uuid>>) -> impl IntoView {
    let store = expect_context::<ChatStore>();
    let draft = RwSignal::new(String::new());
    let input_id = format!("composer-{}", conv.dom_key());
    let model_id = format!("model-{}", conv.dom_key());

    // Set when Enter was pressed during an answer: the draft goes as soon as it ends.
    let queued = RwSignal::new(false);

    let send = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() || conv.busy.get_untracked() {
            queued.set(false);
            return;
        }
        if live.get_untracked().is_some() {
            queued.set(true);
            return;
        }
        queued.set(false);
        spawn_local(async move {
            if conv.send(text).await {
                draft.set(String::new());
            }
        });
    };

    Effect::new(move |_| {
        if live.get().is_none() && queued.get_untracked() {
            send();
        }
    });

    view! {
        {move || store.context.get().map(|context| {
            if context.models.is_empty() {
                return view! { <div class="composer-note"><NoModels can_manage_ai=context.can_manage_ai/></div> }.into_any();
            }
            let models = context.models.clone();
            let may_choose = context.may_choose_model;
            let (input_id, model_id) = (input_id.clone(), model_id.clone());
            view! {
                <form class="composer" on:submit=move |ev| { ev.prevent_default(); send(); }>
                    <label class="visually-hidden" for=input_id.clone()>"Message"</label>
                    <textarea
                        id=input_id
                        class="composer-input"
                        rows="2"
                        placeholder="Message the assistant"
                        maxlength="100000"
                        prop:value=move || draft.get()
                        on:input=move |ev| draft.set(event_target_value(&ev))
                        on:keydown=move |ev| {
                            if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                                ev.prevent_default();
                                send();
                            }
                        }
                    ></textarea>
                    {move || queued.get().then(|| view! {
                        <p class="composer-queued" role="status">
                            "Sends when the answer is complete."
                            <button type="button" class="button button-secondary button-small" on:click=move |_| queued.set(false)>"Cancel"</button>
                        </p>
                    })}
                    <div class="composer-bar">
                        <label class="visually-hidden" for=model_id.clone()>"Model"</label>
                        <select
                            id=model_id
                            class="select composer-model"
                            disabled=!may_choose
                            title=(!may_choose).then_some("Your organisation chooses the model")
                            on:change=move |ev| conv.model.set(event_target_value(&ev))
                        >
                            {models.into_iter().map(|m| {
                                let id = m.id.clone();
                                view! {
                                    <option value=m.id.clone() selected=move || conv.model.get() == id>
                                        {format!("{} · {}", m.name, m.provider_name)}
                                    </option>
                                }
                            }).collect_view()}
                        </select>
                        {move || match live.get() {
                            Some(id) => view! {
                                <button type="button" class="button button-danger" on:click=move |_| conv.stop(id)>"Stop"</button>
                            }.into_any(),
                            None => view! {
                                <button
                                    type="submit"
                                    class="button"
                                    disabled=move || conv.busy.get() || draft.with(|d| d.trim().is_empty())
                                >
                                    {move || if conv.busy.get() { "Sending…" } else { "Send" }}
                                </button>
                            }.into_any(),
                        }}
                    </div>
                </form>
            }.into_any()
        })}
    }
}
