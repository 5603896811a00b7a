//! The HTTP client the `openidconnect` crate calls for discovery, signing keys and the code
//! exchange. Every URL — the issuer a tenant admin typed and every endpoint its metadata
//! names — passes the SSRF policy before a request; redirects are refused, bodies capped.

use crate::backend::llm::Outbound;
use futures_util::StreamExt;
use openidconnect::{HttpRequest, HttpResponse};

/// Discovery documents, key sets and token answers are a few KiB; anything near this is an
/// attack or a misconfiguration.
const MAX_BODY: usize = 256 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error(transparent)]
    Refused(#[from] parley_outbound::Refused),
    #[error("request failed: {0}")]
    Transport(#[from] reqwest::Error),
    #[error("the answer is larger than {MAX_BODY} bytes")]
    TooLarge,
    #[error("the request could not be built: {0}")]
    Build(String),
}

/// One request through the guarded client.
///
/// # Errors
/// [`HttpError`] when the URL is refused, the transport fails or the body is too large.
pub async fn call(outbound: Outbound, request: HttpRequest) -> Result<HttpResponse, HttpError> {
    let url = outbound.policy.check_url(&request.uri().to_string())?;
    let (parts, body) = request.into_parts();
    let response = outbound
        .http
        .request(parts.method, url)
        .headers(parts.headers)
        .body(body)
        .send()
        .await?;
    parley_outbound::refuse_redirect(&response)?;
    let mut builder = http::Response::builder().status(response.status());
    for (name, value) in response.headers() {
        builder = builder.header(name, value);
    }
    let mut bytes = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if bytes.len() + chunk.len() > MAX_BODY {
            return Err(HttpError::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    builder
        .body(bytes)
        .map_err(|e| HttpError::Build(e.to_string()))
}

/// A client for the crate's `AsyncHttpClient` (any `Fn(HttpRequest) -> Future`).
pub fn client(
    outbound: &Outbound,
) -> impl Fn(
    HttpRequest,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<HttpResponse, HttpError>> + Send>,
> + Send
       + Sync
       + 'static {
    let outbound = outbound.clone();
    move |request| Box::pin(call(outbound.clone(), request))
}
