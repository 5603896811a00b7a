//! The account page: display name, password, where one is signed in, personal API tokens.

use crate::api::account::{
    my_sessions, my_tokens, ChangePassword, CreateToken, RevokeToken, SignOutEverywhere,
    UpdateProfile,
};
use crate::components::clipboard::CopyButton;
use crate::components::confirm::{use_confirm, Ask};
use crate::components::current_user::use_current_user;
use crate::components::date_text::{hour_minute, iso_date};
use crate::components::form::{field_error, general_error, successes, Field, Notice};
use crate::components::skeleton::Skeleton;
use crate::dto::account::{ApiTokenDto, SessionDto};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;

/// True once an action's last call succeeded and no new call is under way.
fn succeeded<T: Clone + Send + Sync + 'static>(
    result: MappedSignal<Option<Result<T, AppError>>>,
    pending: Memo<bool>,
) -> Signal<bool> {
    Signal::derive(move || matches!(result.get(), Some(Ok(_))) && !pending.get())
}

/// A moment as people read it: `2025-03-14 09:26 UTC`.
fn when(at: &DateTime<Utc>) -> String {
    let at = at.naive_utc();
    format!("{} {} UTC", iso_date(at), hour_minute(at))
}

/// A browser and system from a User-Agent header, e.g. "Firefox on Linux".
fn short_agent(user_agent: &str) -> String {
    fn lookup(ua: &str, table: &[(&str, &'static str)]) -> Option<&'static str> {
        table
            .iter()
            .find(|(needle, _)| ua.contains(needle))
            .map(|(_, name)| *name)
    }
    const BROWSERS: [(&str, &str); 9] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("FxiOS/", "Firefox"),
        ("Firefox/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
        ("python-requests/", "Python requests"),
    ];
    const SYSTEMS: [(&str, &str); 8] = [
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("CrOS", "ChromeOS"),
        ("Mac OS X", "macOS"),
        ("Macintosh", "macOS"),
        ("Linux", "Linux"),
    ];
    let ua = user_agent.trim();
    if ua.is_empty() {
        return "Unknown device".to_string();
    }
    match (lookup(ua, &BROWSERS), lookup(ua, &SYSTEMS)) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(browser), None) => browser.to_string(),
        (None, Some(system)) => system.to_string(),
        (None, None) if ua.chars().count() > 40 => {
            format!("{}…", ua.chars().take(40).collect::<String>())
        }
        (None, None) => ua.to_string(),
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let change_password = ServerAction::<ChangePassword>::new();
    view! {
        <Title text="Account"/>
        <section class="page">
            <header class="page-header">
                <h1>"Your account"</h1>
                <p class="lede">
                    "Your name, your password, the devices you are signed in on and your API tokens."
                </p>
            </header>
            <ProfileCard/>
            <PasswordCard change=change_password/>
            <SessionsCard refresh=change_password.version()/>
            <TokensCard/>
            <SingleSignOnCard/>
        </section>
    }
    .into_any()
}

/// Linking the account to an organisation's identity provider, so "Sign in with …" finds
/// it. A form POST: the CSRF layer guards it and nobody links by following a link.
#[component]
fn SingleSignOnCard() -> impl IntoView {
    let list = Resource::new(|| (), |()| crate::api::account::linkable_sso());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let list = list.await.unwrap_or_default();
                (!list.is_empty()).then(|| view! {
                    <section class="card" aria-labelledby="sso-title">
                        <h2 id="sso-title">"Single sign-on"</h2>
                        <p class="muted">"Link your account to a single sign-on connection, then use “Sign in with …” instead of your password."</p>
                        <ul class="plain-list">
                            {list.into_iter().map(|l| view! {
                                <li class="sso-link-row">
                                    <span>{format!("{} · {}", l.tenant_name, l.connection_name)}</span>
                                    {if l.linked {
                                        view! { <span class="badge">"Linked"</span> }.into_any()
                                    } else {
                                        view! {
                                            <form method="post" action=l.link_url.clone()>
                                                <button type="submit" class="button button-secondary button-small">
                                                    {format!("Link {}", l.connection_name)}
                                                </button>
                                            </form>
                                        }.into_any()
                                    }}
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Transition>
    }
}

#[component]
fn ProfileCard() -> impl IntoView {
    let save = ServerAction::<UpdateProfile>::new();
    let result = save.value();
    let user = use_current_user();
    // The top bar shows the name too: reload the shared user once the new one is stored.
    Effect::new(move |_| {
        if matches!(result.get(), Some(Ok(()))) {
            user.refetch();
        }
    });
    let problem = general_error(result);
    let name_error = field_error(result, "name");
    let saving = save.pending();
    let saved = succeeded(result, saving);

    view! {
        <section class="card" aria-labelledby="profile-title">
            <h2 id="profile-title">"Profile"</h2>
            <p>"The name other people see in your organisations."</p>
            {move || problem.get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
            {move || saved.get().then(|| view! { <Notice kind="success">"Saved."</Notice> })}
            <Transition fallback=|| view! { <Skeleton/> }>
                {move || Suspend::new(async move {
                    user.await.map(|me| {
                        let name = me.map(|m| m.name).unwrap_or_default();
                        view! {
                            <ActionForm action=save attr:class="stack form-narrow">
                                <Field
                                    label="Display name"
                                    name="name"
                                    autocomplete="name"
                                    required=true
                                    maxlength=100
                                    value=name
                                    error=name_error
                                />
                                <div>
                                    <button class="button" type="submit" disabled=move || saving.get()>
                                        {move || if saving.get() { "Saving…" } else { "Save" }}
                                    </button>
                                </div>
                            </ActionForm>
                        }
                    })
                })}
            </Transition>
        </section>
    }
    .into_any()
}

#[component]
fn PasswordCard(change: ServerAction<ChangePassword>) -> impl IntoView {
    let result = change.value();
    let form = NodeRef::<leptos::html::Form>::new();
    // Passwords do not stay in the fields once they did their job.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if matches!(result.get(), Some(Ok(()))) {
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
        }
    });
    let problem = general_error(result);
    let changing = change.pending();
    let changed = succeeded(result, changing);

    view! {
        <section class="card" aria-labelledby="password-title">
            <h2 id="password-title">"Password"</h2>
            <p>"Changing it signs you out on every other device."</p>
            {move || problem.get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
            {move || changed.get().then(|| view! {
                <Notice kind="success">"Password changed. Your other sessions were signed out."</Notice>
            })}
            <ActionForm action=change node_ref=form attr:class="stack form-narrow">
                <Field
                    label="Current password"
                    name="current_password"
                    kind="password"
                    autocomplete="current-password"
                    required=true
                    error=field_error(result, "current_password")
                />
                <Field
                    label="New password"
                    name="new_password"
                    kind="password"
                    autocomplete="new-password"
                    required=true
                    minlength=8
                    maxlength=128
                    hint="At least 8 characters. Common passwords are refused."
                    error=field_error(result, "new_password")
                />
                <div>
                    <button class="button" type="submit" disabled=move || changing.get()>
                        {move || if changing.get() { "Changing…" } else { "Change password" }}
                    </button>
                </div>
            </ActionForm>
        </section>
    }
    .into_any()
}

#[component]
fn SessionsCard(
    /// Changes when the list may have changed elsewhere (a password change ends other sessions).
    #[prop(into)]
    refresh: Signal<usize>,
) -> impl IntoView {
    let confirm = use_confirm();
    let sign_out = ServerAction::<SignOutEverywhere>::new();
    let result = sign_out.value();
    let sessions = Resource::new(move || refresh.get(), |_| my_sessions());
    // This session ended too: leave for the sign-in form with a full page load.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if matches!(result.get(), Some(Ok(()))) {
            let _ = window().location().set_href("/login");
        }
    });
    let problem = general_error(result);
    let signing_out = sign_out.pending();

    view! {
        <section class="card" aria-labelledby="sessions-title">
            <div class="card-header-row">
                <div>
                    <h2 id="sessions-title">"Sessions"</h2>
                    <p>"The browsers and devices where you are signed in."</p>
                </div>
                <button
                    class="button button-danger"
                    type="button"
                    disabled=move || signing_out.get()
                    on:click=move |_| {
                        let question = "Sign out everywhere, this device included?".to_string();
                        confirm.ask(Ask { question, action: "Sign out everywhere" }, move || {
                            sign_out.dispatch(SignOutEverywhere {});
                        });
                    }
                >
                    {move || if signing_out.get() { "Signing out…" } else { "Sign out everywhere" }}
                </button>
            </div>
            {move || problem.get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
            <Transition fallback=|| view! { <Skeleton/> }>
                {move || Suspend::new(async move {
                    sessions.await.map(|list| {
                        if list.is_empty() {
                            return view! { <p class="muted">"No active sessions."</p> }.into_any();
                        }
                        view! {
                            <ul class="plain-list">
                                {list.into_iter().map(|s| view! { <SessionRow session=s/> }).collect_view()}
                            </ul>
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
fn SessionRow(session: SessionDto) -> impl IntoView {
    let device = short_agent(&session.user_agent);
    let ip = if session.ip.is_empty() {
        "Unknown".to_string()
    } else {
        session.ip.clone()
    };
    view! {
        <li class="row">
            <div class="row-main">
                <span>
                    <strong title=session.user_agent.clone()>{device}</strong>
                    {session.current.then(|| view! { " " <span class="badge">"This device"</span> })}
                </span>
                <dl class="meta-list">
                    <div>
                        <dt>"IP address"</dt>
                        <dd>{ip}</dd>
                    </div>
                    <div>
                        <dt>"Last seen"</dt>
                        <dd>
                            <time datetime=session.last_seen_at.to_rfc3339()>{when(&session.last_seen_at)}</time>
                        </dd>
                    </div>
                    <div>
                        <dt>"Signed in"</dt>
                        <dd>
                            <time datetime=session.created_at.to_rfc3339()>{when(&session.created_at)}</time>
                        </dd>
                    </div>
                </dl>
            </div>
        </li>
    }
}

#[component]
fn TokensCard() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let tokens = Resource::new(
        {
            let changes = [successes(create.value()), successes(revoke.value())];
            move || changes.map(|c| c.get())
        },
        |_| my_tokens(),
    );
    let created = create.value();
    let creating = create.pending();
    let form = NodeRef::<leptos::html::Form>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if matches!(created.get(), Some(Ok(_))) {
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
        }
    });
    let create_problem = general_error(created);
    let revoke_problem = general_error(revoke.value());
    let name_error = field_error(created, "name");
    // Written out rather than with `Field`: the profile form already has `field-name`.
    let name_described = move || {
        if name_error.get().is_some() {
            "token-name-hint token-name-error"
        } else {
            "token-name-hint"
        }
    };

    view! {
        <section class="card" aria-labelledby="tokens-title">
            <h2 id="tokens-title">"API tokens"</h2>
            <p>"Tokens let scripts and other programs use Parley as you. Treat them like passwords."</p>
            {move || revoke_problem.get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
            <Transition fallback=|| view! { <Skeleton/> }>
                {move || Suspend::new(async move {
                    tokens.await.map(|list| {
                        if list.is_empty() {
                            return view! { <p class="muted">"No API tokens yet."</p> }.into_any();
                        }
                        view! {
                            <ul class="plain-list">
                                {list.into_iter().map(|t| view! { <TokenRow token=t revoke/> }).collect_view()}
                            </ul>
                        }
                        .into_any()
                    })
                })}
            </Transition>

            <h3 class="subsection-title">"Create a token"</h3>
            {move || create_problem.get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
            <ActionForm action=create node_ref=form attr:class="stack form-narrow">
                <div class="field">
                    <label for="token-name">"Name"</label>
                    <input
                        id="token-name"
                        name="name"
                        type="text"
                        autocomplete="off"
                        required=true
                        maxlength="100"
                        aria-invalid=move || name_error.get().is_some().then_some("true")
                        aria-describedby=name_described
                    />
                    <p class="field-hint" id="token-name-hint">"What it is for, e.g. “Deploy script”."</p>
                    <p class="field-error" id="token-name-error" role="alert">{move || name_error.get()}</p>
                </div>
                <TokenOrganisation error=field_error(created, "tenant")/>
                <Field
                    label="Expires after, in days (optional)"
                    name="expires_in_days"
                    kind="number"
                    autocomplete="off"
                    hint="From 1 to 3650. Leave empty for a token that does not expire."
                    error=field_error(created, "expires_in_days")
                />
                <div>
                    <button class="button" type="submit" disabled=move || creating.get()>
                        {move || if creating.get() { "Creating…" } else { "Create token" }}
                    </button>
                </div>
            </ActionForm>
            {move || created.get().and_then(Result::ok).map(|t| view! {
                <div class="secret-box" role="status">
                    <p>
                        <strong>{format!("Token “{}” created. ", t.name)}</strong>
                        "Copy this token now: it will not be shown again."
                    </p>
                    <div class="copy-row">
                        <code class="secret copy-value">{t.token.clone()}</code>
                        <CopyButton text=t.token.clone() label="Copy token"/>
                    </div>
                    <div>
                        <button class="button button-secondary button-small" type="button" on:click=move |_| create.clear()>
                            "I have copied it"
                        </button>
                    </div>
                </div>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn TokenRow(token: ApiTokenDto, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    let confirm = use_confirm();
    let id = token.id;
    let busy = revoke.pending();
    let question = format!(
        "Revoke the token “{}”? Programs that use it stop working at once.",
        token.name
    );
    let scope = token
        .tenant
        .clone()
        .unwrap_or_else(|| "All organisations".to_string());
    // Moments in `<time>`, so machines (and screen-reader users) can read them exactly.
    let moment = |at: Option<DateTime<Utc>>, otherwise: &'static str| match at {
        Some(at) => view! { <time datetime=at.to_rfc3339()>{when(&at)}</time> }.into_any(),
        None => otherwise.into_any(),
    };
    let expires = moment(token.expires_at, "Never");
    let last_used = moment(token.last_used_at, "Never used");
    view! {
        <li class="row">
            <div class="row-main">
                <strong>{token.name.clone()}</strong>
                <dl class="meta-list">
                    <div>
                        <dt>"Organisation"</dt>
                        <dd>{scope}</dd>
                    </div>
                    <div>
                        <dt>"Created"</dt>
                        <dd>
                            <time datetime=token.created_at.to_rfc3339()>{when(&token.created_at)}</time>
                        </dd>
                    </div>
                    <div>
                        <dt>"Expires"</dt>
                        <dd>{expires}</dd>
                    </div>
                    <div>
                        <dt>"Last used"</dt>
                        <dd>{last_used}</dd>
                    </div>
                </dl>
            </div>
            <button
                class="button button-danger button-small"
                type="button"
                disabled=move || busy.get()
                on:click=move |_| {
                    confirm.ask(Ask { question: question.clone(), action: "Revoke" }, move || {
                        revoke.dispatch(RevokeToken { id });
                    });
                }
            >
                "Revoke"
                <span class="visually-hidden">{format!(" {}", token.name)}</span>
            </button>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::{short_agent, when};
    use chrono::TimeZone;

    #[test]
    fn user_agents_read_as_browser_and_system() {
        assert_eq!(
            short_agent("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"),
            "Firefox on Linux"
        );
        assert_eq!(
            short_agent(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0"
            ),
            "Edge on Windows"
        );
        assert_eq!(
            short_agent(
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
            ),
            "Safari on iOS"
        );
        assert_eq!(
            short_agent(
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/126.0.0.0 Mobile Safari/537.36"
            ),
            "Chrome on Android"
        );
        assert_eq!(short_agent("curl/8.5.0"), "curl");
        assert_eq!(short_agent(""), "Unknown device");
        assert_eq!(short_agent("a".repeat(60).as_str()).chars().count(), 41);
    }

    #[test]
    fn moments_are_minutes_in_utc() {
        let at = chrono::Utc
            .with_ymd_and_hms(2025, 3, 14, 9, 26, 53)
            .single();
        assert_eq!(
            at.map(|t| when(&t)).as_deref(),
            Some("2025-03-14 09:26 UTC")
        );
    }
}

/// Which organisation a new token is limited to: one of the caller's, or all of them.
#[component]
fn TokenOrganisation(error: Signal<Option<String>>) -> impl IntoView {
    let user = use_current_user();
    let field = move |tenants: Vec<crate::dto::account::MyTenantDto>| {
        view! {
            <div class="field">
                <label for="token-tenant">"Organisation"</label>
                <select
                    id="token-tenant"
                    name="tenant"
                    class="select"
                    aria-describedby="token-tenant-hint"
                    aria-invalid=move || error.get().is_some().then_some("true")
                >
                    <option value="">"All my organisations"</option>
                    {tenants.into_iter().map(|t| view! {
                        <option value=t.slug.clone()>{format!("Only {}", t.name)}</option>
                    }).collect_view()}
                </select>
                <p class="field-hint" id="token-tenant-hint">"A token limited to one organisation works there only and cannot change your account."</p>
                <p class="field-error" role="alert">{move || error.get()}</p>
            </div>
        }
    };
    view! {
        <Transition fallback=move || field(Vec::new())>
            {move || Suspend::new(async move {
                field(user.await.ok().flatten().map(|me| me.tenants).unwrap_or_default())
            })}
        </Transition>
    }
}
