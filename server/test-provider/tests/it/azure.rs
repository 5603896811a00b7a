use serde_json::Value;

use crate::support::{body, client, start_with_key, KEY};

fn url(handle: &parley_test_provider::Handle, deployment: &str, query: &str) -> String {
    format!(
        "{}/openai/deployments/{deployment}/chat/completions{query}",
        handle.azure_endpoint()
    )
}

#[tokio::test]
async fn deployment_path_answers_with_api_key() {
    let handle = start_with_key().await;
    let mut request = body("hi azure", false);
    request.as_object_mut().unwrap().remove("model");
    let response = client()
        .post(url(&handle, "parley-echo-mini", "?api-version=2024-10-21"))
        .header("api-key", KEY)
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let completion: Value = response.json().await.unwrap();
    assert_eq!(completion["model"], "parley-echo-mini");
    assert_eq!(
        completion["choices"][0]["message"]["content"],
        "You said: hi azure."
    );
}

#[tokio::test]
async fn requires_api_key_header_api_version_and_a_known_deployment() {
    let handle = start_with_key().await;
    let send = |url: String, key: &'static str| {
        client()
            .post(url)
            .header("api-key", key)
            .json(&body("hi", true))
            .send()
    };
    let versioned = "?api-version=2024-10-21";
    let wrong_key = send(url(&handle, "parley-echo", versioned), "nope")
        .await
        .unwrap();
    assert_eq!(wrong_key.status(), 401);
    // A bearer token is not how Azure keys travel.
    let bearer = client()
        .post(url(&handle, "parley-echo", versioned))
        .bearer_auth(KEY)
        .json(&body("hi", true))
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), 401);
    let unversioned = send(url(&handle, "parley-echo", ""), KEY).await.unwrap();
    assert_eq!(unversioned.status(), 400);
    let unknown = send(url(&handle, "gpt-4o", versioned), KEY).await.unwrap();
    assert_eq!(unknown.status(), 404);
    let streamed = send(url(&handle, "parley-echo", versioned), KEY)
        .await
        .unwrap();
    assert_eq!(streamed.status(), 200);
    assert!(streamed.text().await.unwrap().ends_with("data: [DONE]\n\n"));
}

#[tokio::test]
async fn lists_models() {
    let handle = start_with_key().await;
    let models_url = format!("{}/openai/models", handle.azure_endpoint());
    let response = client()
        .get(format!("{models_url}?api-version=2024-10-21"))
        .header("api-key", KEY)
        .send()
        .await
        .unwrap();
    let list: Value = response.json().await.unwrap();
    assert_eq!(list["data"][1]["id"], "parley-echo-mini");
    let unversioned = client()
        .get(models_url)
        .header("api-key", KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(unversioned.status(), 400);
}
