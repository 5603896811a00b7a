//! The navigation sidebar: home, the current organisation's pages, the user's own pages.
//! Links mark the current page with `aria-current`.

use super::current_user::{tenant_slug_of, use_current_user};
use super::icons::{Icon, IconKind};
use crate::roles::Permission;
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};

#[component]
pub fn Sidebar(on_navigate: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let location = use_location();
    let slug = Memo::new(move |_| tenant_slug_of(&location.pathname.get()));
    let user = use_current_user();
    view! {
        <nav id="sidebar" class="sidebar" aria-label="Main">
            <ul class="nav-list">
                <NavItem href="/".to_string() label="Home" icon=IconKind::Home on_navigate/>
            </ul>
            {move || slug.get().map(|slug| view! {
                <p class="nav-heading">"Organisation"</p>
                <ul class="nav-list">
                    <RoleNavItem slug=slug.clone() permission=Permission::UseWorkspace path="/chat" label="Chat" icon=IconKind::Chat on_navigate/>
                    <NavItem href=format!("/t/{slug}") label="Overview" icon=IconKind::Compass on_navigate/>
                    <NavItem href=format!("/t/{slug}/members") label="Members" icon=IconKind::Users on_navigate/>
                    <RoleNavItem slug=slug.clone() permission=Permission::ManageAi path="/settings/ai" label=crate::labels::AI_SETTINGS icon=IconKind::Sliders on_navigate/>
                    <RoleNavItem slug=slug.clone() permission=Permission::ManageSso path="/settings/sso" label="Single sign-on" icon=IconKind::Key on_navigate/>
                </ul>
            })}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    user.await.ok().flatten().map(|me| view! {
                        <p class="nav-heading">"You"</p>
                        <ul class="nav-list">
                            <NavItem href="/account".to_string() label="Account" icon=IconKind::User on_navigate/>
                            {me.is_super_admin.then(|| view! {
                                <NavItem href="/admin".to_string() label="Platform admin" icon=IconKind::Shield on_navigate/>
                            })}
                        </ul>
                    })
                })}
            </Transition>
            <ul class="nav-list nav-bottom">
                <NavItem href="/status".to_string() label="System status" icon=IconKind::Activity on_navigate/>
            </ul>
        </nav>
    }
    .into_any()
}

/// A link to a page of organisation `slug` that only some roles may use: shown when the
/// caller's role there allows `permission` (and, for pages that change it, the
/// organisation is not suspended).
#[component]
fn RoleNavItem(
    slug: String,
    permission: Permission,
    path: &'static str,
    label: &'static str,
    icon: IconKind,
    on_navigate: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let user = use_current_user();
    view! {
        <Transition fallback=|| ()>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                    let allowed = user.await.ok().flatten().is_some_and(|me| {
                        me.tenants.iter().any(|t| t.slug == slug && t.may(permission))
                    });
                    allowed.then(|| view! {
                        <NavItem href=format!("/t/{slug}{path}") label icon on_navigate/>
                    })
                })
            }}
        </Transition>
    }
}

#[component]
fn NavItem(
    href: String,
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
