//! Sign-in, sign-up and sign-out as plain HTML form posts, so they work without JavaScript.
//! Each answers with a redirect: to the page the user wanted, or back to the form with an
//! error code the page turns into a sentence (never the password or e-mail in the URL).

use app::{
    backend::{
        auth::{caller::Caller, form_echo, sessions},
        error::DomainError,
        request_meta::RequestMeta,
        services::accounts,
        state::AppState,
    },
    dto::account::FormEchoDto,
    error::AppError,
};
use axum::{
    extract::State,
    http::{header, HeaderMap},
    response::{IntoResponse, Redirect, Response},
    routing::post,
    Extension, Form, Router,
};
use secrecy::SecretString;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/register", post(register))
        .route("/auth/logout", post(logout))
}

/// Only same-site paths: `/x` but not `//evil.test` or `/\evil.test`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

/// Back to the form with the error's code, what was typed kept in the form-echo cookie.
fn back_to(
    state: &AppState,
    page: &str,
    err: &AppError,
    next: &str,
    typed: &FormEchoDto,
) -> Response {
    let mut url = format!("{page}?error={}", err.code.as_str());
    if let Some(field) = &err.field {
        url.push_str(&format!("&field={field}"));
    }
    if let Some(retry) = err.retry_after {
        url.push_str(&format!("&retry_after={retry}"));
    }
    if next != "/" {
        url.push_str(&format!("&next={}", app::session::encode_next(next)));
    }
    (
        [(header::SET_COOKIE, form_echo::set_cookie(state, typed))],
        Redirect::to(&url),
    )
        .into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: SecretString,
    #[serde(default)]
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let typed = FormEchoDto {
        email: form.email.clone(),
        name: String::new(),
    };
    match accounts::login(&state, &form.email, form.password, &meta).await {
        Ok((_, token)) => signed_in(&state, &token, &next),
        // The organisation's own sign-in page offers its SSO and says why.
        Err(DomainError::SsoRequired { slug, .. }) => {
            Redirect::to(&format!("/t/{slug}/login?error=sso_required")).into_response()
        }
        Err(err) => back_to(&state, "/login", &AppError::from(err), &next, &typed),
    }
}

/// The new session's cookie, the form echo forgotten, and on to `next`.
fn signed_in(state: &AppState, token: &str, next: &str) -> Response {
    let mut response = Redirect::to(next).into_response();
    for cookie in [
        sessions::set_cookie(state, token),
        form_echo::clear_cookie(state),
    ] {
        if let Ok(value) = header::HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

#[derive(Deserialize)]
struct RegisterForm {
    name: String,
    email: String,
    password: SecretString,
    #[serde(default)]
    invitation: Option<String>,
}

async fn register(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    Form(form): Form<RegisterForm>,
) -> Response {
    let invitation = form.invitation.filter(|t| !t.is_empty());
    let next = invitation
        .as_ref()
        .map_or_else(|| "/".to_string(), |t| format!("/invite/{t}"));
    let typed = FormEchoDto {
        email: form.email.clone(),
        name: form.name.clone(),
    };
    let registration = accounts::Registration {
        email: form.email.clone(),
        password: form.password.clone(),
        name: form.name,
        invitation,
    };
    if let Err(err) = accounts::register(&state, registration, &meta).await {
        return back_to(&state, "/signup", &AppError::from(err), &next, &typed);
    }
    match accounts::login(&state, &form.email, form.password, &meta).await {
        Ok((_, token)) => signed_in(&state, &token, &next),
        Err(err) => back_to(&state, "/login", &AppError::from(err), &next, &typed),
    }
}

async fn logout(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    headers: HeaderMap,
) -> Response {
    let mut idp_logout = None;
    if let Ok(caller) = Caller::from_headers(&state, &headers).await {
        match accounts::logout(&state, &caller, &meta).await {
            // Signed in through SSO: sign out at the identity provider as well.
            Ok(url) => idp_logout = url,
            Err(err) => return AppError::from(err).into_response(),
        }
    }
    let clear = [(header::SET_COOKIE, sessions::clear_cookie(&state))];
    match idp_logout {
        Some(url) => (
            clear,
            super::sso::continue_to(&url, "Continue to sign out at your identity provider"),
        )
            .into_response(),
        None => (clear, Redirect::to("/login")).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_never_leaves_the_site() {
        assert_eq!(safe_next(Some("/t/acme")), "/t/acme");
        assert_eq!(safe_next(Some("//evil.test/x")), "/");
        assert_eq!(safe_next(Some("/\\evil.test")), "/");
        assert_eq!(safe_next(Some("https://evil.test")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
