use std::time::Duration;

use serde_json::Value;

use crate::support::{body, client, post, start_with_key, KEY};

#[tokio::test]
async fn wrong_or_missing_bearer_key_is_401() {
    let handle = start_with_key().await;
    let url = format!("{}/chat/completions", handle.base_url());
    for auth in [None, Some("Bearer sk-wrong"), Some(KEY)] {
        let mut request = client().post(&url).json(&body("hi", false));
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401);
        let error: Value = response.json().await.unwrap();
        assert_eq!(
            error,
            serde_json::json!({ "error": {
                "message": "Incorrect API key provided.",
                "type": "invalid_request_error",
                "param": null,
                "code": "invalid_api_key",
            }})
        );
    }
}

#[tokio::test]
async fn fail_directives_answer_the_status() {
    let handle = start_with_key().await;
    for (directive, status, code) in [
        ("/fail:401", 401, "invalid_api_key"),
        ("/fail:404", 404, "model_not_found"),
        ("/fail:500", 500, ""),
        ("/fail:503", 503, ""),
    ] {
        let response = post(&handle, &body(directive, true)).await;
        assert_eq!(response.status(), status, "{directive}");
        let error: Value = response.json().await.unwrap();
        assert!(error["error"]["message"].is_string());
        if !code.is_empty() {
            assert_eq!(error["error"]["code"], code);
        }
    }
}

#[tokio::test]
async fn rate_limit_carries_retry_after() {
    let handle = start_with_key().await;
    let response = post(&handle, &body("/fail:429", false)).await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "1");
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"]["code"], "rate_limit_exceeded");

    let response = post(&handle, &body("/fail:429:7", false)).await;
    assert_eq!(response.headers()["retry-after"], "7");
}

#[tokio::test]
async fn fail_once_succeeds_on_retry() {
    let handle = start_with_key().await;
    let first = post(&handle, &body("retry me /fail-once:429", true)).await;
    assert_eq!(first.status(), 429);
    assert_eq!(first.headers()["retry-after"], "1");
    let second = post(&handle, &body("retry me /fail-once:429", true)).await;
    assert_eq!(second.status(), 200);
    // Another message fails once on its own account.
    let other = post(&handle, &body("other /fail-once:500", false)).await;
    assert_eq!(other.status(), 500);
    let completion: Value = post(&handle, &body("other /fail-once:500", false))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        completion["choices"][0]["message"]["content"],
        "You said: other."
    );
}

#[tokio::test]
async fn hang_never_sends_headers() {
    let handle = start_with_key().await;
    let sent = tokio::time::timeout(
        Duration::from_millis(300),
        post(&handle, &body("/hang", true)),
    )
    .await;
    assert!(sent.is_err(), "headers arrived for /hang");
}

#[tokio::test]
async fn without_a_configured_key_anything_goes() {
    let handle = crate::support::start().await;
    let response = client()
        .get(format!("{}/models", handle.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(handle.requests()[0].auth.is_none());
}
