//! The 404 page. It sets the HTTP status itself, so crawlers and tests see a real 404.

use crate::components::{empty_state::EmptyState, icons::IconKind};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    crate::mark_hydrated();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found"/>
        <section class="page page-centered">
            <EmptyState icon=IconKind::Compass title="Page not found" eyebrow="404" page=true>
                <p>"The page you asked for does not exist or has moved."</p>
                <a class="button" href="/">"Back to the home page"</a>
            </EmptyState>
        </section>
    }
}
