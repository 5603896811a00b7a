use serde_json::Value;

use crate::support::{body, post, start_with_key};

#[tokio::test]
async fn answers_with_the_echo_and_counts_usage() {
    let handle = start_with_key().await;
    let response = post(&handle, &body("hello   there /words:3", false)).await;
    assert_eq!(response.status(), 200);
    let completion: Value = response.json().await.unwrap();
    assert_eq!(completion["object"], "chat.completion");
    assert!(completion["id"].as_str().unwrap().starts_with("chatcmpl-"));
    assert_eq!(completion["model"], "parley-echo");
    let choice = &completion["choices"][0];
    assert_eq!(choice["message"]["role"], "assistant");
    assert_eq!(
        choice["message"]["content"],
        "You said: hello there. the quick brown"
    );
    assert_eq!(choice["finish_reason"], "stop");
    // "Be brief." (2) + "hello there /words:3" (3); answer: 7 words.
    assert_eq!(completion["usage"]["prompt_tokens"], 5);
    assert_eq!(completion["usage"]["completion_tokens"], 7);
    assert_eq!(completion["usage"]["total_tokens"], 12);
}

#[tokio::test]
async fn reads_text_parts_and_honours_max_tokens() {
    let handle = start_with_key().await;
    let mut request = body("", false);
    request["messages"][1]["content"] =
        serde_json::json!([{ "type": "text", "text": "one two three" }]);
    request["max_tokens"] = 2.into();
    let completion: Value = post(&handle, &request).await.json().await.unwrap();
    assert_eq!(completion["choices"][0]["message"]["content"], "You said: ");
    assert_eq!(completion["choices"][0]["finish_reason"], "length");
}

#[tokio::test]
async fn markdown_directive_returns_the_hostile_sample() {
    let handle = start_with_key().await;
    let completion: Value = post(&handle, &body("/markdown", false))
        .await
        .json()
        .await
        .unwrap();
    let content = completion["choices"][0]["message"]["content"]
        .as_str()
        .unwrap();
    assert!(content.starts_with("# "));
    assert!(content.contains("```rust"));
    assert!(content.contains("<script>alert(1)</script>"));
    assert!(content.contains("<img src=x onerror=alert(1)>"));
}

#[tokio::test]
async fn unknown_model_is_404_model_not_found() {
    let handle = start_with_key().await;
    let mut request = body("hi", false);
    request["model"] = "gpt-nope".into();
    let response = post(&handle, &request).await;
    assert_eq!(response.status(), 404);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"]["code"], "model_not_found");
    assert_eq!(
        error["error"]["message"],
        "The model `gpt-nope` does not exist or you do not have access to it."
    );
}

#[tokio::test]
async fn cut_without_stream_breaks_the_json_body() {
    let handle = start_with_key().await;
    let response = post(&handle, &body("/cut:1 hi", false)).await;
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.is_err());
}
