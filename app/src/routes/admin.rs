//! The platform admin page (super-admins): every organisation and every account on the
//! server, with suspend / reactivate and disable / enable. Each list and each change is
//! audited on the server; anyone else gets the server's refusal through the error boundary.

use crate::api::admin::{
    admin_tenants, admin_users, platform_settings, ResetUserPassword, SetTenantMemberLimit,
    SetTenantPlatformAi, SetTenantSsoDomains, SetTenantSuspended, SetUserDisabled,
    UpdatePlatformSettings,
};
use crate::components::clipboard::CopyButton;
use crate::components::confirm::{use_confirm, Ask};
use crate::components::date_text;
use crate::components::form::{general_error, successes, Notice};
use crate::components::skeleton::Skeleton;
use crate::components::toast::use_toasts;
use crate::dto::account::{AdminTenantDto, AdminUserDto};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use std::time::Duration;

/// How many rows the server returns at most (`platform_admin::PAGE`).
const SERVER_PAGE: usize = 200;

/// How long typing must pause before a search goes out: every search is an audited call.
const SEARCH_DELAY: Duration = Duration::from_millis(250);

/// A day as people read it: `2025-03-14` (UTC).
fn day(at: &DateTime<Utc>) -> String {
    date_text::iso_date(at.naive_utc())
}

/// What to say when a search finds nothing.
fn nothing_found(what: &str, query: &str) -> String {
    match query.trim() {
        "" => format!("No {what} yet."),
        q => format!("No {what} match “{q}”."),
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    view! {
        <Title text="Platform admin"/>
        <section class="page page-wide">
            <header class="page-header">
                <h1>"Platform admin"</h1>
                <p class="lede">
                    "Every organisation and every account on this server. What you look at and what you change here is recorded in the audit log."
                </p>
            </header>
            <Settings/>
            <Organisations/>
            <Users/>
        </section>
    }
    .into_any()
}

/// Who may sign up and who may create organisations.
#[component]
fn Settings() -> impl IntoView {
    let save = ServerAction::<UpdatePlatformSettings>::new();
    let saved = save.value();
    let saves = successes(saved);
    let toasts = use_toasts();
    Effect::new(move |_| {
        if saves.get() > 0 {
            toasts.success("Platform settings saved.");
        }
    });
    let current = Resource::new(move || saves.get(), |_| platform_settings());
    view! {
        <section class="page-section" aria-labelledby="settings-title">
            <h2 id="settings-title" class="section-title">"Platform settings"</h2>
            <Transition fallback=|| view! { <Skeleton/> }>
                {move || Suspend::new(async move {
                    current.await.map(|settings| view! {
                        <article class="card form-card">
                            {move || general_error(saved).get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
                            <ActionForm action=save attr:class="stack">
                                <div class="field">
                                    <label for="setting-signup">"Who may create an account"</label>
                                    <select id="setting-signup" name="signup" class="select">
                                        <option value="open" selected=settings.signup == "open">"Anyone"</option>
                                        <option value="invite_only" selected=settings.signup == "invite_only">"Only people with an invitation"</option>
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="setting-creation">"Who may create an organisation"</label>
                                    <select id="setting-creation" name="tenant_creation" class="select">
                                        <option value="anyone" selected=settings.tenant_creation == "anyone">"Any signed-in user"</option>
                                        <option value="super_admin" selected=settings.tenant_creation == "super_admin">"Only platform administrators"</option>
                                    </select>
                                </div>
                                <button class="button" type="submit">"Save settings"</button>
                            </ActionForm>
                        </article>
                    })
                })}
            </Transition>
        </section>
    }
    .into_any()
}

/// A labelled search field that sets `query` once typing pauses.
#[component]
fn SearchBox(
    id: &'static str,
    label: &'static str,
    placeholder: &'static str,
    query: RwSignal<String>,
) -> impl IntoView {
    let timer = StoredValue::new(None::<TimeoutHandle>);
    view! {
        <div class="field search-field">
            <label for=id>{label}</label>
            <input
                id=id
                type="search"
                autocomplete="off"
                spellcheck="false"
                placeholder=placeholder
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    if let Some(pending) = timer.get_value() {
                        pending.clear();
                    }
                    timer.set_value(set_timeout_with_handle(move || query.set(value), SEARCH_DELAY).ok());
                }
            />
        </div>
    }
}

/// Says so when the server's page limit cut the list short.
#[component]
fn CutShort(shown: usize) -> impl IntoView {
    (shown >= SERVER_PAGE).then(|| {
        view! {
            <p class="muted table-note">
                {format!("Showing the first {SERVER_PAGE}. Narrow the search to find others.")}
            </p>
        }
    })
}

#[component]
fn Organisations() -> impl IntoView {
    let query = RwSignal::new(String::new());
    let toggle = ServerAction::<SetTenantSuspended>::new();
    let offer = ServerAction::<SetTenantPlatformAi>::new();
    let limit = ServerAction::<SetTenantMemberLimit>::new();
    let domains = ServerAction::<SetTenantSsoDomains>::new();
    let actions = TenantActions {
        toggle,
        offer,
        limit,
        domains,
    };
    let changes = [
        successes(toggle.value()),
        successes(offer.value()),
        successes(limit.value()),
        successes(domains.value()),
    ];
    let tenants = Resource::new(
        move || (query.get(), changes.map(|c| c.get())),
        |(query, ..)| admin_tenants(query),
    );
    let problem = Signal::derive(move || {
        general_error(toggle.value())
            .get()
            .or_else(|| general_error(offer.value()).get())
            // A bad limit is a field error, shown here as the row has no room for it.
            .or_else(|| match limit.value().get() {
                Some(Err(e)) => Some(e.to_string()),
                _ => None,
            })
            .or_else(|| match domains.value().get() {
                Some(Err(e)) => Some(e.to_string()),
                _ => None,
            })
    });

    view! {
        <section class="page-section" aria-labelledby="organisations-title">
            <h2 id="organisations-title" class="section-title">"Organisations"</h2>
            <SearchBox id="organisation-search" label="Search organisations" placeholder="Name or slug" query/>
            {move || problem.get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
            <Transition fallback=|| view! { <Skeleton/> }>
                {move || Suspend::new(async move {
                    tenants.await.map(|list| {
                        if list.is_empty() {
                            let message = nothing_found("organisations", &query.get_untracked());
                            return view! { <p class="card empty-card" role="status">{message}</p> }.into_any();
                        }
                        let shown = list.len();
                        view! {
                            <TenantTable tenants=list actions/>
                            <CutShort shown/>
                        }
                        .into_any()
                    })
                })}
            </Transition>
        </section>
    }
    .into_any()
}

/// What a super-admin can change on an organisation's row.
#[derive(Clone, Copy)]
struct TenantActions {
    toggle: ServerAction<SetTenantSuspended>,
    offer: ServerAction<SetTenantPlatformAi>,
    limit: ServerAction<SetTenantMemberLimit>,
    domains: ServerAction<SetTenantSsoDomains>,
}

#[component]
fn TenantTable(tenants: Vec<AdminTenantDto>, actions: TenantActions) -> impl IntoView {
    view! {
        <div class="card table-card" tabindex="0" role="region" aria-label="Table of organisations">
            <table class="table">
                <caption class="visually-hidden">"Organisations"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Slug"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Member limit"</th>
                        <th scope="col">"Platform AI"</th>
                        <th scope="col">"SSO domains"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {tenants.into_iter().map(|t| view! { <TenantRow tenant=t actions/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn TenantRow(tenant: AdminTenantDto, actions: TenantActions) -> impl IntoView {
    let confirm = use_confirm();
    let TenantActions {
        toggle,
        offer,
        limit,
        domains,
    } = actions;
    let slug_domains = tenant.slug.clone();
    let domains_draft = RwSignal::new(tenant.sso_domains.join(" "));
    let suspended = tenant.status == "suspended";
    let (slug_offer, slug_limit) = (tenant.slug.clone(), tenant.slug.clone());
    let offered = tenant.platform_ai;
    let limit_draft = RwSignal::new(tenant.max_users.map(|n| n.to_string()).unwrap_or_default());
    let status = match tenant.status.as_str() {
        "active" => view! { <span class="badge">"Active"</span> }.into_any(),
        "suspended" => view! { <span class="badge badge-danger">"Suspended"</span> }.into_any(),
        other => view! { <span class="badge">{other.to_string()}</span> }.into_any(),
    };
    let slug = tenant.slug.clone();
    let question = format!(
        "Suspend “{}”? Its members can still read but can no longer change anything until you reactivate it.",
        tenant.name
    );
    let created = tenant.created_at;
    let busy = toggle.pending();
    let button_class = if suspended {
        "button button-secondary button-small"
    } else {
        "button button-danger button-small"
    };
    view! {
        <tr>
            <td>{tenant.name.clone()}</td>
            <td><code>{tenant.slug.clone()}</code></td>
            <td>{status}</td>
            <td>
                <form
                    class="inline-form limit-form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        limit.dispatch(SetTenantMemberLimit { slug: slug_limit.clone(), max_users: limit_draft.get_untracked() });
                    }
                >
                    <label class="visually-hidden" for=format!("limit-{}", tenant.slug)>{format!("Member limit of {}", tenant.name)}</label>
                    <input
                        id=format!("limit-{}", tenant.slug)
                        class="secret limit-input"
                        inputmode="numeric"
                        placeholder="None"
                        prop:value=move || limit_draft.get()
                        on:input=move |ev| limit_draft.set(event_target_value(&ev))
                    />
                    <button type="submit" class="button button-secondary button-small">"Set"</button>
                </form>
            </td>
            <td>
                <label class="check">
                    <input
                        type="checkbox"
                        checked=offered
                        on:change=move |ev| {
                            offer.dispatch(SetTenantPlatformAi { slug: slug_offer.clone(), platform_ai: event_target_checked(&ev) });
                        }
                    />
                    <span class="visually-hidden">{format!("Offer the platform's AI provider to {}", tenant.name)}</span>
                    <span aria-hidden="true">"Offered"</span>
                </label>
            </td>
            <td>
                <form
                    class="inline-form limit-form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        domains.dispatch(SetTenantSsoDomains { slug: slug_domains.clone(), domains: domains_draft.get_untracked() });
                    }
                >
                    <label class="visually-hidden" for=format!("domains-{}", tenant.slug)>{format!("Verified e-mail domains of {}", tenant.name)}</label>
                    <input
                        id=format!("domains-{}", tenant.slug)
                        class="secret domains-input"
                        placeholder="example.com"
                        prop:value=move || domains_draft.get()
                        on:input=move |ev| domains_draft.set(event_target_value(&ev))
                    />
                    <button type="submit" class="button button-secondary button-small">"Set"</button>
                </form>
            </td>
            <td><time datetime=created.to_rfc3339()>{day(&created)}</time></td>
            <td class="actions">
                <button
                    type="button"
                    class=button_class
                    disabled=move || busy.get()
                    on:click=move |_| {
                        let slug = slug.clone();
                        let act = move || {
                            toggle.dispatch(SetTenantSuspended { slug: slug.clone(), suspended: !suspended });
                        };
                        if suspended {
                            act();
                        } else {
                            confirm.ask(Ask { question: question.clone(), action: "Suspend" }, act);
                        }
                    }
                >
                    {if suspended { "Reactivate" } else { "Suspend" }}
                    <span class="visually-hidden">{format!(" {}", tenant.name)}</span>
                </button>
            </td>
        </tr>
    }
}

#[component]
fn Users() -> impl IntoView {
    let query = RwSignal::new(String::new());
    let toggle = ServerAction::<SetUserDisabled>::new();
    let reset = ServerAction::<ResetUserPassword>::new();
    let reset_value = reset.value();
    let toggled = successes(toggle.value());
    let users = Resource::new(
        move || (query.get(), toggled.get()),
        |(query, _)| admin_users(query),
    );
    let problem = general_error(toggle.value());
    let me = crate::components::current_user::use_current_user();

    view! {
        <section class="page-section" aria-labelledby="users-title">
            <h2 id="users-title" class="section-title">"Users"</h2>
            <SearchBox id="user-search" label="Search users" placeholder="Name or e-mail" query/>
            {move || problem.get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
            {move || general_error(reset_value).get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
            {move || reset_value.get().and_then(Result::ok).map(|password| view! {
                <div class="secret-box" role="status">
                    <p>"New one-time password. Pass it on safely; it is not shown again, and the user was signed out everywhere:"</p>
                    <div class="copy-row">
                        <code class="secret copy-value">{password.clone()}</code>
                        <CopyButton text=password label="Copy one-time password"/>
                    </div>
                </div>
            })}
            <Transition fallback=|| view! { <Skeleton/> }>
                {move || Suspend::new(async move {
                    let my_id = me.await.ok().flatten().map(|me| me.id);
                    users.await.map(|list| {
                        if list.is_empty() {
                            let message = nothing_found("users", &query.get_untracked());
                            return view! { <p class="card empty-card" role="status">{message}</p> }.into_any();
                        }
                        let shown = list.len();
                        view! {
                            <UserTable users=list my_id toggle reset/>
                            <CutShort shown/>
                        }
                        .into_any()
                    })
                })}
            </Transition>
        </section>
    }
    .into_any()
}

#[component]
fn UserTable(
    users: Vec<AdminUserDto>,
    /// The signed-in super-admin, whose own row offers no action against itself.
    my_id: Option<uuid::Uuid>,
    toggle: ServerAction<SetUserDisabled>,
    reset: ServerAction<ResetUserPassword>,
) -> impl IntoView {
    view! {
        <div class="card table-card" tabindex="0" role="region" aria-label="Table of users">
            <table class="table">
                <caption class="visually-hidden">"Users"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"E-mail"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Joined"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {users.into_iter().map(|u| view! { <UserRow user=u my_id toggle reset/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn UserRow(
    user: AdminUserDto,
    my_id: Option<uuid::Uuid>,
    toggle: ServerAction<SetUserDisabled>,
    reset: ServerAction<ResetUserPassword>,
) -> impl IntoView {
    let confirm = use_confirm();
    let reset_question = format!(
        "Give {} a new one-time password? Their current password stops working and they are signed out everywhere.",
        user.email
    );
    let disabled = user.disabled;
    let user_id = user.id;
    let question = format!(
        "Disable {}? They are signed out everywhere and cannot sign in until you enable the account again.",
        user.email
    );
    let created = user.created_at;
    let busy = toggle.pending();
    let is_me = my_id == Some(user.id);
    let button_class = if disabled {
        "button button-secondary button-small"
    } else {
        "button button-danger button-small"
    };
    view! {
        <tr>
            <td>
                {user.name.clone()}
                {user.is_super_admin.then(|| view! { " " <span class="badge">"Super-admin"</span> })}
                {is_me.then(|| view! { " " <span class="badge">"You"</span> })}
            </td>
            <td>{user.email.clone()}</td>
            <td>
                {if disabled {
                    view! { <span class="badge badge-danger">"Disabled"</span> }.into_any()
                } else {
                    view! { <span class="badge">"Active"</span> }.into_any()
                }}
            </td>
            <td><time datetime=created.to_rfc3339()>{day(&created)}</time></td>
            <td class="actions">
                {if is_me {
                    // Disabling or resetting oneself would lock the platform's admin out.
                    view! { <a class="button button-secondary button-small" href="/account">"Your account"</a> }.into_any()
                } else {
                    view! {
                <button
                    type="button"
                    class=button_class
                    disabled=move || busy.get()
                    on:click=move |_| {
                        let act = move || {
                            toggle.dispatch(SetUserDisabled { user_id, disabled: !disabled });
                        };
                        if disabled {
                            act();
                        } else {
                            confirm.ask(Ask { question: question.clone(), action: "Disable" }, act);
                        }
                    }
                >
                    {if disabled { "Enable" } else { "Disable" }}
                    <span class="visually-hidden">{format!(" {}", user.email)}</span>
                </button>
                " "
                <button
                    type="button"
                    class="button button-secondary button-small"
                    disabled=move || busy.get()
                    on:click=move |_| {
                        confirm.ask(Ask { question: reset_question.clone(), action: "Reset password" }, move || {
                            reset.dispatch(ResetUserPassword { user_id });
                        });
                    }
                >
                    "Reset password"
                    <span class="visually-hidden">{format!(" of {}", user.email)}</span>
                </button>
                    }.into_any()
                }}
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::nothing_found;

    #[test]
    fn empty_lists_say_why() {
        assert_eq!(
            nothing_found("organisations", "  "),
            "No organisations yet."
        );
        assert_eq!(nothing_found("users", " ada "), "No users match “ada”.");
    }
}
