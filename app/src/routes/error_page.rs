//! What the error boundary shows when a page fails: the sentence from `AppError`, with its
//! reference id so support can find the matching log line; a sign-in button when the page
//! needs a signed-in user.

use crate::error::AppError;
use leptos::prelude::*;

/// The distinct sentences among `errors`, in order.
fn sentences(errors: &Errors) -> Vec<String> {
    errors
        .iter()
        .map(|(_, e)| e.to_string())
        .fold(Vec::new(), |mut seen, m| {
            if !seen.contains(&m) {
                seen.push(m);
            }
            seen
        })
}

/// `pathname` is the router's current path, for "sign in and come back here".
///
/// Everything here reads the boundary's `ArcRwSignal` (reference-counted) rather than
/// signals owned by this panel: while a streamed page resolves, the boundary may replace
/// the panel, disposing what the panel owned, as the old view is still being rendered.
#[component]
pub fn ErrorPanel(errors: ArcRwSignal<Errors>, pathname: Memo<String>) -> impl IntoView {
    let signed_out = {
        let errors = errors.clone();
        move || {
            let wanted = AppError::unauthenticated().message;
            sentences(&errors.get()).contains(&wanted)
        }
    };
    let sign_in_href = move || format!("/login?next={}", pathname.try_get().unwrap_or_default());
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
                            {sentences(&errors.get()).into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                        </ul>
                        <a class="button" href="">"Reload the page"</a>
                    }.into_any()
                }}
            </div>
        </section>
    }
}
