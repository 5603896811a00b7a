//! Reading `text/event-stream` answers of the in-process app frame by frame, as a browser's
//! `EventSource` would: events as they arrive, and dropping the reader closes the connection
//! (the body is dropped, which is what axum sees when a client goes away).

use super::{api::As, TestApp};
use axum::body::Body;
use http::{HeaderMap, Method, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use std::time::Duration;
use tower::ServiceExt;

/// How long one event may take before the test fails (an answer that never ends).
const EVENT_DEADLINE: Duration = Duration::from_secs(20);

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// `message` when the event has no `event:` line.
    pub event: String,
    /// The `data:` lines, joined by `\n`.
    pub data: String,
}

impl SseEvent {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data)
            .unwrap_or_else(|e| panic!("event {} is not JSON ({e}): {}", self.event, self.data))
    }
}

/// A response being read as it streams.
pub struct SseStream {
    pub status: StatusCode,
    pub headers: HeaderMap,
    body: Body,
    buffer: Vec<u8>,
    ended: bool,
}

impl SseStream {
    /// The next event; `None` once the server ended the body. Panics after `EVENT_DEADLINE`.
    pub async fn next(&mut self) -> Option<SseEvent> {
        tokio::time::timeout(EVENT_DEADLINE, self.next_event())
            .await
            .unwrap_or_else(|_| panic!("no server-sent event within {EVENT_DEADLINE:?}"))
    }

    async fn next_event(&mut self) -> Option<SseEvent> {
        loop {
            if let Some(event) = self.take_event() {
                return Some(event);
            }
            if self.ended {
                return None;
            }
            match self.body.frame().await {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        self.buffer.extend_from_slice(&data);
                    }
                }
                Some(Err(e)) => panic!("the event stream failed: {e}"),
                None => self.ended = true,
            }
        }
    }

    /// Parses the first complete event in the buffer, skipping comments (keep-alives).
    fn take_event(&mut self) -> Option<SseEvent> {
        loop {
            let end = self.buffer.windows(2).position(|w| w == b"\n\n")?;
            let block: Vec<u8> = self.buffer.drain(..end + 2).collect();
            let block = String::from_utf8(block).expect("event streams are UTF-8");
            let mut event = None;
            let mut data: Vec<&str> = Vec::new();
            for line in block.lines() {
                let (field, value) = line.split_once(':').unwrap_or((line, ""));
                let value = value.strip_prefix(' ').unwrap_or(value);
                match field {
                    "event" => event = Some(value.to_string()),
                    "data" => data.push(value),
                    _ => {} // comments (`: keep-alive`), `id`, `retry`
                }
            }
            if event.is_some() || !data.is_empty() {
                return Some(SseEvent {
                    event: event.unwrap_or_else(|| "message".into()),
                    data: data.join("\n"),
                });
            }
        }
    }

    /// Every remaining event, up to the end of the body.
    pub async fn rest(&mut self) -> Vec<SseEvent> {
        let mut events = Vec::new();
        while let Some(event) = self.next().await {
            events.push(event);
        }
        events
    }

    /// The whole body as text (for answers that turned out not to be a stream).
    pub async fn text(mut self) -> String {
        let rest = self.body.collect().await.unwrap().to_bytes();
        self.buffer.extend_from_slice(&rest);
        String::from_utf8_lossy(&self.buffer).into_owned()
    }
}

impl TestApp {
    /// Calls the REST API like `api`, but hands back the body unread, to follow a stream.
    pub async fn api_stream(
        &self,
        method: Method,
        path: &str,
        who: &As,
        body: Option<Value>,
    ) -> SseStream {
        let request = super::api::api_request(method, path, who, body);
        let response = self.router.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        SseStream {
            status: parts.status,
            headers: parts.headers,
            body,
            buffer: Vec::new(),
            ended: false,
        }
    }
}
