//! An organisation's start page.

use crate::api::tenants::open_tenant;
use crate::components::form::Notice;
use crate::components::skeleton::CardsSkeleton;
use crate::roles::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The `slug` of the current `/t/{slug}/…` route.
pub fn use_slug() -> Signal<String> {
    let params = use_params_map();
    Signal::derive(move || params.read().get("slug").unwrap_or_default())
}

#[component]
pub fn TenantHome() -> impl IntoView {
    let slug = use_slug();
    let tenant = Resource::new(move || slug.get(), open_tenant);
    view! {
        // In place before the data arrives; the organisation's name replaces it.
        <Title text="Organisation"/>
        <Transition fallback=|| view! { <CardsSkeleton/> }>
            {move || Suspend::new(async move {
                tenant.await.map(|t| {
                    let members_href = format!("/t/{}/members", t.slug);
                    let chat_href = format!("/t/{}/chat", t.slug);
                    let ai_href = format!("/t/{}/settings/ai", t.slug);
                    let suspended = t.status == "suspended";
                    let may = |p: Permission| crate::roles::refusal(t.role, suspended, p).is_none();
                    let can_invite = may(Permission::ManageInvitations);
                    view! {
                        <Title text=t.name.clone()/>
                        <section class="page">
                            <header class="page-header">
                                <p class="eyebrow">"Organisation"</p>
                                <h1>{t.name.clone()}</h1>
                                <p class="lede">{format!("You are {} here.", with_article(t.role.label()))}</p>
                            </header>
                            {(t.status == "suspended").then(|| view! {
                                <Notice kind="error">
                                    "This organisation is suspended, so it is read-only. Contact the platform administrator."
                                </Notice>
                            })}
                            <div class="card-grid">
                                <article class="card">
                                    <h2>"Members"</h2>
                                    <p>{if can_invite { "See who is here, change roles and invite people." } else { "See who is in this organisation." }}</p>
                                    <a class="button" href=members_href>"Open members"</a>
                                </article>
                                {may(Permission::UseWorkspace).then(|| view! {
                                    <article class="card">
                                        <h2>"AI chat"</h2>
                                        <p>"Talk to this organisation's AI models. Your chats are private to you."</p>
                                        <a class="button" href=chat_href.clone()>"Open chat"</a>
                                    </article>
                                })}
                                {may(Permission::ManageAi).then(|| view! {
                                    <article class="card">
                                        <h2>{crate::labels::AI_SETTINGS}</h2>
                                        <p>"Providers and keys, the models members may use, and chat defaults."</p>
                                        <a class="button button-secondary" href=ai_href.clone()>"Open AI settings"</a>
                                    </article>
                                })}
                            </div>
                        </section>
                    }
                })
            })}
        </Transition>
    }
    .into_any()
}

pub fn with_article(role: &str) -> String {
    let article = if role.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    };
    // Role names are ASCII; ASCII case keeps Unicode's case tables out of the bundle.
    format!("{article} {}", role.to_ascii_lowercase())
}
