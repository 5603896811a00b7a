//! A fake LLM provider that speaks OpenAI's and Azure OpenAI's real wire protocol (JSON + SSE),
//! so Parley's integration tests, Playwright runs and benchmarks need no API key.
//!
//! Answers are deterministic (`You said: …`) and the last user message can carry directives
//! (`/fail:429`, `/cut:3`, `/hang`, …; see [`behaviour`]) that make the provider misbehave in
//! the ways real providers do. Every request is recorded and open streams are counted, so a test
//! can prove what Parley sent and that it cancelled what it no longer needed.

pub mod answer;
pub mod behaviour;
mod completion;
mod errors;
mod inspect;
mod openai;
mod record;
mod request;
mod state;
mod stream;

use std::net::{Ipv4Addr, SocketAddr};

use axum::serve::ListenerExt as _;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use openai::router;
pub use record::RecordedRequest;
pub use state::SharedState;

/// The models served when none are configured.
pub const DEFAULT_MODELS: [&str; 2] = ["parley-echo", "parley-echo-mini"];

/// What the fake provider accepts; also the binary's command-line flags.
#[derive(Clone, clap::Args)]
pub struct Options {
    /// Key every request must carry (`Authorization: Bearer …`, or `api-key` on Azure paths).
    #[arg(long, env = "PARLEY_TEST_PROVIDER_API_KEY")]
    pub api_key: Option<String>,
    /// Model (and Azure deployment) names that exist; others answer 404.
    #[arg(long = "model", value_delimiter = ',', default_values = DEFAULT_MODELS)]
    pub models: Vec<String>,
    /// Pause between streamed chunks, in milliseconds (`/slow:MS` overrides it per request).
    #[arg(long, default_value_t = 0)]
    pub chunk_delay_ms: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            api_key: None,
            models: DEFAULT_MODELS.map(String::from).to_vec(),
            chunk_delay_ms: 0,
        }
    }
}

// Hand-written so the key never reaches a log, even a test's.
impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("models", &self.models)
            .field("chunk_delay_ms", &self.chunk_delay_ms)
            .finish()
    }
}

/// A running provider. Dropping it stops the server and ends the streams it left hanging.
pub struct Handle {
    addr: SocketAddr,
    state: SharedState,
    task: JoinHandle<()>,
}

impl Handle {
    /// Starts the provider on a free port of 127.0.0.1.
    ///
    /// # Errors
    /// When the socket cannot be bound.
    pub async fn start(options: Options) -> std::io::Result<Handle> {
        Self::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), options).await
    }

    /// Starts the provider on `addr`.
    ///
    /// # Errors
    /// When the socket cannot be bound.
    pub async fn start_on(addr: SocketAddr, options: Options) -> std::io::Result<Handle> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        // Without TCP_NODELAY each small SSE frame can wait for a delayed ACK (~40 ms), which
        // would swamp the latency the benchmark measures.
        let listener = listener.tap_io(|tcp| {
            if let Err(err) = tcp.set_nodelay(true) {
                tracing::warn!(%err, "could not set TCP_NODELAY");
            }
        });
        let (app, state) = router(options);
        let task = tokio::spawn(async move {
            if let Err(err) = axum::serve(listener, app).await {
                tracing::error!(%err, "test provider stopped");
            }
        });
        Ok(Handle { addr, state, task })
    }

    /// The bound address (useful when started on port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// OpenAI-style base URL, e.g. `http://127.0.0.1:4010/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Azure-style endpoint (no path), e.g. `http://127.0.0.1:4010`.
    pub fn azure_endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.requests()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.state.clear_requests();
    }

    /// Streaming bodies that are still alive (not yet dropped by the server).
    pub fn open_streams(&self) -> usize {
        self.state.open_streams()
    }

    /// The state shared with the handlers.
    pub fn state(&self) -> &SharedState {
        &self.state
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // Aborting the accept loop leaves spawned connections alive; the shutdown signal ends
        // the hung ones so no test waits on a server that no longer exists.
        self.state.shut_down();
        self.task.abort();
    }
}
