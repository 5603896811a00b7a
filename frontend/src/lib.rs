//! The browser entry point: hydrates the server-rendered shell.
#![recursion_limit = "256"]

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // `hydrate_lazy` waits for lazy-loaded route chunks before hydrating them.
    leptos::mount::hydrate_lazy(app::App);
}
