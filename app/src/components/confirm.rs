//! The confirm dialog for destructive actions: a modal `<dialog>` (focus kept inside,
//! Escape cancels) that names the action on its button, instead of the browser's bare
//! "OK / Cancel" box.

use leptos::{html, prelude::*};

type OnYes = Box<dyn Fn() + Send + Sync>;

/// One question: what will happen, and the words on the button that does it.
pub struct Ask {
    pub question: String,
    pub action: &'static str,
}

#[derive(Clone, Copy)]
pub struct Confirm {
    asked: RwSignal<Option<(String, &'static str)>>,
    on_yes: StoredValue<Option<OnYes>>,
    dialog: NodeRef<html::Dialog>,
}

impl Confirm {
    /// Asks, and runs `on_yes` only if the person confirms.
    pub fn ask(&self, ask: Ask, on_yes: impl Fn() + Send + Sync + 'static) {
        self.on_yes.set_value(Some(Box::new(on_yes)));
        self.asked.set(Some((ask.question, ask.action)));
        if let Some(dialog) = self.dialog.get_untracked() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
        }
    }

    fn answer(&self, yes: bool) {
        if let Some(dialog) = self.dialog.get_untracked() {
            dialog.close();
        }
        let on_yes = self.on_yes.try_update_value(Option::take).flatten();
        if yes {
            if let Some(on_yes) = on_yes {
                on_yes();
            }
        }
    }
}

pub fn provide_confirm() {
    provide_context(Confirm {
        asked: RwSignal::new(None),
        on_yes: StoredValue::new(None),
        dialog: NodeRef::new(),
    });
}

pub fn use_confirm() -> Confirm {
    expect_context()
}

/// The dialog itself; once, in the shell.
#[component]
pub fn ConfirmDialog() -> impl IntoView {
    let confirm = use_confirm();
    view! {
        <dialog
            class="dialog"
            node_ref=confirm.dialog
            aria-labelledby="confirm-question"
            // Escape closes a modal dialog natively: that is a no.
            on:close=move |_| { confirm.on_yes.set_value(None); }
        >
            <form method="dialog" class="dialog-body" on:submit=move |ev| { ev.prevent_default(); confirm.answer(true); }>
                <p id="confirm-question" class="dialog-question">
                    {move || confirm.asked.get().map(|(q, _)| q)}
                </p>
                <div class="button-row dialog-actions">
                    <button type="button" class="button button-secondary" autofocus on:click=move |_| confirm.answer(false)>
                        "Cancel"
                    </button>
                    <button type="submit" class="button button-danger-solid">
                        {move || confirm.asked.get().map(|(_, a)| a)}
                    </button>
                </div>
            </form>
        </dialog>
    }
}
