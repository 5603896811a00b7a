//! CSRF: a state-changing request with a valid session cookie but a foreign origin is
//! refused and changes nothing; server functions are covered too.

use crate::support::{api::As, TestApp};
use axum::body::Body;
use http::{Method, Request, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_foreign_origin_with_a_valid_cookie_is_refused_and_changes_nothing() {
    let app = TestApp::sqlite().await;
    let owner = app.user("csrf@example.com").await;
    let As::Cookie(cookie) = owner.clone() else {
        unreachable!()
    };
    for (origin, fetch_site, content_type) in [
        (Some("https://evil.test"), None, "application/json"),
        (None, Some("cross-site"), "application/json"),
        (
            Some(crate::support::PUBLIC_ORIGIN),
            Some("same-origin"),
            "text/plain",
        ),
        (None, None, "application/json"),
    ] {
        let mut req = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/tenants")
            .header("cookie", &cookie)
            .header("content-type", content_type);
        if let Some(origin) = origin {
            req = req.header("origin", origin);
        }
        if let Some(site) = fetch_site {
            req = req.header("sec-fetch-site", site);
        }
        let r = app
            .send(
                req.body(Body::from(
                    json!({ "slug": "evil-co", "name": "Evil" }).to_string(),
                ))
                .unwrap(),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{origin:?} {fetch_site:?} {content_type}"
        );
    }
    let me = app.api(Method::GET, "/me", &owner, None).await.json();
    assert!(
        me["tenants"].as_array().unwrap().is_empty(),
        "no tenant was created"
    );

    // The form sign-out (a server-rendered form) is protected the same way.
    let r = app
        .send(
            Request::post("/auth/logout")
                .header("cookie", &cookie)
                .header("origin", "https://evil.test")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.api(Method::GET, "/me", &owner, None).await.status,
        StatusCode::OK,
        "still signed in"
    );
}
