//! Single sign-on settings of an organisation (admins): its OpenID Connect connections, the
//! claim → role mapping, just-in-time accounts, and whether members must use SSO. Client
//! secrets are write-only: the page only ever shows their last four characters.

use super::tenant::use_slug;
use crate::api::sso::{
    delete_sso_connection, sso_settings, test_sso_connection, SaveSsoConnection, SetRequireSso,
};
use crate::components::confirm::{use_confirm, Ask};
use crate::components::skeleton::Skeleton;
use crate::components::{
    clipboard::CopyButton,
    form::{field_error, general_error, Field, Notice},
};
use crate::dto::sso::{format_mappings, SsoConnectionDto, SsoKind, SsoSettingsDto, SsoTestReport};
use crate::roles::Role;
use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;
use uuid::Uuid;

#[component]
pub fn SsoSettingsPage() -> impl IntoView {
    let slug = use_slug();
    let require = ServerAction::<SetRequireSso>::new();
    // Bumped only by changes that went through: reloading the list rebuilds the forms in it,
    // which must never happen to a form whose save was refused.
    let refresh = RwSignal::new(0_u64);
    let saved = RwSignal::new(None::<String>);
    let on_saved = Callback::new(move |c: SsoConnectionDto| {
        saved.set(Some(format!(
            "Saved {}. Test the connection, then try signing in from a private window.",
            c.name
        )));
        refresh.update(|r| *r += 1);
    });
    Effect::new(move |_| {
        if matches!(require.value().get(), Some(Ok(()))) {
            refresh.update(|r| *r += 1);
        }
    });
    let settings = Resource::new(
        move || (slug.get(), refresh.get()),
        |(slug, _)| sso_settings(slug),
    );
    view! {
        <Title text="Single sign-on"/>
        <section class="page">
            <header class="page-header">
                <p class="eyebrow">
                    <a href=move || format!("/t/{}", slug.get())>"Organisation"</a>
                </p>
                <h1>"Single sign-on"</h1>
                <p class="lede">
                    "Let people sign in with their company account (Microsoft Entra ID or any OpenID Connect provider), get their role from it, and lose access the day they leave."
                </p>
            </header>
            {move || saved.get().map(|m| view! { <Notice kind="success">{m}</Notice> })}
            <Transition fallback=|| view! { <Skeleton/> }>
                {move || Suspend::new(async move {
                    let current = settings.await?;
                    Ok::<_, crate::error::AppError>(view! {
                        <Overview settings=current.clone() slug=slug.get_untracked()/>
                        <h2 class="section-title">"Connections"</h2>
                        {current.connections.is_empty().then(|| view! {
                            <p class="muted">"No connection yet. Add one below; the organisation's sign-in page then offers it."</p>
                        })}
                        <div class="provider-list">
                            {current.connections.iter().cloned().map(|c| view! {
                                <ConnectionCard connection=c slug=slug.get_untracked() refresh on_saved/>
                            }).collect_view()}
                        </div>
                    })
                })}
            </Transition>
            // Outside the list: reloading the list never rebuilds what is being typed here.
            <article class="card form-card">
                <h2>"Add a connection"</h2>
                <ConnectionForm slug existing=None on_saved/>
            </article>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let current = settings.await?;
                    Ok::<_, crate::error::AppError>(view! {
                        <RequireSso slug=slug.get_untracked() require on=current.require_sso has_enabled=current.connections.iter().any(|c| c.enabled)/>
                    })
                })}
            </Transition>
        </section>
    }
    .into_any()
}

/// What to paste into the identity provider, and where people sign in.
#[component]
fn Overview(settings: SsoSettingsDto, slug: String) -> impl IntoView {
    let redirect = settings.redirect_uri.clone();
    let login = format!("/t/{slug}/login");
    view! {
        <article class="card sso-overview">
            <div class="field">
                <span class="label">"Redirect URI"</span>
                <div class="copy-row">
                    <code class="copy-value">{redirect.clone()}</code>
                    <CopyButton text=redirect label="Copy redirect URI"/>
                </div>
                <p class="field-hint">"Register it in your identity provider's app registration (platform “Web”)."</p>
            </div>
            <p>
                "People sign in at "
                <a href=login.clone()>{login.clone()}</a>
                {if settings.verified_domains.is_empty() {
                    ". A platform administrator can also verify your e-mail domain, so “Continue with single sign-on” on the main sign-in page finds you.".to_string()
                } else {
                    format!(", or with “Continue with single sign-on” and an address at {}.", settings.verified_domains.join(", "))
                }}
            </p>
        </article>
    }
}

#[component]
fn ConnectionCard(
    connection: SsoConnectionDto,
    slug: String,
    refresh: RwSignal<u64>,
    on_saved: Callback<SsoConnectionDto>,
) -> impl IntoView {
    let id = connection.id;
    let for_form = Some(connection.clone());
    let slug = StoredValue::new(slug);
    let working = RwSignal::new(None::<&'static str>);
    let report = RwSignal::new(None::<Result<SsoTestReport, String>>);
    let run_test = move |_| {
        working.set(Some("Testing…"));
        spawn_local(async move {
            let outcome = test_sso_connection(slug.get_value(), id).await;
            report.set(Some(outcome.map_err(|e| e.to_string())));
            working.set(None);
        });
    };
    let name = connection.name.clone();
    let confirm = use_confirm();
    let run_delete = move |_| {
        let question = format!(
            "Delete the connection {name}? People who sign in with it lose that way in; their accounts stay."
        );
        confirm.ask(
            Ask {
                question,
                action: "Delete connection",
            },
            move || {
                working.set(Some("Deleting…"));
                spawn_local(async move {
                    match delete_sso_connection(slug.get_value(), id).await {
                        Ok(()) => refresh.update(|r| *r += 1),
                        Err(e) => report.set(Some(Err(e.to_string()))),
                    }
                    working.set(None);
                });
            },
        );
    };
    let mapping_text = if connection.role_mappings.is_empty() {
        "No role mappings".to_string()
    } else {
        connection
            .role_mappings
            .iter()
            .map(|m| format!("{} → {}", m.value, m.role.label()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let fallback = match connection.default_role {
        Some(role) => format!("otherwise {}", role.label()),
        None => "otherwise denied".to_string(),
    };
    view! {
        <article class="card provider-card" aria-label=format!("Connection {}", connection.name.clone())>
            <header class="provider-head">
                <div>
                    <h3>{connection.name.clone()}</h3>
                    <p class="muted">{connection.kind.label()} " · " <span class="break">{connection.issuer.clone()}</span></p>
                </div>
                <span class="badge">{if connection.enabled { "On" } else { "Off" }}</span>
            </header>
            <dl class="facts">
                <dt>"Client ID"</dt><dd><code>{connection.client_id.clone()}</code></dd>
                <dt>"Client secret"</dt><dd>{connection.client_secret_hint.clone().unwrap_or_else(|| "not set".into())}</dd>
                <dt>"Roles from"</dt><dd><code>{connection.role_claim.clone()}</code>{format!(": {mapping_text}; {fallback}")}</dd>
                <dt>"New people"</dt><dd>{if connection.jit { "get an account on first sign-in" } else { "need an existing account" }}</dd>
            </dl>
            {move || report.get().map(|r| match r {
                Ok(found) => view! {
                    <div class=if found.ok { "notice notice-success" } else { "notice notice-error" } role="status">
                        <p><strong>{if found.ok { "The connection looks right." } else { "The connection has a problem." }}</strong></p>
                        <ul class="findings">
                            {found.findings.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}
                        </ul>
                    </div>
                }.into_any(),
                Err(e) => view! { <Notice kind="error">{e}</Notice> }.into_any(),
            })}
            <div class="button-row">
                <button type="button" class="button button-secondary button-small" on:click=run_test disabled=move || working.get().is_some()>
                    {move || working.get().unwrap_or("Test this connection")}
                </button>
                <button type="button" class="button button-danger button-small" on:click=run_delete disabled=move || working.get().is_some()>
                    "Delete"
                </button>
            </div>
            <details class="edit-details">
                <summary>"Edit"</summary>
                <ConnectionForm slug=Signal::stored(slug.get_value()) existing=for_form on_saved/>
            </details>
        </article>
    }
}

/// Adds a connection (`existing` is `None`) or edits one. Each form has its own action, so an
/// answer and its errors show in the form that was sent, and a refused save keeps what was
/// typed. Field ids carry the connection id so several forms keep their labels apart.
#[component]
fn ConnectionForm(
    #[prop(into)] slug: Signal<String>,
    existing: Option<SsoConnectionDto>,
    /// Runs when this form's save went through.
    on_saved: Callback<SsoConnectionDto>,
) -> impl IntoView {
    let save = ServerAction::<SaveSsoConnection>::new();
    let result = save.value();
    let form = NodeRef::<leptos::html::Form>::new();
    let adding = existing.is_none();
    let initial_kind = existing.as_ref().map_or(SsoKind::Entra, |c| c.kind);
    let kind = RwSignal::new(initial_kind);
    Effect::new(move |_| {
        if let Some(Ok(saved)) = result.get() {
            if adding {
                // Ready for the next one; edit forms are rebuilt from the reloaded list.
                #[cfg(feature = "hydrate")]
                if let Some(form) = form.get_untracked() {
                    form.reset();
                }
                kind.set(SsoKind::Entra);
            }
            on_saved.run(saved);
        }
    });
    let prefix = existing
        .as_ref()
        .map_or_else(|| "sso-new".to_string(), |c| format!("sso-{}", c.id));
    let editing_id: Option<Uuid> = existing.as_ref().map(|c| c.id);
    let id_for = move |name: &str| format!("{prefix}-{name}");
    let value = {
        let existing = existing.clone();
        move |f: fn(&SsoConnectionDto) -> String| existing.as_ref().map(f).unwrap_or_default()
    };
    let default_role = existing.as_ref().and_then(|c| c.default_role);
    let jit = existing.as_ref().is_some_and(|c| c.jit);
    let enabled = existing.as_ref().is_none_or(|c| c.enabled);
    let has_secret = existing.as_ref().and_then(|c| c.client_secret_hint.clone());
    let mappings_text = existing
        .as_ref()
        .map(|c| format_mappings(&c.role_mappings))
        .unwrap_or_default();
    let err = move |field: &'static str| field_error(result, field);
    let kind_error = err("kind");
    view! {
        {move || general_error(result).get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
        <ActionForm action=save node_ref=form attr:class="stack">
            <input type="hidden" name="slug" value=move || slug.get()/>
            <input type="hidden" name="id" value=editing_id.map(|i| i.to_string()).unwrap_or_default()/>
            <Field id=id_for("name") label="Name" name="name" autocomplete="off" required=true
                value=value(|c| c.name.clone())
                hint="Shown on the sign-in button, like “Microsoft” or “Contoso”." error=err("name")/>
            <div class="field">
                <label for=id_for("kind")>"Provider type"</label>
                <select
                    id=id_for("kind")
                    name="kind"
                    class="select"
                    aria-invalid=move || kind_error.get().is_some().then_some("true")
                    on:change=move |ev| {
                        if let Some(k) = SsoKind::parse(&event_target_value(&ev)) { kind.set(k); }
                    }
                >
                    {[SsoKind::Entra, SsoKind::Oidc].into_iter().map(|k| view! {
                        <option value=k.as_str() selected=k == initial_kind>{k.label()}</option>
                    }).collect_view()}
                </select>
                <p class="field-error" role="alert">{move || kind_error.get()}</p>
            </div>
            // Both stay in the form, the other type's hidden and disabled, so switching the
            // type or a refused save never drops what was typed.
            <Field id=id_for("directory_id") label="Directory (tenant) ID" name="directory_id" autocomplete="off" required=true
                value=value(|c| c.directory_id.clone().unwrap_or_default())
                hint="From the Entra admin center's Overview page: a GUID."
                hidden=Signal::derive(move || kind.get() != SsoKind::Entra) error=err("directory_id")/>
            <Field id=id_for("issuer") label="Issuer URL" name="issuer" autocomplete="off" required=true
                value=value(|c| if c.kind == SsoKind::Oidc { c.issuer.clone() } else { String::new() })
                hint="Exactly as the provider's discovery document states it, like https://keycloak.example/realms/acme."
                hidden=Signal::derive(move || kind.get() != SsoKind::Oidc) error=err("issuer")/>
            <Field id=id_for("client_id") label="Client ID" name="client_id" autocomplete="off" required=true
                value=value(|c| c.client_id.clone())
                hint="The application (client) ID of the app registration." error=err("client_id")/>
            <div class="field">
                <label for=id_for("client_secret")>"Client secret"</label>
                <input id=id_for("client_secret") name="client_secret" type="password" autocomplete="off" required=has_secret.is_none()/>
                <p class="field-hint">
                    {match has_secret {
                        Some(hint) => format!("Stored encrypted ({hint}). Leave empty to keep it; a new issuer or directory needs it again."),
                        None => "Stored encrypted. After saving, only its last four characters are shown.".to_string(),
                    }}
                </p>
                <p class="field-error" role="alert">{move || err("client_secret").get()}</p>
            </div>
            <div class="field-pair">
                <Field id=id_for("scopes") label="Scopes" name="scopes" autocomplete="off"
                    value=value(|c| c.scopes.clone()) hint="Empty for “openid profile email”." error=err("scopes")/>
                <Field id=id_for("role_claim") label="Role claim" name="role_claim" autocomplete="off"
                    value=value(|c| c.role_claim.clone()) hint="roles (Entra app roles), groups, or any claim." error=err("role_claim")/>
            </div>
            <div class="field">
                <label for=id_for("role_mappings")>"Role mappings"</label>
                <textarea id=id_for("role_mappings") name="role_mappings" class="textarea mono" rows="3" placeholder="Parley.Admin = admin\nParley.User = member">
                    {mappings_text}
                </textarea>
                <p class="field-hint">"One “claim value = role” per line (viewer, member, admin, owner). The first line that matches wins."</p>
                <p class="field-error" role="alert">{move || err("role_mappings").get()}</p>
            </div>
            <div class="field">
                <label for=id_for("default_role")>"When no mapping matches"</label>
                <select id=id_for("default_role") name="default_role" class="select">
                    <option value="" selected=default_role.is_none()>"Deny sign-in (recommended)"</option>
                    {[Role::Viewer, Role::Member, Role::Admin].into_iter().map(|r| view! {
                        <option value=r.as_str() selected=default_role == Some(r)>{format!("Let in as {}", r.label())}</option>
                    }).collect_view()}
                </select>
                <p class="field-error" role="alert">{move || err("default_role").get()}</p>
            </div>
            <label class="check">
                <input type="checkbox" name="jit" value="on" checked=jit/>
                <span>"Create accounts on first sign-in"</span>
            </label>
            <label class="check">
                <input type="checkbox" name="enabled" value="on" checked=enabled/>
                <span>"Enabled"</span>
            </label>
            <button class="button" type="submit" disabled=move || save.pending().get()>
                {move || match (save.pending().get(), adding) {
                    (true, _) => "Saving…",
                    (false, false) => "Save connection",
                    (false, true) => "Add connection",
                }}
            </button>
        </ActionForm>
    }
}

#[component]
fn RequireSso(
    slug: String,
    require: ServerAction<SetRequireSso>,
    on: bool,
    has_enabled: bool,
) -> impl IntoView {
    let result = require.value();
    view! {
        <article class="card form-card">
            <h2>"Policy"</h2>
            {move || general_error(result).get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
            {move || field_error(result, "require_sso").get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
            {move || matches!(result.get(), Some(Ok(()))).then(|| view! { <Notice kind="success">"Policy saved."</Notice> })}
            <ActionForm action=require attr:class="stack">
                <input type="hidden" name="slug" value=slug/>
                <label class="check">
                    <input type="checkbox" name="require_sso" value="on" checked=on disabled=!has_enabled && !on/>
                    <span>"Members must sign in with SSO"</span>
                </label>
                <p class="field-hint">"Their password no longer works here. Platform administrators keep theirs, as the way back in if the identity provider fails."</p>
                <button class="button button-secondary" type="submit" disabled=move || require.pending().get()>"Save policy"</button>
            </ActionForm>
        </article>
    }
}
