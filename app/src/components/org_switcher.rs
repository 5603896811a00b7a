//! The organisation switcher in the top bar: the current organisation, and a menu of the
//! others the user belongs to (a `<details>` of plain links, so it works without JavaScript).

use super::current_user::{tenant_slug_of, use_current_user};
use leptos::{html, prelude::*};
use leptos_router::hooks::use_location;

#[component]
pub fn OrgSwitcher() -> impl IntoView {
    let user = use_current_user();
    let location = use_location();
    let current = Memo::new(move |_| tenant_slug_of(&location.pathname.get()));
    let menu = NodeRef::<html::Details>::new();
    // Client-side navigation keeps the page, so the menu is closed by hand.
    let close = move |_| {
        if let Some(details) = menu.get_untracked() {
            let _ = details.remove_attribute("open");
        }
    };
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let me = user.await.ok().flatten()?;
                if me.tenants.is_empty() {
                    return None;
                }
                let slug = current.get();
                let here = slug
                    .as_ref()
                    .and_then(|s| me.tenants.iter().find(|t| &t.slug == s))
                    .map(|t| t.name.clone());
                let label = here.clone().unwrap_or_else(|| "Organisations".to_string());
                Some(view! {
                    <details class="org-switcher" node_ref=menu>
                        <summary class="org-chip" aria-label=format!("Switch organisation (now: {label})")>
                            <span class="org-name">{label.clone()}</span>
                            <span class="org-caret" aria-hidden="true">"▾"</span>
                        </summary>
                        <div class="menu org-menu" role="menu">
                            <p class="menu-heading">"Your organisations"</p>
                            {me.tenants.iter().map(|t| {
                                let is_here = slug.as_deref() == Some(t.slug.as_str());
                                view! {
                                    <a
                                        role="menuitem"
                                        href=format!("/t/{}", t.slug)
                                        aria-current=is_here.then_some("page")
                                        on:click=close
                                    >
                                        <span>{t.name.clone()}</span>
                                        <span class="muted org-role">{t.role.label()}</span>
                                    </a>
                                }
                            }).collect_view()}
                            <a role="menuitem" href="/" on:click=close>"All organisations"</a>
                            <a role="menuitem" href="/new" on:click=close>"New organisation"</a>
                        </div>
                    </details>
                })
            })}
        </Transition>
    }
    .into_any()
}
