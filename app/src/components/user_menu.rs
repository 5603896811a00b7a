//! The top bar's account area: who is signed in, account and admin links, sign out (a plain
//! form post, so it works without JavaScript); or a sign-in link for visitors.

use super::current_user::use_current_user;
use leptos::prelude::*;

#[component]
pub fn UserMenu() -> impl IntoView {
    let user = use_current_user();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match user.await.ok().flatten() {
                    Some(me) => view! {
                        <details class="user-menu">
                            <summary class="user-chip" aria-label=format!("Account menu for {}", me.name)>
                                <span class="avatar" aria-hidden="true">{me.name.chars().next().unwrap_or('?').to_string()}</span>
                                <span class="user-name">{me.name.clone()}</span>
                            </summary>
                            <div class="menu" role="menu">
                                <p class="menu-heading">{me.email.clone()}</p>
                                <a role="menuitem" href="/account">"Account"</a>
                                {me.is_super_admin.then(|| view! { <a role="menuitem" href="/admin">"Platform admin"</a> })}
                                <form method="post" action="/auth/logout">
                                    <button role="menuitem" type="submit">"Sign out"</button>
                                </form>
                            </div>
                        </details>
                    }.into_any(),
                    None => view! { <a class="button button-small" href="/login">"Sign in"</a> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}
