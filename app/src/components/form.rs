//! Form building blocks: labelled fields with inline errors, notices, the error of a
//! server call as a sentence.

use crate::error::AppError;
use leptos::prelude::*;

/// A labelled input. `error` shows under the field and marks it invalid for assistive tech.
/// A `hidden` field is also disabled: the form neither sends nor checks it, and what was
/// typed stays for when it shows again.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    /// The input's id; `field-{name}` unless given (a page with two forms gives its own).
    #[prop(optional, into)]
    id: Option<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional)] minlength: Option<u32>,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(optional)] pattern: Option<&'static str>,
    #[prop(optional, into)] hidden: Signal<bool>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| format!("field-{name}"));
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" hidden=move || hidden.get()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                disabled=move || hidden.get()
                type=kind
                autocomplete=autocomplete
                required=required
                value=value
                minlength=minlength
                maxlength=maxlength
                pattern=pattern
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described
            />
            {hint.map(|h| view! { <p class="field-hint" id=hint_id>{h}</p> })}
            <p class="field-error" id=error_id role="alert">{move || error.get()}</p>
        </div>
    }
}

/// A message box: `kind` is `error`, `success` or `info`.
#[component]
pub fn Notice(kind: &'static str, children: Children) -> impl IntoView {
    let role = if kind == "error" { "alert" } else { "status" };
    view! { <div class=format!("notice notice-{kind}") role=role>{children()}</div> }
}

/// The error of the last server call, if it was not about one field.
pub fn general_error<T, S>(result: S) -> Signal<Option<String>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || match result.get() {
        Some(Err(e)) if e.field.is_none() => Some(e.to_string()),
        _ => None,
    })
}

/// The error of the last server call for `field`.
pub fn field_error<T, S>(result: S, field: &'static str) -> Signal<Option<String>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || match result.get() {
        Some(Err(e)) if e.field.as_deref() == Some(field) => Some(e.message),
        _ => None,
    })
}

/// Counts the successes of a server call. Lists keyed on it are read again after a change
/// that worked, never after a refusal: reading them again rebuilds the forms inside, and a
/// refused form must keep what was typed.
pub fn successes<T, E, S>(result: S) -> Signal<u64>
where
    T: Clone + Send + Sync + 'static,
    E: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, E>>> + Send + Sync + 'static,
{
    let count = RwSignal::new(0_u64);
    Effect::new(move |_| {
        if matches!(result.get(), Some(Ok(_))) {
            count.update(|c| *c += 1);
        }
    });
    count.into()
}
