//! What a page shows when there is nothing (yet) to show: what would be here, and the next
//! step. As the whole page (`page`), its title is the page's heading.

use super::icons::{Icon, IconKind};
use leptos::prelude::*;

#[component]
pub fn EmptyState(
    icon: IconKind,
    title: &'static str,
    /// The whole page is this state: the title is its `<h1>`.
    #[prop(optional)]
    page: bool,
    /// A word above the title, like "404".
    #[prop(optional)]
    eyebrow: Option<&'static str>,
    /// The explanation and the next step (a button or link).
    children: Children,
) -> impl IntoView {
    let heading = if page {
        view! { <h1 class="empty-state-title">{title}</h1> }.into_any()
    } else {
        view! { <h2 class="empty-state-title">{title}</h2> }.into_any()
    };
    view! {
        <div class="empty-state">
            <Icon kind=icon/>
            {eyebrow.map(|e| view! { <p class="eyebrow">{e}</p> })}
            {heading}
            {children()}
        </div>
    }
}
