//! Security headers on pages and on API answers.

use crate::support::TestApp;
use http::StatusCode;

#[tokio::test]
async fn api_answers_carry_the_strict_default_headers() {
    let app = TestApp::sqlite().await;
    let r = app.get("/healthz").await;
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert_eq!(r.header("x-frame-options"), "DENY");
    assert_eq!(r.header("referrer-policy"), "same-origin");
    assert!(r
        .header("content-security-policy")
        .starts_with("default-src 'none'"));
    assert!(r
        .header("content-security-policy")
        .contains("frame-ancestors 'none'"));
    assert!(
        r.header("strict-transport-security").is_empty(),
        "no HSTS over plain http"
    );
    assert_eq!(
        r.header("x-request-id").len(),
        36,
        "every answer names its request id"
    );
}

#[tokio::test]
async fn pages_get_a_nonce_policy_that_matches_their_scripts() {
    let app = TestApp::sqlite().await;
    let r = app.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    let csp = r.header("content-security-policy").to_string();
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"));
    let nonce = csp
        .split_whitespace()
        .find_map(|t| t.strip_prefix("'nonce-"))
        .and_then(|t| t.strip_suffix('\''))
        .expect("a nonce in the policy");
    let html = r.text();
    assert!(
        html.contains(&format!(r#"nonce="{nonce}""#)),
        "inline scripts carry the nonce"
    );
    // Every inline script carries it.
    let scripts = html.matches("<script").count();
    let with_nonce = html.matches(&format!(r#"nonce="{nonce}""#)).count();
    assert!(
        with_nonce >= scripts,
        "{scripts} scripts, {with_nonce} with the nonce"
    );
}

#[tokio::test]
async fn each_page_gets_a_fresh_nonce() {
    let app = TestApp::sqlite().await;
    let a = app
        .get("/")
        .await
        .header("content-security-policy")
        .to_string();
    let b = app
        .get("/")
        .await
        .header("content-security-policy")
        .to_string();
    assert_ne!(a, b);
}
