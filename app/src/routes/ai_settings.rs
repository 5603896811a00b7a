//! AI settings of an organisation (admins): providers with their keys and models, and the
//! chat defaults and policy members work within. Keys are write-only: the page only ever
//! shows their last four characters.

use super::tenant::use_slug;
use crate::api::ai::{
    delete_provider, get_chat_settings, list_providers, replace_provider_key, save_provider_models,
    test_provider, CreateProvider, SaveChatSettings,
};
use crate::components::confirm::{use_confirm, Ask};
use crate::components::form::{field_error, general_error, successes, Field, Notice};
use crate::components::skeleton::Skeleton;
use crate::components::toast::use_toasts;
use crate::dto::chat::{ChatSettingsDto, ModelDto, ProviderDto, ProviderKind};
use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;
use uuid::Uuid;

#[component]
pub fn AiSettingsPage() -> impl IntoView {
    let slug = use_slug();
    let create = ServerAction::<CreateProvider>::new();
    let refresh = RwSignal::new(0_u64);
    let feedback = RwSignal::new(None::<Feedback>);
    let created = successes(create.value());
    let providers = Resource::new(
        move || (slug.get(), created.get(), refresh.get()),
        |(slug, ..)| list_providers(slug),
    );
    let settings = Resource::new(move || slug.get(), get_chat_settings);
    // The models the default may be: the providers' enabled ones and the platform's.
    let models = Resource::new(
        move || (slug.get(), created.get(), refresh.get()),
        |(slug, ..)| crate::api::chat::chat_context(slug),
    );

    view! {
        <Title text="AI settings"/>
        <section class="page">
            <header class="page-header">
                <p class="eyebrow">
                    <a href=move || format!("/t/{}", slug.get())>"Organisation"</a>
                </p>
                <h1>"AI settings"</h1>
                <p class="lede">
                    "The AI providers this organisation uses, with its own keys, and the defaults its chats start from."
                </p>
            </header>
            <Transition fallback=|| view! { <Skeleton/> }>
                {move || Suspend::new(async move {
                    let list = providers.await?;
                    let defaults = settings.await?;
                    let choices = models.await?.models;
                    Ok::<_, crate::error::AppError>(view! {
                        <h2 class="section-title">"Providers"</h2>
                        {list.is_empty().then(|| view! {
                            <p class="muted">"No provider yet. Add one below: OpenAI, Azure OpenAI, Anthropic, Gemini, or any OpenAI-compatible server such as Ollama or vLLM."</p>
                        })}
                        <div class="provider-list">
                            {list.iter().cloned().map(|p| view! {
                                <ProviderCard provider=p slug=slug.get_untracked() refresh feedback/>
                            }).collect_view()}
                        </div>
                        <AddProvider slug=slug.get_untracked() create/>
                        <ChatDefaults slug=slug.get_untracked() models=choices settings=defaults/>
                    })
                })}
            </Transition>
        </section>
    }
    .into_any()
}

/// The outcome of the last action on a provider card, kept across the list's refresh.
#[derive(Clone)]
struct Feedback {
    provider: Uuid,
    ok: bool,
    message: String,
}

#[component]
fn ProviderCard(
    provider: ProviderDto,
    slug: String,
    refresh: RwSignal<u64>,
    feedback: RwSignal<Option<Feedback>>,
) -> impl IntoView {
    let id = provider.id;
    let slug = StoredValue::new(slug);
    let enabled = RwSignal::new(
        provider
            .models
            .iter()
            .filter(|m| m.enabled)
            .map(|m| m.name.clone())
            .collect::<Vec<_>>(),
    );
    let manual = RwSignal::new(
        provider
            .models
            .iter()
            .filter(|m| m.manual)
            .map(|m| m.name.clone())
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let new_key = RwSignal::new(String::new());
    let working = RwSignal::new(None::<&'static str>);
    let report = move |ok: bool, message: String| {
        feedback.set(Some(Feedback {
            provider: id,
            ok,
            message,
        }));
        working.set(None);
        if ok {
            refresh.update(|r| *r += 1);
        }
    };
    let save_models = move |models: String, enabled_models: String| {
        working.set(Some("Saving…"));
        spawn_local(async move {
            match save_provider_models(slug.get_value(), id, models, enabled_models).await {
                Ok(_) => report(true, "Models saved.".into()),
                Err(e) => report(false, e.to_string()),
            }
        });
    };
    let replace_key = move |key: String| {
        working.set(Some("Saving…"));
        spawn_local(async move {
            match replace_provider_key(slug.get_value(), id, key).await {
                Ok(_) => {
                    new_key.set(String::new());
                    report(true, "Key replaced.".into());
                }
                Err(e) => report(false, e.to_string()),
            }
        });
    };
    let run_test = move |_| {
        working.set(Some("Testing…"));
        spawn_local(async move {
            match test_provider(slug.get_value(), id).await {
                Ok(result) => report(result.ok, result.message),
                Err(e) => report(false, e.to_string()),
            }
        });
    };
    let name = provider.name.clone();
    let confirm = use_confirm();
    let run_delete = move |_| {
        let question = format!(
            "Delete the provider {name}? Chats that use its models fall back to the default."
        );
        confirm.ask(
            Ask {
                question,
                action: "Delete provider",
            },
            move || {
                working.set(Some("Deleting…"));
                spawn_local(async move {
                    match delete_provider(slug.get_value(), id).await {
                        Ok(()) => {
                            working.set(None);
                            refresh.update(|r| *r += 1);
                        }
                        Err(e) => report(false, e.to_string()),
                    }
                });
            },
        );
    };
    let models = provider.models.clone();

    view! {
        <article class="card provider-card" aria-label=format!("Provider {}", provider.name)>
            <header class="provider-head">
                <div>
                    <h3>{provider.name.clone()}</h3>
                    <p class="muted">
                        {provider.kind.label()}
                        {provider.base_url.clone().map(|u| format!(" · {u}"))}
                        {provider.api_version.clone().map(|v| format!(" · api-version {v}"))}
                    </p>
                </div>
                <span class="badge">
                    {provider.api_key_hint.clone().map_or_else(|| "No key".to_string(), |h| format!("Key {h}"))}
                </span>
            </header>
            {move || feedback.get().filter(|f| f.provider == id).map(|f| view! {
                <Notice kind=if f.ok { "success" } else { "error" }>{f.message}</Notice>
            })}
            <fieldset class="model-list">
                <legend>"Models members may use"</legend>
                {models.is_empty().then(|| view! {
                    <p class="muted">"No models yet: test the connection to list them, or type their names below."</p>
                })}
                {models.into_iter().map(|m| {
                    let name = m.name.clone();
                    let checked = name.clone();
                    view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                prop:checked=move || enabled.with(|e| e.contains(&checked))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let name = name.clone();
                                    enabled.update(|e| {
                                        e.retain(|n| *n != name);
                                        if on { e.push(name); }
                                    });
                                }
                            />
                            <span>{m.name.clone()}</span>
                            {m.manual.then(|| view! { <span class="badge">"typed"</span> })}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <div class="field">
                <label for=format!("manual-{id}")>"Models typed by hand (one per line)"</label>
                <textarea
                    id=format!("manual-{id}")
                    class="textarea"
                    rows="2"
                    prop:value=move || manual.get()
                    on:input=move |ev| manual.set(event_target_value(&ev))
                ></textarea>
            </div>
            <div class="button-row">
                <button
                    type="button"
                    class="button button-small"
                    disabled=move || working.get().is_some()
                    on:click=move |_| save_models(manual.get_untracked(), enabled.get_untracked().join("\n"))
                >
                    "Save models"
                </button>
                <button
                    type="button"
                    class="button button-secondary button-small"
                    disabled=move || working.get().is_some()
                    on:click=run_test
                >
                    "Test connection"
                </button>
                <button
                    type="button"
                    class="button button-danger button-small"
                    disabled=move || working.get().is_some()
                    on:click=run_delete
                >
                    "Delete"
                </button>
                {move || working.get().map(|w| view! { <span class="muted" role="status">{w}</span> })}
            </div>
            <details class="key-change">
                <summary>"Replace the API key"</summary>
                <div class="inline-form">
                    <label class="visually-hidden" for=format!("key-{id}")>"New API key"</label>
                    <input
                        id=format!("key-{id}")
                        class="secret"
                        type="password"
                        autocomplete="off"
                        placeholder="New API key"
                        prop:value=move || new_key.get()
                        on:input=move |ev| new_key.set(event_target_value(&ev))
                    />
                    <button
                        type="button"
                        class="button button-secondary button-small"
                        on:click=move |_| {
                            let key = new_key.get_untracked();
                            if key.trim().is_empty() { return; }
                            replace_key(key);
                        }
                    >
                        "Save key"
                    </button>
                </div>
            </details>
        </article>
    }
}

#[component]
fn AddProvider(slug: String, create: ServerAction<CreateProvider>) -> impl IntoView {
    let kind = RwSignal::new(ProviderKind::OpenaiCompatible);
    let result = create.value();
    let url_hint = move || match kind.get() {
        ProviderKind::AzureOpenai => {
            "Your resource endpoint, like https://my-resource.openai.azure.com."
        }
        ProviderKind::OpenaiCompatible => {
            "The server's OpenAI-compatible address, like http://localhost:11434/v1 for Ollama."
        }
        _ => "Leave empty for the provider's own address.",
    };
    view! {
        <article class="card form-card">
            <h2>"Add a provider"</h2>
            {move || general_error(result).get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
            {move || result.get().and_then(Result::ok).map(|p| view! {
                <Notice kind="success">{format!("Added {}. Test the connection to list its models.", p.name)}</Notice>
            })}
            <ActionForm action=create attr:class="stack">
                <input type="hidden" name="slug" value=slug/>
                <Field label="Name" name="name" required=true maxlength=100 error=field_error(result, "name") hint="How members see it, like “OpenAI” or “Local Ollama”."/>
                <div class="field">
                    <label for="provider-kind">"Kind"</label>
                    <select
                        id="provider-kind"
                        name="kind"
                        class="select"
                        on:change=move |ev| {
                            if let Some(k) = ProviderKind::parse(&event_target_value(&ev)) { kind.set(k); }
                        }
                    >
                        {ProviderKind::ALL.into_iter().map(|k| view! {
                            <option value=k.as_str() selected=k == ProviderKind::OpenaiCompatible>{k.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="field-base_url">"Base URL"</label>
                    <input id="field-base_url" name="base_url" type="url" placeholder=move || kind.get().default_base_url().unwrap_or("https://…")/>
                    <p class="field-hint">{url_hint}</p>
                    <p class="field-error" role="alert">{move || field_error(result, "base_url").get()}</p>
                </div>
                {move || (kind.get() == ProviderKind::AzureOpenai).then(|| view! {
                    <Field label="API version" name="api_version" hint="Leave empty for 2024-10-21."/>
                })}
                <div class="field">
                    <label for="field-api_key">"API key"</label>
                    <input id="field-api_key" name="api_key" type="password" autocomplete="off"/>
                    <p class="field-hint">"Stored encrypted. After saving, only its last four characters are shown."</p>
                    <p class="field-error" role="alert">{move || field_error(result, "api_key").get()}</p>
                </div>
                <div class="field">
                    <label for="field-models">"Models typed by hand (optional, one per line)"</label>
                    <textarea id="field-models" name="models" class="textarea" rows="2"></textarea>
                    <p class="field-error" role="alert">{move || field_error(result, "models").get()}</p>
                </div>
                <button class="button" type="submit" disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Adding…" } else { "Add provider" }}
                </button>
            </ActionForm>
        </article>
    }
}

#[component]
fn ChatDefaults(slug: String, models: Vec<ModelDto>, settings: ChatSettingsDto) -> impl IntoView {
    let save = ServerAction::<SaveChatSettings>::new();
    let result = save.value();
    let toasts = use_toasts();
    Effect::new(move |_| {
        if matches!(result.get(), Some(Ok(_))) {
            toasts.success("Chat defaults saved.");
        }
    });
    let default_model = settings.default_model.clone();
    let models: Vec<(String, String)> = models
        .into_iter()
        .map(|m| (m.id, format!("{} · {}", m.name, m.provider_name)))
        .collect();
    view! {
        <article class="card form-card">
            <h2>"Chat defaults"</h2>
            <p class="muted">"What new chats use, and what members may change."</p>
            {move || general_error(result).get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
            <ActionForm action=save attr:class="stack">
                <input type="hidden" name="slug" value=slug/>
                <div class="field">
                    <label for="field-default_model">"Default model"</label>
                    <select id="field-default_model" name="default_model" class="select">
                        <option value="" selected=default_model.is_none()>"The first enabled model"</option>
                        {models.into_iter().map(|(id, label)| {
                            let selected = default_model.as_deref() == Some(id.as_str());
                            view! { <option value=id selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                    <p class="field-error" role="alert">{move || field_error(result, "model").get().or_else(|| field_error(result, "default_model").get())}</p>
                </div>
                <div class="field-pair">
                    <Field label="Temperature" name="temperature" value=settings.temperature.map(|t| t.to_string()).unwrap_or_default() hint="0 to 2; empty for the model's own." error=field_error(result, "temperature")/>
                    <Field label="Max tokens" name="max_tokens" kind="number" value=settings.max_tokens.map(|t| t.to_string()).unwrap_or_default() hint="Per answer; empty for no limit." error=field_error(result, "max_tokens")/>
                </div>
                <div class="field">
                    <label for="field-system_prompt">"System prompt"</label>
                    <textarea id="field-system_prompt" name="system_prompt" class="textarea" rows="4" maxlength="20000">{settings.system_prompt.clone()}</textarea>
                    <p class="field-hint">"Sent before every conversation, like “Answer in British English.”"</p>
                    <p class="field-error" role="alert">{move || field_error(result, "system_prompt").get()}</p>
                </div>
                <label class="check">
                    <input type="checkbox" name="members_choose_model" value="on" checked=settings.members_choose_model/>
                    <span>"Members may choose the model"</span>
                </label>
                <label class="check">
                    <input type="checkbox" name="members_tune" value="on" checked=settings.members_tune/>
                    <span>"Members may change temperature and max tokens"</span>
                </label>
                <button class="button" type="submit" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save chat defaults" }}
                </button>
            </ActionForm>
        </article>
    }
}
