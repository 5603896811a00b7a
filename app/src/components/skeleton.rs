//! Placeholders in the shape of what is loading, instead of the word "Loading…". Screen
//! readers hear "Loading" once. Line widths vary by position in the stylesheet (the page
//! policy allows no inline styles).

use leptos::prelude::*;

/// `lines` grey bars.
#[component]
pub fn Skeleton(#[prop(default = 3)] lines: usize) -> impl IntoView {
    view! {
        <div class="skeleton" aria-busy="true">
            <span class="visually-hidden">"Loading"</span>
            {(0..lines).map(|_| view! { <span class="skeleton-line" aria-hidden="true"></span> }).collect_view()}
        </div>
    }
}

/// Cards loading in a grid.
#[component]
pub fn CardsSkeleton(#[prop(default = 3)] cards: usize) -> impl IntoView {
    view! {
        <div class="card-grid" aria-busy="true">
            <span class="visually-hidden">"Loading"</span>
            {(0..cards).map(|_| view! {
                <div class="card skeleton-card" aria-hidden="true">
                    <span class="skeleton-line"></span>
                    <span class="skeleton-line"></span>
                </div>
            }).collect_view()}
        </div>
    }
}
