//! CSRF protection for every state-changing request, server functions included (Leptos
//! server functions have none of their own: a form POST is a CORS "simple request").
//!
//! Allowed: `Sec-Fetch-Site: same-origin` or `none` (typed URL, not a page); otherwise an
//! `Origin` equal to our public origin. A request with neither header carries no browser
//! context (curl, SDKs); it is allowed only without our session cookie, since CSRF needs
//! the browser's ambient credentials. `text/plain` bodies are refused outright: no client of
//! ours sends them, and they are how cross-site forms smuggle JSON.

use app::error::{AppError, ErrorCode};
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{header, Method};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct CsrfPolicy {
    pub public_origin: String,
    pub session_cookies: [&'static str; 2],
}

pub async fn protect(
    State(policy): State<Arc<CsrfPolicy>>,
    request: Request,
    next: Next,
) -> Response {
    if is_safe(request.method()) || allowed(&policy, request.headers()) {
        return next.run(request).await;
    }
    tracing::warn!(
        origin = ?request.headers().get(header::ORIGIN),
        fetch_site = ?request.headers().get("sec-fetch-site"),
        "cross-site request refused"
    );
    AppError::new(
        ErrorCode::Forbidden,
        "This request came from another site and was refused. Reload Parley and try again.",
    )
    .into_response()
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn allowed(policy: &CsrfPolicy, headers: &http::HeaderMap) -> bool {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if text(header::CONTENT_TYPE).is_some_and(|ct| {
        ct.trim_start()
            .to_ascii_lowercase()
            .starts_with("text/plain")
    }) {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return site == "same-origin" || site == "none";
    }
    if let Some(origin) = text(header::ORIGIN) {
        return origin == policy.public_origin;
    }
    let has_session_cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(name, _)| policy.session_cookies.contains(&name));
    !has_session_cookie
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> CsrfPolicy {
        CsrfPolicy {
            public_origin: "https://parley.example".into(),
            session_cookies: ["__Host-parley_session", "parley_session"],
        }
    }

    fn headers(pairs: &[(&str, &str)]) -> http::HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (k.parse().unwrap(), v.parse().unwrap()))
            .collect()
    }

    #[test]
    fn browser_requests_must_come_from_our_origin() {
        let p = policy();
        assert!(allowed(&p, &headers(&[("sec-fetch-site", "same-origin")])));
        assert!(allowed(&p, &headers(&[("sec-fetch-site", "none")])));
        assert!(!allowed(&p, &headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!allowed(&p, &headers(&[("sec-fetch-site", "same-site")])));
        assert!(allowed(
            &p,
            &headers(&[("origin", "https://parley.example")])
        ));
        assert!(!allowed(&p, &headers(&[("origin", "https://evil.test")])));
        assert!(!allowed(&p, &headers(&[("origin", "null")])));
    }

    #[test]
    fn header_less_requests_pass_only_without_a_session_cookie() {
        let p = policy();
        assert!(allowed(&p, &headers(&[("authorization", "Bearer pat_x")])));
        assert!(!allowed(&p, &headers(&[("cookie", "parley_session=abc")])));
        assert!(!allowed(
            &p,
            &headers(&[("cookie", "a=1; __Host-parley_session=abc")])
        ));
    }

    #[test]
    fn text_plain_bodies_are_refused() {
        let p = policy();
        assert!(!allowed(
            &p,
            &headers(&[
                ("sec-fetch-site", "same-origin"),
                ("content-type", "text/plain;charset=UTF-8")
            ])
        ));
    }
}
