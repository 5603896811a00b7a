//! One answer streamed by Parley (`message`, then `delta`s, then `done`), read as it
//! arrives. An answer that ends in `error`, or whose stream stops before `done`, is a failure:
//! a benchmark of broken answers would measure nothing.

use crate::sse::SseReader;
use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::time::Duration;

/// How long to wait for the body to end after `done`.
const END_WAIT: Duration = Duration::from_secs(5);

pub struct ChatStream {
    events: SseReader,
    text: String,
    deltas: usize,
}

impl ChatStream {
    pub fn new(response: reqwest::Response) -> Self {
        Self {
            events: SseReader::new(response),
            text: String::new(),
            deltas: 0,
        }
    }

    /// Waits for the next `delta`; `false` once the answer is `done` and complete.
    ///
    /// # Errors
    /// An `error` event, a `done` answer that is not complete, a stream that ends without
    /// `done`, or a broken connection.
    pub async fn next_delta(&mut self) -> Result<bool> {
        while let Some(event) = self.events.next().await? {
            match event.event.as_str() {
                "delta" => {
                    let delta: Value = serde_json::from_str(&event.data)
                        .with_context(|| format!("a delta that is not JSON: {}", event.data))?;
                    self.text
                        .push_str(delta["text"].as_str().context("a delta without text")?);
                    self.deltas += 1;
                    return Ok(true);
                }
                "done" => {
                    let message: Value = serde_json::from_str(&event.data).with_context(|| {
                        format!("a done event that is not JSON: {}", event.data)
                    })?;
                    let status = message["status"].as_str().unwrap_or("(none)");
                    if status != "complete" {
                        bail!("the answer ended as {status}: {}", event.data);
                    }
                    // The body ends right after `done`; reading that end lets the client
                    // reuse the connection, so later requests do not pay for a new one.
                    let _ = tokio::time::timeout(END_WAIT, self.events.drain()).await;
                    return Ok(false);
                }
                "error" => bail!("the answer failed: {}", event.data),
                // `message` (the stored question) and anything added later.
                _ => {}
            }
        }
        bail!("the stream ended without a done event")
    }

    /// Reads the rest of the answer.
    ///
    /// # Errors
    /// As [`ChatStream::next_delta`].
    pub async fn finish(&mut self) -> Result<()> {
        while self.next_delta().await? {}
        Ok(())
    }

    /// `delta` events received so far.
    pub fn deltas(&self) -> usize {
        self.deltas
    }

    /// Chunks the provider streamed so far: it sends one word (and the space after it) per
    /// chunk, whatever Parley merges into one `delta`.
    pub fn chunks(&self) -> usize {
        self.text.split_whitespace().count()
    }
}
