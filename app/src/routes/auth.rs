//! Sign in and sign up. Both are plain HTML forms posted to the server (`/auth/login`,
//! `/auth/register`), so they work before or without JavaScript; errors come back as a code
//! in the URL and are shown here as a sentence.

use crate::components::form::{Field, Notice};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn sign_in_message(code: &str, retry_after: Option<String>) -> String {
    match code {
        "invalid_credentials" => "The e-mail address or password is not right.".into(),
        "rate_limited" => match retry_after.and_then(|s| s.parse::<u64>().ok()) {
            Some(secs) => format!(
                "Too many attempts. Wait {}, then try again.",
                crate::error::wait_time(secs)
            ),
            None => "Too many attempts. Wait a few seconds, then try again.".into(),
        },
        "account_disabled" => "This account has been disabled. Contact your administrator.".into(),
        "forbidden" => {
            "The form was sent from another site and refused. Try again from this page.".into()
        }
        "sso_unknown_domain" => "No organisation has set up single sign-on for that e-mail domain. Sign in with your password, or use your organisation's sign-in link.".into(),
        _ => "Signing in did not work. Please try again.".into(),
    }
}

fn sign_up_message(code: &str, field: Option<&str>) -> (Option<&'static str>, String) {
    match (code, field) {
        ("validation", Some("email")) => (Some("email"), "Enter a valid e-mail address, like name@example.com.".into()),
        ("validation", Some("name")) => (Some("name"), "Enter your name (up to 100 characters).".into()),
        ("validation", Some("password")) => (
            Some("password"),
            "Use 8 to 128 characters, and not one of the most common passwords.".into(),
        ),
        ("conflict", _) => (Some("email"), "An account with this e-mail address already exists. Sign in instead.".into()),
        ("signup_closed", _) => (
            None,
            "Sign-up needs an invitation on this server. Ask an administrator for an invitation link.".into(),
        ),
        ("rate_limited", _) => (None, "Too many attempts. Wait a moment, then try again.".into()),
        _ => (None, "Creating the account did not work. Please try again.".into()),
    }
}

/// What the form had in it when the server refused it (`backend::auth::form_echo`), read
/// before the page streams so it is in the first HTML, with or without JavaScript. Only
/// asked for when the page comes back with an error.
fn typed_before() -> Resource<crate::dto::account::FormEchoDto> {
    let query = use_query_map();
    Resource::new_blocking(
        move || query.read().get("error").is_some(),
        |refused| async move {
            if refused {
                crate::api::session::form_echo()
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_default()
            } else {
                crate::dto::account::FormEchoDto::default()
            }
        },
    )
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let typed = typed_before();
    let error = move || {
        let q = query.read();
        q.get("error")
            .map(|code| sign_in_message(&code, q.get("retry_after")))
    };
    let next = move || query.read().get("next").unwrap_or_default();
    let signup_href = move || {
        let next = next();
        match next.strip_prefix("/invite/") {
            Some(token) => format!("/signup?invitation={token}"),
            None => "/signup".to_string(),
        }
    };
    view! {
        <Title text="Sign in"/>
        <section class="auth-page">
            <div class="card auth-card">
                <h1>"Sign in to Parley"</h1>
                {move || error().map(|e| view! { <Notice kind="error">{e}</Notice> })}
                {move || query.read().get("signed_out").map(|_| view! { <Notice kind="success">"You are signed out."</Notice> })}
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let typed = typed.await;
                        // A refused single sign-on address comes back to its own form.
                        let sso_refused = query.read().get("error").as_deref() == Some("sso_unknown_domain");
                        let (email, sso_email) = if sso_refused {
                            (String::new(), typed.email)
                        } else {
                            (typed.email, String::new())
                        };
                        view! {
                            <form method="post" action="/auth/login" class="stack">
                                <input type="hidden" name="next" value=next/>
                                <Field label="E-mail" name="email" kind="email" autocomplete="username" required=true value=email/>
                                <Field label="Password" name="password" kind="password" autocomplete="current-password" required=true/>
                                <button class="button button-wide" type="submit">"Sign in"</button>
                            </form>
                            <PlatformSignIn/>
                            <details class="sso-discover" open=sso_refused>
                                <summary>"Continue with single sign-on"</summary>
                                <form method="post" action="/auth/sso/discover" class="stack">
                                    <Field
                                        label="Work e-mail"
                                        name="email"
                                        id="sso-email"
                                        kind="email"
                                        autocomplete="email"
                                        required=true
                                        value=sso_email
                                        hint="We find your organisation from the address and send you to its sign-in."
                                    />
                                    <button class="button button-secondary button-wide" type="submit">"Continue"</button>
                                </form>
                            </details>
                        }
                    })}
                </Suspense>
                <p class="muted auth-switch">"New to Parley? " <a href=signup_href>"Create an account"</a></p>
            </div>
        </section>
    }
    .into_any()
}

/// "Sign in with …" for the platform's own SSO connection, when the operator set one up.
/// A plain link: it works without JavaScript.
#[component]
fn PlatformSignIn() -> impl IntoView {
    let label = Resource::new(|| (), |()| crate::api::sso::platform_sign_in_button());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                label.await.ok().flatten().map(|label| view! {
                    <div class="auth-alternative">
                        <p class="auth-or" aria-hidden="true"><span>"or"</span></p>
                        <a class="button button-secondary button-wide button-sso" href="/sso/platform/start" rel="external">
                            {format!("Sign in with {label}")}
                        </a>
                    </div>
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let query = use_query_map();
    let typed = typed_before();
    let invitation = move || query.read().get("invitation").unwrap_or_default();
    let problem = move || {
        let q = query.read();
        q.get("error")
            .map(|code| sign_up_message(&code, q.get("field").as_deref()))
    };
    let field_error = move |field: &'static str| {
        Signal::derive(move || problem().and_then(|(f, msg)| (f == Some(field)).then_some(msg)))
    };
    let general = move || problem().and_then(|(f, msg)| f.is_none().then_some(msg));
    let signin_href = move || match invitation() {
        t if t.is_empty() => "/login".to_string(),
        t => format!("/login?next=/invite/{t}"),
    };
    view! {
        <Title text="Create an account"/>
        <section class="auth-page">
            <div class="card auth-card">
                <h1>"Create your Parley account"</h1>
                {move || (!invitation().is_empty()).then(|| view! {
                    <Notice kind="info">"You will join the organisation that invited you once your account exists."</Notice>
                })}
                {move || general().map(|e| view! { <Notice kind="error">{e}</Notice> })}
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let typed = typed.await;
                        view! {
                <form method="post" action="/auth/register" class="stack">
                    <input type="hidden" name="invitation" value=invitation/>
                    <Field label="Your name" name="name" autocomplete="name" required=true maxlength=100 error=field_error("name") value=typed.name/>
                    <Field label="E-mail" name="email" kind="email" autocomplete="email" required=true error=field_error("email") value=typed.email/>
                    <Field
                        label="Password"
                        name="password"
                        kind="password"
                        autocomplete="new-password"
                        required=true
                        minlength=8
                        maxlength=128
                        hint="At least 8 characters. Common passwords are refused."
                        error=field_error("password")
                    />
                    <button class="button button-wide" type="submit">"Create account"</button>
                </form>
                        }
                    })}
                </Suspense>
                <p class="muted auth-switch">"Already have an account? " <a href=signin_href>"Sign in"</a></p>
            </div>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_code_reads_as_a_sentence() {
        assert!(sign_in_message("rate_limited", Some("12".into())).contains("12 seconds"));
        assert!(sign_in_message("rate_limited", Some("1".into())).contains("Wait 1 second,"));
        assert!(sign_in_message("anything", None).ends_with('.'));
        assert_eq!(
            sign_up_message("validation", Some("password")).0,
            Some("password")
        );
        assert_eq!(sign_up_message("conflict", Some("email")).0, Some("email"));
    }
}
