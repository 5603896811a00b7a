//! Toasts: short confirmations and failures that do not belong to one field. Successes
//! fade after a few seconds; failures stay until dismissed, so nobody misses one.

use super::icons::{Icon, IconKind};
use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Toast {
    id: u64,
    kind: ToastKind,
    text: String,
}

/// How long a success stays on screen.
#[cfg(feature = "hydrate")]
const SUCCESS_MS: u64 = 5_000;
/// More would cover the page: the oldest goes first.
const MAX_SHOWN: usize = 4;

#[derive(Clone, Copy)]
pub struct Toasts {
    shown: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    pub fn success(&self, text: impl Into<String>) {
        self.push(ToastKind::Success, text.into());
    }

    pub fn error(&self, text: impl Into<String>) {
        self.push(ToastKind::Error, text.into());
    }

    fn push(&self, kind: ToastKind, text: String) {
        self.next_id.update_value(|n| *n += 1);
        let id = self.next_id.get_value();
        self.shown.update(|shown| {
            shown.push(Toast { id, kind, text });
            let extra = shown.len().saturating_sub(MAX_SHOWN);
            shown.drain(..extra);
        });
        #[cfg(feature = "hydrate")]
        if kind == ToastKind::Success {
            let this = *self;
            set_timeout(
                move || this.dismiss(id),
                std::time::Duration::from_millis(SUCCESS_MS),
            );
        }
    }

    fn dismiss(&self, id: u64) {
        self.shown.update(|shown| shown.retain(|t| t.id != id));
    }
}

pub fn provide_toasts() {
    provide_context(Toasts {
        shown: RwSignal::new(Vec::new()),
        next_id: StoredValue::new(0),
    });
}

pub fn use_toasts() -> Toasts {
    expect_context()
}

/// Where toasts appear; once, in the shell. Two live regions, so a failure is announced
/// at once and a success politely (regions, not alerts: an empty one is no message).
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts();
    let of_kind = move |kind: ToastKind| {
        move || {
            toasts
                .shown
                .get()
                .into_iter()
                .filter(|t| t.kind == kind)
                .collect::<Vec<_>>()
        }
    };
    let item = move |toast: Toast| {
        let id = toast.id;
        let (class, icon) = match toast.kind {
            ToastKind::Success => ("toast toast-success", IconKind::Check),
            ToastKind::Error => ("toast toast-error", IconKind::Alert),
        };
        view! {
            <li class=class>
                <Icon kind=icon/>
                <span class="toast-text">{toast.text}</span>
                <button type="button" class="icon-button" aria-label="Dismiss" on:click=move |_| toasts.dismiss(id)>
                    <Icon kind=IconKind::Close/>
                </button>
            </li>
        }
    };
    view! {
        <div class="toasts">
            <ul aria-live="assertive" class="toast-list">
                <For each=of_kind(ToastKind::Error) key=|t| t.id children=item/>
            </ul>
            <ul aria-live="polite" class="toast-list">
                <For each=of_kind(ToastKind::Success) key=|t| t.id children=item/>
            </ul>
        </div>
    }
}
