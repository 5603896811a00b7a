//! Error answers in OpenAI's shape (`{"error":{message,type,param,code}}`), so clients exercise
//! the same parsing they use against the real service.

use axum::http::{header::RETRY_AFTER, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answer; `retry_after` adds the header rate-limited clients back off on.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
    kind: &'static str,
    code: Option<&'static str>,
    retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        let kind = if status.is_server_error() {
            "server_error"
        } else {
            "invalid_request_error"
        };
        Self {
            status,
            message: message.into(),
            kind,
            code: None,
            retry_after: None,
        }
    }

    fn code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    pub(crate) fn invalid_api_key() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Incorrect API key provided.").code("invalid_api_key")
    }

    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub(crate) fn model_not_found(model: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            format!("The model `{model}` does not exist or you do not have access to it."),
        )
        .code("model_not_found")
    }

    pub(crate) fn deployment_not_found(deployment: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            format!("The API deployment `{deployment}` for this resource does not exist."),
        )
        .code("DeploymentNotFound")
    }

    pub(crate) fn missing_api_version() -> Self {
        Self::invalid_request("Missing required query parameter: api-version.")
            .code("missing_api_version")
    }

    pub(crate) fn unknown_url(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            format!("Unknown request URL: {method} {path}."),
        )
        .code("unknown_url")
    }

    /// The failure a `/fail:…` directive asked for, worded as OpenAI words it.
    pub(crate) fn simulated(status: StatusCode, retry_after: Option<u64>) -> Self {
        let error = match status.as_u16() {
            401 => Self::invalid_api_key(),
            404 => Self::model_not_found("simulated"),
            429 => {
                let mut error = Self::new(
                    status,
                    "Rate limit reached for requests. Please try again later.",
                )
                .code("rate_limit_exceeded");
                error.kind = "requests";
                error.retry_after = Some(retry_after.unwrap_or(1));
                error
            }
            503 => Self::new(
                status,
                "The engine is currently overloaded, please try again later.",
            ),
            500..=599 => Self::new(
                status,
                "The server had an error while processing your request. Sorry about that!",
            ),
            _ => Self::new(status, format!("Simulated failure {}.", status.as_u16())),
        };
        Self {
            retry_after: retry_after.or(error.retry_after),
            ..error
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": {
                "message": self.message,
                "type": self.kind,
                "param": null,
                "code": self.code,
            }
        });
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
