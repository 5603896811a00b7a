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
