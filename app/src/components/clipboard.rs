//! Copying text for the person using the page.

/// Puts `text` on the clipboard. Without a browser (server rendering) there is none.
pub fn copy(text: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = leptos::prelude::window()
            .navigator()
            .clipboard()
            .write_text(text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}

/// A button that copies `text` and says so for two seconds.
#[leptos::component]
pub fn CopyButton(text: String, label: &'static str) -> impl leptos::IntoView {
    use leptos::prelude::*;
    let copied = RwSignal::new(false);
    let text = StoredValue::new(text);
    view! {
        <button
            type="button"
            class="button button-secondary button-small"
            aria-label=label
            on:click=move |_| {
                copy(&text.get_value());
                copied.set(true);
                set_timeout(move || copied.set(false), std::time::Duration::from_secs(2));
            }
        >
            {move || if copied.get() { "Copied" } else { "Copy" }}
        </button>
    }
}
