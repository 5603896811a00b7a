//! The API's error shape for what the router itself answers: an unknown path under
//! `/api/v1` or a method a path does not take would otherwise get the HTML 404 page or a
//! bare text answer. Handlers and extractors answer with `AppError` already.

use app::error::{AppError, ErrorCode};
use axum::response::{IntoResponse, Response};
use http::{header, StatusCode};

/// The fallback of the API router: no such endpoint.
pub async fn unknown_endpoint() -> AppError {
    AppError::new(
        ErrorCode::NotFound,
        "There is no such API endpoint. The endpoints are listed in /api/v1/openapi.json.",
    )
}

/// Turns an error answer that is not JSON into the envelope, keeping its status and
/// headers (`Allow` on a 405).
pub async fn wrap_bare_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let error = match status {
        StatusCode::NOT_FOUND => AppError::not_found(),
        StatusCode::METHOD_NOT_ALLOWED => AppError::new(
            ErrorCode::MethodNotAllowed,
            "This endpoint does not take this method. The endpoints are listed in /api/v1/openapi.json.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => crate::http::body_limit::too_large(),
        s if s.is_client_error() => AppError::new(
            ErrorCode::BadRequest,
            "The request was not understood. The endpoints and what they take are listed in /api/v1/openapi.json.",
        ),
        _ => AppError::new(
            ErrorCode::Internal,
            "Something went wrong on our side. Please try again.",
        ),
    };
    let (mut parts, _) = response.into_parts();
    let enveloped = error.into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_ENCODING);
    for (name, value) in enveloped.headers() {
        parts.headers.insert(name, value.clone());
    }
    Response::from_parts(parts, enveloped.into_body())
}
