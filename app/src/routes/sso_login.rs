//! The organisation's own sign-in page (`/t/{slug}/login`, "Sign in with Microsoft") and
//! the page every failed single sign-on ends on (`/sso/problem`), which says what happened
//! and what to do. Both work without JavaScript: the buttons are plain links.

use super::tenant::use_slug;
use crate::api::sso::tenant_login_page;
use crate::components::form::Notice;
use crate::components::skeleton::Skeleton;
use crate::dto::sso::{SsoKind, SsoProblem};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TenantSignInPage() -> impl IntoView {
    let slug = use_slug();
    let query = use_query_map();
    let page = Resource::new(move || slug.get(), tenant_login_page);
    let sso_required = move || query.read().get("error").as_deref() == Some("sso_required");
    view! {
        <Title text="Sign in"/>
        <section class="auth-page">
            <div class="card auth-card">
                <Transition fallback=|| view! { <Skeleton/> }>
                    {move || Suspend::new(async move {
                        let Ok(login) = page.await else {
                            return view! {
                                <Title text="Sign in"/>
                                <h1>"No such organisation"</h1>
                                <p class="muted">"Check the address, or "<a href="/login">"sign in here"</a>"."</p>
                            }.into_any();
                        };
                        let name = login.name.clone();
                        view! {
                            <Title text=format!("Sign in to {name}")/>
                            <h1>{format!("Sign in to {}", login.name)}</h1>
                            {sso_required().then(|| view! {
                                <Notice kind="error">{format!("{} requires single sign-on: sign in with your organisation's account below.", login.name)}</Notice>
                            })}
                            {login.buttons.is_empty().then(|| view! {
                                <p class="muted">"This organisation has no single sign-on yet."</p>
                            })}
                            <div class="stack">
                                {login.buttons.iter().map(|b| {
                                    let href = format!("/t/{}/sso/{}/start", login.slug, b.id);
                                    let class = match b.kind {
                                        SsoKind::Entra => "button button-wide button-sso button-microsoft",
                                        SsoKind::Oidc => "button button-wide button-sso",
                                    };
                                    view! { <a class=class href=href rel="external">{format!("Sign in with {}", b.label)}</a> }
                                }).collect_view()}
                            </div>
                            {(!login.require_sso).then(|| view! {
                                <p class="muted auth-switch">"Or "<a href=format!("/login?next=/t/{}", login.slug)>"sign in with e-mail and password"</a></p>
                            })}
                        }.into_any()
                    })}
                </Transition>
            </div>
        </section>
    }
    .into_any()
}

#[component]
pub fn SsoProblemPage() -> impl IntoView {
    let query = use_query_map();
    let problem = move || {
        query
            .read()
            .get("code")
            .and_then(|c| SsoProblem::parse(&c))
            .unwrap_or(SsoProblem::InvalidToken)
    };
    // Slugs are plain `[a-z0-9-]`: anything else is not ours and is not linked to.
    let tenant = move || {
        query
            .read()
            .get("tenant")
            .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    };
    let platform = move || query.read().get("platform").is_some();
    let title = move || {
        if platform() {
            problem().platform_title()
        } else {
            problem().title()
        }
    };
    let advice = move || {
        if platform() {
            problem().platform_advice()
        } else {
            problem().advice()
        }
    };
    view! {
        <Title text="Sign-in problem"/>
        <section class="auth-page">
            <div class="card auth-card">
                <h1>{title}</h1>
                <p>{advice}</p>
                <div class="button-row">
                    {move || tenant().map(|t| view! {
                        <a class="button" href=format!("/t/{t}/login")>"Back to the organisation's sign-in"</a>
                    })}
                    <a class="button button-secondary" href="/login">"Sign in with e-mail"</a>
                </div>
            </div>
        </section>
    }
    .into_any()
}
