//! Request bodies are capped (`PARLEY_MAX_BODY_BYTES`). The limit layer and axum's
//! extractors answer an oversized body with a plain-text 413; this turns it into the API's
//! JSON error envelope so every client sees the same shape.

use app::error::{AppError, ErrorCode};
use axum::{
    body::{Body, Bytes, HttpBody},
    response::{IntoResponse, Response},
    BoxError,
};
use http::{header, StatusCode};

/// The one answer to a body over the limit, wherever it is noticed (this layer, for a
/// `Content-Length` over it; the API's extractors, for a body that grows past it).
pub fn too_large() -> AppError {
    AppError::new(
        ErrorCode::PayloadTooLarge,
        "The request is too large. Send less data at once.",
    )
}

pub async fn json_payload_too_large<B>(response: http::Response<B>) -> Response
where
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !is_json {
        return too_large().into_response();
    }
    response.map(Body::new)
}
