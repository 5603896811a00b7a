//! The landing page of the workspace.

use crate::components::icons::{Icon, IconKind};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text=""/>
        <section class="page">
            <header class="page-header">
                <h1>"Welcome to Parley"</h1>
                <p class="lede">
                    "One workspace for your organisation's AI conversations, prompts and knowledge, "
                    "with every tenant's data kept to itself."
                </p>
            </header>
            <div class="card-grid">
                <article class="card">
                    <h2>"Your workspace is running"</h2>
                    <p>
                        "The server is up, the database is migrated and this page has been hydrated. "
                        "Check the details on the status page."
                    </p>
                    <a class="button" href="/status">
                        <Icon kind=IconKind::Activity/>
                        "View system status"
                    </a>
                </article>
                <article class="card">
                    <h2>"Made for many organisations"</h2>
                    <p>
                        "Each organisation gets its own members, roles, AI providers and history. "
                        "Nothing is shared between them."
                    </p>
                </article>
            </div>
        </section>
    }
}
