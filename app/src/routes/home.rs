//! The start page: for visitors, what Parley is and how to get in; for signed-in users,
//! their organisations (the last one opened first) and a form to create one.

use crate::components::current_user::use_current_user;
use crate::components::skeleton::CardsSkeleton;
use crate::dto::account::MeDto;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let user = use_current_user();
    view! {
        <Title text=""/>
        <Transition fallback=|| view! { <CardsSkeleton/> }>
            {move || Suspend::new(async move {
                user.await.map(|me| match me {
                    Some(me) => view! { <Workspaces me/> }.into_any(),
                    None => view! { <Landing/> }.into_any(),
                })
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn Landing() -> impl IntoView {
    crate::mark_hydrated();
    view! {
        <section class="page">
            <header class="page-header">
                <h1>"Welcome to Parley"</h1>
                <p class="lede">
                    "One workspace for your organisation's AI conversations, prompts and knowledge, "
                    "with every organisation's data kept to itself."
                </p>
            </header>
            <div class="card-grid">
                <article class="card">
                    <h2>"Sign in"</h2>
                    <p>"Continue where you left off."</p>
                    <a class="button" href="/login">"Sign in"</a>
                </article>
                <article class="card">
                    <h2>"New here?"</h2>
                    <p>"Create an account, then start an organisation or accept an invitation."</p>
                    <a class="button button-secondary" href="/signup">"Create an account"</a>
                </article>
            </div>
        </section>
    }
}

#[component]
fn Workspaces(me: MeDto) -> impl IntoView {
    crate::mark_hydrated();
    let mut tenants = me.tenants.clone();
    if let Some(last) = &me.last_tenant {
        tenants.sort_by_key(|t| &t.slug != last);
    }
    let last = me.last_tenant.clone();
    let first_name = me
        .name
        .split_whitespace()
        .next()
        .unwrap_or(&me.name)
        .to_string();
    view! {
        <section class="page">
            <header class="page-header page-header-row">
                <div>
                    <h1>{format!("Hello, {first_name}")}</h1>
                    <p class="lede">"Choose an organisation to work in, or create a new one."</p>
                </div>
                <a class="button" href="/new">"Create an organisation"</a>
            </header>
            <h2 class="section-title">"Your organisations"</h2>
            {if tenants.is_empty() {
                view! {
                    <div class="card empty-card">
                        <p>"You are not in any organisation yet. Create one, or open an invitation link someone sent you."</p>
                    </div>
                }.into_any()
            } else {
                view! {
                    <ul class="tenant-list">
                        {tenants.into_iter().map(|t| {
                            let is_last = last.as_deref() == Some(t.slug.as_str());
                            view! {
                                <li>
                                    <a class="card tenant-card" href=format!("/t/{}", t.slug)>
                                        <span class="tenant-avatar" aria-hidden="true">{t.name.chars().next().unwrap_or('?').to_string()}</span>
                                        <span class="tenant-text">
                                            <span class="tenant-name">{t.name.clone()}</span>
                                            <span class="muted">{format!("{} · /t/{}", t.role.label(), t.slug)}</span>
                                        </span>
                                        {is_last.then(|| view! { <span class="badge">"Last opened"</span> })}
                                        {t.suspended.then(|| view! { <span class="badge badge-danger">"Suspended"</span> })}
                                    </a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}
