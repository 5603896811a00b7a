//! The fake AI provider (`parley-test-provider`) as its own process, and called directly: the
//! baseline that time to first token through Parley is compared with.

use crate::{
    process::{free_port, Process},
    sse::SseReader,
};
use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use std::{
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

/// The model Parley picks first (the provider's first listed model).
pub const MODEL: &str = "parley-echo";

pub struct TestProvider {
    process: Process,
    http: reqwest::Client,
    /// `http://127.0.0.1:PORT`
    origin: String,
    api_key: String,
    _dir: tempfile::TempDir,
}

impl TestProvider {
    /// Starts the provider binary (no chunk delay) and waits until it answers.
    ///
    /// # Errors
    /// When it cannot be started or does not answer (the error quotes its log).
    pub async fn start(binary: &Path, http: &reqwest::Client) -> Result<Self> {
        let dir = tempfile::tempdir().context("creating a directory for the provider's log")?;
        let port = free_port()?;
        let api_key = format!("bench-provider-key-{}-{port}", std::process::id());
        let mut command = Command::new(binary);
        command
            .args(["--port", &port.to_string(), "--api-key", &api_key])
            .env("RUST_LOG", "warn");
        let mut process = Process::spawn(
            "parley-test-provider",
            command,
            &dir.path().join("provider.log"),
        )?;
        let origin = format!("http://127.0.0.1:{port}");
        let stats = format!("{origin}/__stats");
        process
            .wait_until(Duration::from_secs(30), || async {
                http.get(&stats)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
            })
            .await?;
        Ok(Self {
            process,
            http: http.clone(),
            origin,
            api_key,
            _dir: dir,
        })
    }

    /// The OpenAI-style base URL Parley is given (`…/v1`).
    pub fn base_url(&self) -> String {
        format!("{}/v1", self.origin)
    }

    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// Time from sending a streamed completion of `content` to the first chunk that carries
    /// text (the role chunk before it carries none). Reads the stream to its end.
    ///
    /// # Errors
    /// When the provider refuses, or the stream breaks or carries no text.
    pub async fn first_token(&self, content: &str) -> Result<Duration> {
        let body = json!({
            "model": MODEL,
            "stream": true,
            "messages": [{ "role": "user", "content": content }],
        });
        let started = Instant::now();
        let response = self
            .http
            .post(format!("{}/chat/completions", self.base_url()))
            .bearer_auth(&self.api_key)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .context("calling the test provider directly")?;
        if !response.status().is_success() {
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            bail!("the test provider answered {status}: {text}");
        }
        let mut events = SseReader::new(response);
        let mut first = None;
        // Read to the end of the body (past `[DONE]`), so the connection is reused.
        while let Some(event) = events.next().await? {
            if event.data == "[DONE]" {
                continue;
            }
            if first.is_none() && has_text(&event.data)? {
                first = Some(started.elapsed());
            }
        }
        first.context("the test provider's stream carried no text")
    }

    /// Streams the provider still has open (Parley has not yet hung up on).
    ///
    /// # Errors
    /// When the provider does not answer.
    pub async fn open_streams(&self) -> Result<u64> {
        let stats: Value = self
            .http
            .get(format!("{}/__stats", self.origin))
            .send()
            .await
            .context("asking the test provider for its stats")?
            .json()
            .await
            .context("the provider's stats are not JSON")?;
        stats["open_streams"]
            .as_u64()
            .context("the provider's stats have no open_streams")
    }

    /// Forgets the requests the provider recorded, so its memory stays flat over long runs.
    ///
    /// # Errors
    /// When the provider does not answer.
    pub async fn clear_requests(&self) -> Result<()> {
        self.http
            .delete(format!("{}/__requests", self.origin))
            .send()
            .await
            .context("clearing the test provider's request log")?;
        Ok(())
    }

    /// Fails if the provider process has exited.
    ///
    /// # Errors
    /// When it is no longer running (the error quotes its log).
    pub fn check_running(&mut self) -> Result<()> {
        self.process.check_running()
    }
}

/// Whether an OpenAI `chat.completion.chunk` carries text.
fn has_text(data: &str) -> Result<bool> {
    let chunk: Value = serde_json::from_str(data)
        .with_context(|| format!("the test provider sent a chunk that is not JSON: {data}"))?;
    Ok(chunk["choices"][0]["delta"]["content"]
        .as_str()
        .is_some_and(|text| !text.is_empty()))
}
