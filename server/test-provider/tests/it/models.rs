use crate::support::{client, start_with_key, KEY};

#[tokio::test]
async fn lists_the_configured_models() {
    let handle = start_with_key().await;
    let response = client()
        .get(format!("{}/models", handle.base_url()))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let list: serde_json::Value = response.json().await.unwrap();
    assert_eq!(list["object"], "list");
    let ids: Vec<_> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["parley-echo", "parley-echo-mini"]);
    assert_eq!(list["data"][0]["object"], "model");
    assert_eq!(list["data"][0]["owned_by"], "parley-test");
}

#[tokio::test]
async fn unknown_paths_answer_json_404() {
    let handle = start_with_key().await;
    let response = client()
        .get(format!("{}/v1/nothing", handle.azure_endpoint()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let error: serde_json::Value = response.json().await.unwrap();
    assert_eq!(error["error"]["code"], "unknown_url");
}
