//! The HTTP transport under async-openai: the guarded client, retries before the first
//! byte of an answer (429, 5xx, connection refused; at most 3, honouring `Retry-After`),
//! no redirects. Its own retry layer replaces async-openai's default, which would sleep for
//! whatever `Retry-After` a provider sends and forgets the value before we can show it.

use super::failure::ProviderFailure;
use async_openai::{error::OpenAIError, middleware::HttpRequestFactory};
use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

const MAX_RETRIES: u32 = 3;
/// Longer waits are not worth holding a person's message for: fail and say when to retry.
const MAX_WAIT: Duration = Duration::from_secs(10);

/// Told the wait before each retry, so the person sees why nothing is written yet.
pub type OnRetry = Arc<dyn Fn(Duration) + Send + Sync>;

/// What the transport saw while retrying: the `Retry-After` of the last 429 (for the
/// message shown when retries run out), and who to tell about each wait.
#[derive(Clone, Default)]
pub struct RetryAfterSeen {
    last: Arc<Mutex<Option<u64>>>,
    on_retry: Option<OnRetry>,
}

impl RetryAfterSeen {
    pub fn telling(on_retry: Option<OnRetry>) -> Self {
        Self {
            last: Arc::default(),
            on_retry,
        }
    }

    pub fn get(&self) -> Option<u64> {
        self.last.lock().ok().and_then(|v| *v)
    }

    fn set(&self, secs: Option<u64>) {
        if let Ok(mut slot) = self.last.lock() {
            *slot = secs;
        }
    }

    fn waiting(&self, wait: Duration) {
        if let Some(on_retry) = &self.on_retry {
            on_retry(wait);
        }
    }
}

fn retry_after(response: &reqwest::Response) -> Option<u64> {
    response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(250 * 2u64.pow(attempt))
}

async fn send(
    http: reqwest::Client,
    factory: HttpRequestFactory,
    seen: RetryAfterSeen,
) -> Result<reqwest::Response, OpenAIError> {
    let mut attempt = 0;
    loop {
        let request = factory.build().await?;
        let outcome = http.execute(request).await;
        let wait = match &outcome {
            Ok(response) if response.status().is_redirection() => {
                return Err(OpenAIError::Boxed(Box::new(ProviderFailure::Redirected)));
            }
            Ok(response) if response.status().as_u16() == 429 => {
                let secs = retry_after(response);
                seen.set(secs);
                secs.map_or(backoff(attempt), Duration::from_secs)
            }
            Ok(response) if response.status().is_server_error() => backoff(attempt),
            Ok(_) => return outcome.map_err(OpenAIError::Reqwest),
            Err(e) if e.is_connect() && parley_outbound::refused_in(e).is_none() => {
                backoff(attempt)
            }
            Err(_) => return outcome.map_err(OpenAIError::Reqwest),
        };
        if attempt >= MAX_RETRIES || wait > MAX_WAIT {
            return outcome.map_err(OpenAIError::Reqwest);
        }
        attempt += 1;
        tracing::debug!(
            attempt,
            wait_ms = wait.as_millis() as u64,
            "retrying provider request"
        );
        seen.waiting(wait);
        tokio::time::sleep(wait).await;
    }
}

/// The tower service async-openai sends through.
pub fn service(
    http: reqwest::Client,
    seen: RetryAfterSeen,
) -> impl tower::Service<
    HttpRequestFactory,
    Response = reqwest::Response,
    Error = OpenAIError,
    Future = impl std::future::Future<Output = Result<reqwest::Response, OpenAIError>> + Send,
> + Clone
       + Send
       + Sync
       + 'static {
    tower::service_fn(move |factory| send(http.clone(), factory, seen.clone()))
}
