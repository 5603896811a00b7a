//! Where a signed-out person goes: the sign-in page, then back to where they were. The
//! server's page guard (before a page renders) and the browser's error decoding (when a
//! session ends while a page is open) both follow this, so the rule lives in one place.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What `next=` may carry unencoded: unreserved characters and `/`.
const NEXT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Pages only signed-in people may open. Everything else is public: home, sign-in and
/// sign-up, invitations, status, and an organisation's own way in — its sign-in page
/// `/t/{slug}/login` and its single sign-on flow `/t/{slug}/sso/…`.
pub fn needs_sign_in(path: &str) -> bool {
    match path.trim_end_matches('/') {
        "/account" | "/admin" | "/new" => true,
        p => p.strip_prefix("/t/").is_some_and(|rest| {
            let mut parts = rest.split('/');
            let slug = parts.next().unwrap_or_default();
            !slug.is_empty() && !matches!(parts.next(), Some("login" | "sso"))
        }),
    }
}

/// Percent-encodes a path and query for a `next=` parameter.
pub fn encode_next(path_and_query: &str) -> String {
    utf8_percent_encode(path_and_query, NEXT).to_string()
}

/// `/login?next=…`: signing in brings the person back to `path_and_query`.
pub fn sign_in_href(path_and_query: &str) -> String {
    format!("/login?next={}", encode_next(path_and_query))
}

/// In the browser: leaves for the sign-in page with a full load, so nothing of the ended
/// session stays in memory. Once per page, and never from the sign-in pages themselves.
#[cfg(feature = "hydrate")]
pub fn send_to_sign_in() {
    use std::cell::Cell;
    thread_local!(static LEAVING: Cell<bool> = const { Cell::new(false) });
    let location = leptos::prelude::window().location();
    let path = location.pathname().unwrap_or_default();
    if !needs_sign_in(&path) || LEAVING.with(|leaving| leaving.replace(true)) {
        return;
    }
    let here = format!("{path}{}", location.search().unwrap_or_default());
    let _ = location.replace(&sign_in_href(&here));
}

/// On the server the page guard redirects before anything renders.
#[cfg(not(feature = "hydrate"))]
pub fn send_to_sign_in() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_pages_need_a_session_and_public_ones_do_not() {
        for p in [
            "/t/acme",
            "/t/acme/chat",
            "/t/acme/settings/ai",
            "/account",
            "/admin",
            "/new",
        ] {
            assert!(needs_sign_in(p), "{p}");
        }
        for p in [
            "/",
            "/login",
            "/signup",
            "/status",
            "/invite/x",
            "/t/acme/login",
            "/t/",
        ] {
            assert!(!needs_sign_in(p), "{p}");
        }
    }

    #[test]
    fn next_keeps_the_path_and_encodes_the_query() {
        assert_eq!(sign_in_href("/admin"), "/login?next=/admin");
        assert_eq!(
            sign_in_href("/t/a/chat?tabs=1&chat=2"),
            "/login?next=/t/a/chat%3Ftabs%3D1%26chat%3D2"
        );
    }
}
