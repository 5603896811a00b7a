//! What a browser sees of a response: its cookies and where it goes next.

use super::{api::As, TestResponse};
use http::StatusCode;
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the epoch, for token claims.
pub fn now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

/// Every `Set-Cookie` of a response.
pub fn set_cookies(r: &TestResponse) -> Vec<String> {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect()
}

/// Where a response sends the browser next: a redirect's `Location`, or the target of a
/// page that moves on by itself (`<meta http-equiv="refresh">`, used to leave a form POST
/// for another site).
pub fn next_hop(r: &TestResponse) -> String {
    if r.status.is_redirection() {
        return r.header("location").to_string();
    }
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    let (_, rest) = html
        .split_once("http-equiv=\"refresh\" content=\"0;url=")
        .unwrap_or_else(|| panic!("neither a redirect nor a refresh: {html}"));
    let (url, _) = rest.split_once('"').unwrap();
    url.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The `Cookie` header value of a browser session.
pub fn cookie_of(who: &As) -> &str {
    match who {
        As::Cookie(cookie) => cookie,
        other => panic!("not a browser session: {other:?}"),
    }
}
