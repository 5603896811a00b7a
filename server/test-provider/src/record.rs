//! The request log: a middleware writes down every provider request (before auth, so tests can
//! also see rejected calls) and hands the body on unchanged.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::errors::ApiError;
use crate::state::SharedState;

/// Larger than any prompt a test sends; OpenAI's own limit is in the same range.
const BODY_LIMIT: usize = 32 * 1024 * 1024;

/// One request as the provider saw it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// The `Authorization` header, or else the Azure `api-key` header, verbatim.
    pub auth: Option<String>,
    /// The body's `model`, or the Azure deployment named in the path.
    pub model: Option<String>,
    pub stream: bool,
    /// The JSON body; `None` when there was none or it did not parse.
    pub body: Option<Value>,
}

/// Records the request, then runs the handler on an identical copy of it.
pub(crate) async fn record(
    State(state): State<SharedState>,
    request: Request,
    next: Next,
) -> Response {
    // The inspection endpoints must not show up in what they inspect.
    if request.uri().path().starts_with("/__") {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return ApiError::invalid_request("The request body could not be read or is too large.")
            .into_response();
    };
    let body: Option<Value> = serde_json::from_slice(&bytes).ok();
    let auth = [AUTHORIZATION.as_str(), "api-key"]
        .into_iter()
        .find_map(|name| parts.headers.get(name))
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let field = |name: &str| body.as_ref().and_then(|body| body.get(name));
    let model = field("model")
        .and_then(Value::as_str)
        .or_else(|| azure_deployment(parts.uri.path()))
        .map(str::to_owned);
    let stream = field("stream").and_then(Value::as_bool).unwrap_or(false);
    state.record(RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        auth,
        model,
        stream,
        body,
    });
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn azure_deployment(path: &str) -> Option<&str> {
    path.strip_prefix("/openai/deployments/")?.split('/').next()
}
