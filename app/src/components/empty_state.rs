//! What a page shows when there is nothing yet: what would be here, and the next step.

use super::icons::{Icon, IconKind};
use leptos::prelude::*;

#[component]
pub fn EmptyState(
    icon: IconKind,
    title: &'static str,
    /// The explanation and the next step (a button or link).
    children: Children,
) -> impl IntoView {
    view! {
        <div class="empty-state">
            <Icon kind=icon/>
            <h2 class="empty-state-title">{title}</h2>
            {children()}
        </div>
    }
}
