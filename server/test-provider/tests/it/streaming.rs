use std::time::Duration;

use futures_util::StreamExt as _;

use crate::support::{body, events, eventually, json, post, reads, start_with_key};

#[tokio::test]
async fn streams_role_tokens_finish_usage_and_done() {
    let handle = start_with_key().await;
    let response = post(&handle, &body("hello world", true)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let (reads, end) = reads(response).await;
    end.unwrap();
    let events = events(&reads);
    assert_eq!(events.len(), 8, "{events:?}");

    let role = json(&events[0]);
    assert_eq!(role["object"], "chat.completion.chunk");
    assert_eq!(role["choices"][0]["delta"]["role"], "assistant");
    assert_eq!(role["choices"][0]["delta"]["content"], "");
    let text: String = events[1..5]
        .iter()
        .map(|event| {
            json(event)["choices"][0]["delta"]["content"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(text, "You said: hello world.");
    assert_eq!(json(&events[1])["choices"][0]["delta"]["content"], "You ");
    let finish = json(&events[5]);
    assert_eq!(finish["choices"][0]["delta"], serde_json::json!({}));
    assert_eq!(finish["choices"][0]["finish_reason"], "stop");
    let usage = json(&events[6]);
    assert_eq!(usage["choices"], serde_json::json!([]));
    assert_eq!(usage["usage"]["prompt_tokens"], 4);
    assert_eq!(usage["usage"]["completion_tokens"], 4);
    assert_eq!(events[7], "[DONE]");
    assert!(eventually(|| handle.open_streams() == 0).await);
}

#[tokio::test]
async fn usage_chunk_only_when_asked() {
    let handle = start_with_key().await;
    let mut request = body("hi", true);
    request["stream_options"]["include_usage"] = false.into();
    let (reads, _) = reads(post(&handle, &request).await).await;
    let events = events(&reads);
    assert!(events.iter().all(|event| !event.contains("\"usage\"")));
    assert_eq!(events.last().unwrap(), "[DONE]");
}

#[tokio::test]
async fn slow_tokens_arrive_in_separate_reads() {
    let handle = start_with_key().await;
    let (reads, end) = reads(post(&handle, &body("/slow:50 a b c", true)).await).await;
    end.unwrap();
    assert!(reads.len() >= 3, "only {} reads", reads.len());
    let gaps = reads
        .windows(2)
        .filter(|pair| pair[1].at - pair[0].at >= Duration::from_millis(30))
        .count();
    assert!(gaps >= 2, "reads were not spaced out: {gaps} gaps");
}

#[tokio::test]
async fn cut_aborts_without_finish_or_done() {
    let handle = start_with_key().await;
    let (reads, end) = reads(post(&handle, &body("/cut:2 a b c d", true)).await).await;
    assert!(end.is_err(), "the body should end with a transport error");
    let events = events(&reads);
    assert_eq!(events.len(), 3, "{events:?}");
    assert!(events.iter().all(|event| event != "[DONE]"));
    assert!(json(&events[2])["choices"][0]["finish_reason"].is_null());
    assert!(eventually(|| handle.open_streams() == 0).await);
}

#[tokio::test]
async fn malformed_sends_broken_json_then_closes() {
    let handle = start_with_key().await;
    let (reads, end) = reads(post(&handle, &body("/malformed a b c", true)).await).await;
    end.unwrap();
    let events = events(&reads);
    assert_eq!(events.len(), 4, "{events:?}");
    assert_eq!(events[3], "{not json");
}

#[tokio::test]
async fn hang_after_keeps_the_stream_open_until_the_client_leaves() {
    let handle = start_with_key().await;
    let response = post(&handle, &body("/hang-after:2 a b c", true)).await;
    let mut stream = response.bytes_stream();
    let mut text = String::new();
    while text.matches("\n\n").count() < 3 {
        let chunk = tokio::time::timeout(Duration::from_secs(2), stream.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        text.push_str(std::str::from_utf8(&chunk).unwrap());
    }
    assert_eq!(text.matches("\n\n").count(), 3);
    let next = tokio::time::timeout(Duration::from_millis(300), stream.next()).await;
    assert!(next.is_err(), "the stream should stay silent");
    assert_eq!(handle.open_streams(), 1);

    drop(stream);
    assert!(
        eventually(|| handle.open_streams() == 0).await,
        "dropping the client did not end the upstream stream"
    );
}

#[tokio::test]
async fn dropping_the_handle_ends_hung_streams() {
    let handle = start_with_key().await;
    let response = post(&handle, &body("/hang-after:1 a b", true)).await;
    drop(handle);
    let (_, end) = tokio::time::timeout(Duration::from_secs(2), reads(response))
        .await
        .unwrap();
    assert!(end.is_err());
}
