use serde_json::Value;

use crate::support::{body, client, post, start_with_key, KEY};

#[tokio::test]
async fn records_every_request_with_its_auth_header() {
    let handle = start_with_key().await;
    post(&handle, &body("first", true))
        .await
        .text()
        .await
        .unwrap();
    client()
        .post(format!(
            "{}/openai/deployments/parley-echo/chat/completions?api-version=1",
            handle.azure_endpoint()
        ))
        .header("api-key", "wrong")
        .json(&serde_json::json!({ "messages": [] }))
        .send()
        .await
        .unwrap();

    let requests = handle.requests();
    assert_eq!(requests.len(), 2);
    let openai = &requests[0];
    assert_eq!(openai.method, "POST");
    assert_eq!(openai.path, "/v1/chat/completions");
    assert_eq!(
        openai.auth.as_deref(),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(openai.model.as_deref(), Some("parley-echo"));
    assert!(openai.stream);
    assert_eq!(
        openai.body.as_ref().unwrap()["messages"][1]["content"],
        "first"
    );
    let azure = &requests[1];
    assert_eq!(azure.query.as_deref(), Some("api-version=1"));
    assert_eq!(azure.auth.as_deref(), Some("wrong"));
    assert_eq!(azure.model.as_deref(), Some("parley-echo"));
}

#[tokio::test]
async fn inspection_endpoints_show_and_clear_the_log() {
    let handle = start_with_key().await;
    post(&handle, &body("hi", false))
        .await
        .text()
        .await
        .unwrap();
    let base = handle.azure_endpoint();

    let logged: Vec<Value> = client()
        .get(format!("{base}/__requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0]["path"], "/v1/chat/completions");
    let stats: Value = client()
        .get(format!("{base}/__stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        stats,
        serde_json::json!({ "open_streams": 0, "requests": 1 })
    );

    let cleared = client()
        .delete(format!("{base}/__requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 204);
    assert!(handle.requests().is_empty());
}
