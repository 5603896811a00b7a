//! Single sign-on in the browser: the redirect to the identity provider, the return to
//! `/t/{slug}/sso/callback`, linking an identity to the signed-in account, and "continue
//! with your work e-mail". Every failure ends on `/sso/problem`, which says what happened.

use app::{
    backend::{
        auth::{caller::Caller, form_echo, oidc::BROWSER_COOKIE, sessions},
        request_meta::RequestMeta,
        services::sso_sign_in::{self, Callback, SsoFailure},
        state::AppState,
    },
    dto::sso::SsoProblem,
};
use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderMap},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Extension, Form, Router,
};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/t/{slug}/sso/{connection}/start", get(start))
        .route("/t/{slug}/sso/{connection}/link", post(link))
        .route("/t/{slug}/sso/callback", get(callback))
        .route("/auth/sso/discover", post(discover))
}

/// The page that explains a failed sign-in.
fn problem(slug: &str, problem: SsoProblem) -> Response {
    Redirect::to(&format!(
        "/sso/problem?code={}&tenant={}",
        problem.code(),
        slug_param(slug)
    ))
    .into_response()
}

/// Slugs are `[a-z0-9-]`; anything else is dropped rather than echoed into a URL.
fn slug_param(slug: &str) -> String {
    slug.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(64)
        .collect()
}

/// The tenant's SSO paths, where its browser-binding cookie is sent.
fn tenant_sso_path(slug: &str) -> String {
    format!("/t/{}/sso", slug_param(slug))
}

/// The browser-binding cookie, scoped to the SSO paths under `path`, gone after ten minutes
/// (`max_age` 0 removes it).
pub(super) fn browser_cookie(state: &AppState, path: &str, value: &str, max_age: i64) -> String {
    let secure = if state.auth().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{BROWSER_COOKIE}={value}; Path={path}; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    )
}

/// Leaves a form submission for another site. Chromium applies CSP `form-action` to every
/// redirect that follows a form POST, so answering the POST with a redirect to the identity
/// provider would be blocked; a page that moves on by itself starts a fresh navigation.
pub fn continue_to(url: &str, what: &str) -> Response {
    let href = url
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"0;url={href}\"><title>{what}</title></head>\
         <body><p><a href=\"{href}\">{what}</a></p></body></html>"
    );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

/// Sends the browser to the identity provider, holding the attempt's cookie under `path`.
/// A link's POST goes through [`continue_to`] instead of a redirect.
pub(super) fn to_idp(
    state: &AppState,
    path: &str,
    started: sso_sign_in::Started,
    after_post: bool,
) -> Response {
    let cookie = browser_cookie(
        state,
        path,
        &started.browser_token,
        app::backend::auth::oidc::ATTEMPT_TTL_SECS,
    );
    let mut response = if after_post {
        continue_to(&started.redirect, "Continue to your identity provider")
    } else {
        Redirect::to(&started.redirect).into_response()
    };
    if let Ok(value) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The end of a callback: the browser cookie removed, the session cookie set when the
/// sign-in made one, on to `redirect`.
pub(super) fn finished(
    state: &AppState,
    path: &str,
    outcome: Result<sso_sign_in::SignedIn, Response>,
) -> Response {
    let (mut response, session) = match outcome {
        Ok(done) => (
            Redirect::to(&done.redirect).into_response(),
            done.session_token,
        ),
        Err(problem) => (problem, None),
    };
    let cookies = response.headers_mut();
    if let Ok(value) = browser_cookie(state, path, "", 0).parse() {
        cookies.append(header::SET_COOKIE, value);
    }
    if let Some(token) = session {
        if let Ok(value) = sessions::set_cookie(state, &token).parse() {
            cookies.append(header::SET_COOKIE, value);
        }
    }
    response
}

fn log_failure(slug: &str, failure: &SsoFailure) {
    tracing::info!(tenant = slug, problem = failure.problem.code(), detail = %failure.detail, "single sign-on could not start");
}

#[derive(Deserialize)]
struct StartQuery {
    #[serde(default)]
    login_hint: Option<String>,
}

async fn start(
    State(state): State<AppState>,
    Path((slug, connection)): Path<(String, Uuid)>,
    Query(query): Query<StartQuery>,
) -> Response {
    match sso_sign_in::start(&state, &slug, connection, None, query.login_hint.as_deref()).await {
        Ok(started) => to_idp(&state, &tenant_sso_path(&slug), started, false),
        Err(failure) => {
            log_failure(&slug, &failure);
            problem(&slug, failure.problem)
        }
    }
}

/// Links an identity at this connection to the signed-in account (a POST: the CSRF layer
/// guards it, and nobody can be made to link by following a link).
async fn link(
    State(state): State<AppState>,
    Path((slug, connection)): Path<(String, Uuid)>,
    headers: HeaderMap,
) -> Response {
    let Ok(caller) = Caller::from_headers(&state, &headers).await else {
        return Redirect::to(&format!("/login?next=/t/{}/login", slug_param(&slug)))
            .into_response();
    };
    match sso_sign_in::start(&state, &slug, connection, Some(caller.user().id), None).await {
        Ok(started) => to_idp(&state, &tenant_sso_path(&slug), started, true),
        Err(failure) => {
            log_failure(&slug, &failure);
            problem(&slug, failure.problem)
        }
    }
}

async fn callback(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    Path(slug): Path<String>,
    Query(query): Query<Callback>,
    headers: HeaderMap,
) -> Response {
    let browser = sessions::token_from_cookies(&headers, BROWSER_COOKIE);
    let outcome = sso_sign_in::finish(&state, &slug, query, browser.as_deref(), &meta)
        .await
        .map_err(|failure| problem(&slug, failure.problem));
    finished(&state, &tenant_sso_path(&slug), outcome)
}

#[derive(Deserialize)]
struct DiscoverForm {
    email: String,
}

async fn discover(State(state): State<AppState>, Form(form): Form<DiscoverForm>) -> Response {
    match sso_sign_in::discover(&state, &form.email).await {
        Ok(Some(start)) => continue_to(&start, "Continue to your organisation's sign-in"),
        // Back to the form, the address kept for correcting it.
        Ok(None) => {
            let typed = app::dto::account::FormEchoDto {
                email: form.email,
                name: String::new(),
            };
            (
                [(header::SET_COOKIE, form_echo::set_cookie(&state, &typed))],
                Redirect::to("/login?error=sso_unknown_domain"),
            )
                .into_response()
        }
        Err(err) => {
            tracing::warn!(error = %err, "single sign-on discovery failed");
            Redirect::to("/login?error=internal").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::slug_param;

    #[test]
    fn slugs_never_carry_url_syntax() {
        assert_eq!(slug_param("acme-1"), "acme-1");
        assert_eq!(slug_param("a&b=c/../x"), "abcx");
    }
}
