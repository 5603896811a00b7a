//! Shared helpers: starting a provider, building requests, reading SSE.

use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use parley_test_provider::{Handle, Options};
use serde_json::{json, Value};

pub const KEY: &str = "sk-test-key";

pub async fn start() -> Handle {
    Handle::start(Options::default()).await.unwrap()
}

pub async fn start_with_key() -> Handle {
    Handle::start(Options {
        api_key: Some(KEY.into()),
        ..Options::default()
    })
    .await
    .unwrap()
}

pub fn client() -> reqwest::Client {
    // In the workspace reqwest is built with rustls but no bundled crypto provider (the
    // server installs ring); plain-http tests still need one to build a client.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

pub fn body(message: &str, stream: bool) -> Value {
    json!({
        "model": "parley-echo",
        "messages": [
            { "role": "system", "content": "Be brief." },
            { "role": "user", "content": message },
        ],
        "stream": stream,
        "stream_options": { "include_usage": true },
    })
}

pub async fn post(handle: &Handle, body: &Value) -> reqwest::Response {
    client()
        .post(format!("{}/chat/completions", handle.base_url()))
        .bearer_auth(KEY)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// One network read: when it arrived and the bytes it carried.
pub struct Read {
    pub at: Instant,
    pub bytes: Vec<u8>,
}

/// Reads the body to its end; `Err` if it ended with a transport error.
pub async fn reads(response: reqwest::Response) -> (Vec<Read>, Result<(), reqwest::Error>) {
    let mut stream = response.bytes_stream();
    let mut reads = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(bytes) => reads.push(Read {
                at: Instant::now(),
                bytes: bytes.to_vec(),
            }),
            Err(err) => return (reads, Err(err)),
        }
    }
    (reads, Ok(()))
}

/// The `data:` payloads of the SSE events in `reads`.
pub fn events(reads: &[Read]) -> Vec<String> {
    let text: String = reads
        .iter()
        .map(|read| String::from_utf8(read.bytes.clone()).unwrap())
        .collect();
    text.split("\n\n")
        .filter(|event| !event.is_empty())
        .map(|event| event.strip_prefix("data: ").unwrap().to_owned())
        .collect()
}

pub fn json(event: &str) -> Value {
    serde_json::from_str(event).unwrap()
}

/// Polls `check` for up to two seconds.
pub async fn eventually(mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    check()
}
