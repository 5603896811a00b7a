//! Copying text for the person using the page.

/// Puts `text` on the clipboard; false when the browser offers none (pages served over
/// plain http, other than localhost, have no clipboard) or there is no browser at all.
pub fn copy(text: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        let navigator = leptos::prelude::window().navigator();
        let has_clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into())
            .is_ok_and(|clipboard| !clipboard.is_undefined());
        if has_clipboard {
            let _ = navigator.clipboard().write_text(text);
        }
        has_clipboard
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = text;
        false
    }
}

/// A button that copies `text` and says so, to screen readers too, for two seconds; where
/// the browser has no clipboard it says to copy by hand.
#[leptos::component]
pub fn CopyButton(text: String, label: &'static str) -> impl leptos::IntoView {
    use leptos::prelude::*;
    let outcome = RwSignal::new(None::<bool>);
    let text = StoredValue::new(text);
    view! {
        <button
            type="button"
            class="button button-secondary button-small"
            aria-label=label
            on:click=move |_| {
                outcome.set(Some(copy(&text.get_value())));
                set_timeout(move || outcome.set(None), std::time::Duration::from_secs(3));
            }
        >
            "Copy"
        </button>
        <span class="copy-outcome" role="status">
            {move || outcome.get().map(|copied| if copied { "Copied" } else { "Select it and copy by hand" })}
        </span>
    }
}
