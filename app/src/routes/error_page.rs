//! What the error boundary shows when a page fails: the sentence from `AppError`, with its
//! reference id so support can find the matching log line.

use leptos::prelude::*;

#[component]
pub fn ErrorPanel(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let messages = move || {
        errors
            .get()
            .into_iter()
            .map(|(_, e)| e.to_string())
            .collect::<Vec<_>>()
    };
    view! {
        <section class="page page-centered" role="alert">
            <div class="empty-state">
                <h1>"Something went wrong"</h1>
                <ul class="error-list">
                    {move || messages().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                </ul>
                <a class="button" href="">"Reload the page"</a>
            </div>
        </section>
    }
}
