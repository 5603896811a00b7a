//! `AppError`: the only error that crosses the wire, to the browser or to a REST client.
//!
//! It carries a stable machine code, a sentence meant for a person and, for failures whose
//! detail stays on the server, a reference id that matches a log line. It never holds SQL,
//! provider answers or stack text: the server-side `DomainError` is turned into it by one
//! conversion (`backend::error`) that logs the detail first.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Stable error codes. Clients may match on them; renaming one is a breaking change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Validation,
    BadRequest,
    Unauthenticated,
    Forbidden,
    TenantSuspended,
    InvalidCredentials,
    AccountDisabled,
    SignupClosed,
    /// The account's organisation requires single sign-on: no password sign-in.
    SsoRequired,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PayloadTooLarge,
    RateLimited,
    ProviderFailed,
    ProviderTimeout,
    Unavailable,
    Internal,
}

impl ErrorCode {
    /// The HTTP status that goes with the code.
    pub fn status(self) -> u16 {
        match self {
            Self::Validation | Self::BadRequest => 400,
            Self::Unauthenticated | Self::InvalidCredentials => 401,
            Self::Forbidden
            | Self::TenantSuspended
            | Self::AccountDisabled
            | Self::SignupClosed
            | Self::SsoRequired => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::Conflict => 409,
            Self::PayloadTooLarge => 413,
            Self::RateLimited => 429,
            Self::Internal => 500,
            Self::ProviderFailed => 502,
            Self::Unavailable => 503,
            Self::ProviderTimeout => 504,
        }
    }

    /// The wire name, as it appears in `{"error": {"code": …}}`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Validation => "validation",
            Self::BadRequest => "bad_request",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::TenantSuspended => "tenant_suspended",
            Self::InvalidCredentials => "invalid_credentials",
            Self::AccountDisabled => "account_disabled",
            Self::SignupClosed => "signup_closed",
            Self::SsoRequired => "sso_required",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Conflict => "conflict",
            Self::PayloadTooLarge => "payload_too_large",
            Self::RateLimited => "rate_limited",
            Self::ProviderFailed => "provider_failed",
            Self::ProviderTimeout => "provider_timeout",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }
}

/// A wait as people say it: "1 second", "30 seconds", "1 minute", "15 minutes".
pub fn wait_time(secs: u64) -> String {
    match secs {
        0 | 1 => "1 second".to_string(),
        s if s < 60 => format!("{s} seconds"),
        s => match s.div_ceil(60) {
            1 => "1 minute".to_string(),
            m => format!("{m} minutes"),
        },
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    /// The input field at fault, for validation errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Matches the server log line that holds the detail of an internal failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Seconds to wait before retrying, for `rate_limited`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
            reference: None,
            retry_after: None,
        }
    }

    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.into()),
            ..Self::new(ErrorCode::Validation, message)
        }
    }

    pub fn not_found() -> Self {
        Self::new(ErrorCode::NotFound, "We could not find what you asked for.")
    }

    pub fn unauthenticated() -> Self {
        Self::new(ErrorCode::Unauthenticated, "Please sign in to continue.")
    }

    pub fn forbidden() -> Self {
        Self::new(
            ErrorCode::Forbidden,
            "You do not have permission to do that.",
        )
    }

    pub fn status(&self) -> u16 {
        self.code.status()
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(reference) = &self.reference {
            write!(f, " (reference {reference})")?;
        }
        Ok(())
    }
}

impl std::error::Error for AppError {}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// Framework-level failures: bad arguments are the caller's fault; a failed request
    /// on the client means the server could not be reached. On the server the response's
    /// status follows the code (the framework would answer 500 for all of them).
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let error = match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => Self::new(
                ErrorCode::BadRequest,
                "The request was not understood. Reload the page and try again.",
            ),
            ServerFnErrorErr::Request(_) => Self::new(
                ErrorCode::Unavailable,
                "Parley could not be reached. Check your connection and try again.",
            ),
            _ => Self::new(
                ErrorCode::Internal,
                "Something went wrong on our side. Please try again.",
            ),
        };
        #[cfg(feature = "ssr")]
        crate::backend::error::set_response_status(&error);
        error
    }

    /// Every server-function error the browser receives passes through here: a session
    /// that ended while a page was open sends the person to sign in, whichever call noticed.
    fn de(data: leptos::server_fn::Bytes) -> Self {
        use leptos::server_fn::Decodes;
        let error = JsonEncoding::decode(data).unwrap_or_else(|e| {
            Self::from_server_fn_error(ServerFnErrorErr::Deserialization(e.to_string()))
        });
        if error.code == ErrorCode::Unauthenticated {
            crate::session::send_to_sign_in();
        }
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_as_their_wire_names() {
        for code in [
            ErrorCode::Validation,
            ErrorCode::BadRequest,
            ErrorCode::Unauthenticated,
            ErrorCode::Forbidden,
            ErrorCode::TenantSuspended,
            ErrorCode::InvalidCredentials,
            ErrorCode::AccountDisabled,
            ErrorCode::SignupClosed,
            ErrorCode::NotFound,
            ErrorCode::MethodNotAllowed,
            ErrorCode::Conflict,
            ErrorCode::PayloadTooLarge,
            ErrorCode::RateLimited,
            ErrorCode::ProviderFailed,
            ErrorCode::ProviderTimeout,
            ErrorCode::Unavailable,
            ErrorCode::Internal,
        ] {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, code.as_str());
        }
    }

    #[test]
    fn statuses_follow_the_api_contract() {
        assert_eq!(ErrorCode::Validation.status(), 400);
        assert_eq!(ErrorCode::Unauthenticated.status(), 401);
        assert_eq!(ErrorCode::NotFound.status(), 404);
        assert_eq!(ErrorCode::RateLimited.status(), 429);
        assert_eq!(ErrorCode::ProviderFailed.status(), 502);
        assert_eq!(ErrorCode::ProviderTimeout.status(), 504);
    }

    #[test]
    fn waits_read_as_people_say_them() {
        assert_eq!(wait_time(1), "1 second");
        assert_eq!(wait_time(12), "12 seconds");
        assert_eq!(wait_time(60), "1 minute");
        assert_eq!(wait_time(61), "2 minutes");
        assert_eq!(wait_time(900), "15 minutes");
    }

    #[test]
    fn framework_errors_never_echo_their_text() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::ServerError(
            "SELECT secret FROM users".into(),
        ));
        assert_eq!(err.code, ErrorCode::Internal);
        assert!(!err.message.contains("SELECT"));
    }
}
