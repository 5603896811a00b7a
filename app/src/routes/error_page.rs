//! What the error boundary shows when a page fails: the sentence from `AppError`, with its
//! reference id so support can find the matching log line; a sign-in button when the page
//! needs a signed-in user.

use crate::error::AppError;
use leptos::prelude::*;

/// `pathname` is the router's current path, for "sign in and come back here".
#[component]
pub fn ErrorPanel(errors: ArcRwSignal<Errors>, pathname: Memo<String>) -> impl IntoView {
    let messages = Memo::new(move |_| {
        errors
            .get()
            .into_iter()
            .map(|(_, e)| e.to_string())
            .fold(Vec::new(), |mut seen, m| {
                if !seen.contains(&m) {
                    seen.push(m);
                }
                seen
            })
    });
    let signed_out = move || {
        let wanted = AppError::unauthenticated().message;
        messages.get().contains(&wanted)
    };
    let sign_in_href = move || format!("/login?next={}", pathname.get());
    view! {
        <section class="page page-centered" role="alert">
            <div class="empty-state">
                {move || if signed_out() {
                    view! {
                        <h1>"Please sign in"</h1>
                        <p>"This page is only for signed-in members."</p>
                        <a class="button" href=sign_in_href>"Sign in"</a>
                    }.into_any()
                } else {
                    view! {
                        <h1>"Something went wrong"</h1>
                        <ul class="error-list">
                            {messages.get().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                        </ul>
                        <a class="button" href="">"Reload the page"</a>
                    }.into_any()
                }}
            </div>
        </section>
    }
}
