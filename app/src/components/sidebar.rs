//! The navigation sidebar. Links mark the current page with `aria-current`.

use super::icons::{Icon, IconKind};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Sidebar(on_navigate: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    view! {
    <nav id="sidebar" class="sidebar" aria-label="Main">
        <ul class="nav-list">
            <NavItem href="/" label="Home" icon=IconKind::Home on_navigate/>
            <NavItem href="/status" label="System status" icon=IconKind::Activity on_navigate/>
        </ul>
    </nav>
    }
    .into_any()
}

#[component]
fn NavItem(
    href: &'static str,
    label: &'static str,
    icon: IconKind,
    on_navigate: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <li>
            <A href=href exact=true attr:class="nav-link" attr:title=label on:click=move |_| on_navigate()>
                <Icon kind=icon/>
                <span class="nav-label">{label}</span>
            </A>
        </li>
    }
}
