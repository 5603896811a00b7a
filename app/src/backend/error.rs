//! `DomainError`, the server-side error, and the one conversion into the wire `AppError`.
//!
//! The conversion decides what a client may learn: our own sentences (validation, conflict)
//! pass through; anything that could hold internal text (SQL, provider bodies, I/O) is
//! logged here with a fresh reference id and replaced by a generic sentence naming that id.

use crate::error::{AppError, ErrorCode};
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    /// `message` is written for the person who typed the value.
    #[error("invalid {field}: {message}")]
    Validation {
        field: &'static str,
        message: String,
    },
    #[error("not found")]
    NotFound,
    /// `0` is written for a person and says what clashed.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The value of one field clashes with what exists (a taken name or address); shown
    /// next to that field.
    #[error("conflict on {field}: {message}")]
    FieldConflict {
        field: &'static str,
        message: String,
    },
    #[error("not signed in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    /// An account-wide action attempted with an API token limited to one tenant.
    #[error("token limited to one tenant")]
    TokenLimitedToTenant,
    /// The tenant is suspended: read-only for everyone.
    #[error("tenant suspended")]
    Suspended,
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("account disabled")]
    AccountDisabled,
    #[error("sign-up closed")]
    SignupClosed,
    /// The user belongs to a tenant that requires single sign-on.
    #[error("single sign-on required by {slug}")]
    SsoRequired { slug: String, name: String },
    #[error("invitation for another e-mail address")]
    InvitationForSomeoneElse,
    #[error("rate limited for {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// An AI provider failed; its sentence is ours, never the provider's body.
    #[error("provider failure: {0}")]
    Provider(crate::backend::llm::ProviderFailure),
    #[error("internal error: {0}")]
    Internal(String),
}

impl DomainError {
    pub fn validation(field: &'static str, message: impl Into<String>) -> Self {
        Self::Validation {
            field,
            message: message.into(),
        }
    }

    pub fn taken(field: &'static str, message: impl Into<String>) -> Self {
        Self::FieldConflict {
            field,
            message: message.into(),
        }
    }
}

/// True for a unique-constraint violation, as the driver classifies it on both databases.
pub(crate) fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// True for database errors that mean "cannot reach the database" rather than a bad query.
fn is_connection_error(err: &DbErr) -> bool {
    matches!(err, DbErr::Conn(_) | DbErr::ConnectionAcquire(_))
}

impl From<DomainError> for AppError {
    fn from(err: DomainError) -> Self {
        match err {
            DomainError::Validation { field, message } => AppError::validation(field, message),
            DomainError::NotFound => AppError::not_found(),
            DomainError::Conflict(message) => AppError::new(ErrorCode::Conflict, message),
            DomainError::FieldConflict { field, message } => AppError {
                field: Some(field.into()),
                ..AppError::new(ErrorCode::Conflict, message)
            },
            DomainError::Unauthenticated => AppError::unauthenticated(),
            DomainError::Forbidden => AppError::forbidden(),
            DomainError::TokenLimitedToTenant => AppError::new(
                ErrorCode::Forbidden,
                "This API token is limited to one organisation, so it cannot change the account (its password, tokens, sessions or profile) or create organisations. Sign in, or use a token without an organisation limit.",
            ),
            DomainError::Suspended => AppError::new(
                ErrorCode::TenantSuspended,
                "This organisation is suspended, so it is read-only. Contact the platform administrator.",
            ),
            DomainError::InvalidCredentials => AppError::new(
                ErrorCode::InvalidCredentials,
                "The e-mail address or password is not right.",
            ),
            DomainError::AccountDisabled => AppError::new(
                ErrorCode::AccountDisabled,
                "This account has been disabled. Contact your administrator.",
            ),
            DomainError::InvitationForSomeoneElse => AppError::new(
                ErrorCode::Forbidden,
                "This invitation was sent to another e-mail address. Sign in with that address, or ask for a new invitation.",
            ),
            DomainError::SignupClosed => AppError::new(
                ErrorCode::SignupClosed,
                "Sign-up needs an invitation on this server. Ask an administrator for an invitation link.",
            ),
            DomainError::SsoRequired { slug, name } => AppError::new(
                ErrorCode::SsoRequired,
                format!("{name} requires single sign-on. Sign in at /t/{slug}/login with your organisation's account."),
            ),
            DomainError::RateLimited { retry_after_secs } => AppError {
                retry_after: Some(retry_after_secs),
                ..AppError::new(
                    ErrorCode::RateLimited,
                    format!(
                        "Too many attempts. Try again in {}.",
                        crate::error::wait_time(retry_after_secs)
                    ),
                )
            },
            DomainError::Provider(failure) => {
                let code = match failure.http_status() {
                    429 => ErrorCode::RateLimited,
                    504 => ErrorCode::ProviderTimeout,
                    400 => ErrorCode::BadRequest,
                    _ => ErrorCode::ProviderFailed,
                };
                let retry_after = match &failure {
                    crate::backend::llm::ProviderFailure::RateLimited { retry_after_secs } => {
                        Some(retry_after_secs.unwrap_or(60))
                    }
                    _ => None,
                };
                AppError {
                    retry_after,
                    ..AppError::new(code, failure.message())
                }
            }
            DomainError::Db(db) if is_connection_error(&db) => with_reference(
                ErrorCode::Unavailable,
                "The database is not reachable right now. Please try again in a moment.",
                &db,
            ),
            DomainError::Db(db) => with_reference(
                ErrorCode::Internal,
                "Something went wrong on our side. Please try again.",
                &db,
            ),
            DomainError::Internal(detail) => with_reference(
                ErrorCode::Internal,
                "Something went wrong on our side. Please try again.",
                &detail,
            ),
        }
    }
}

fn with_reference(code: ErrorCode, message: &str, detail: &dyn std::fmt::Display) -> AppError {
    let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
    tracing::error!(error.reference = %reference, error.detail = %detail, "request failed");
    AppError {
        reference: Some(reference),
        ..AppError::new(code, message)
    }
}

/// Converts at a server-function boundary: the wire error, with the HTTP status set on the
/// response so clients and logs see 4xx/5xx rather than the framework's blanket 500.
pub fn into_response_error(err: DomainError) -> AppError {
    let app = AppError::from(err);
    set_response_status(&app);
    app
}

/// Sets the status of the server-function response being built to the error's, when
/// called while one is (outside a request there is nothing to set).
pub fn set_response_status(error: &AppError) {
    if let (Some(response), Ok(status)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(error.status()),
    ) {
        response.set_status(status);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_detail_never_reaches_the_client() {
        let err = DomainError::Db(DbErr::Custom(
            "syntax error near SELECT password_hash FROM users".into(),
        ));
        let app = AppError::from(err);
        assert_eq!(app.code, ErrorCode::Internal);
        assert!(!app.message.contains("SELECT"));
        assert!(!app.to_string().contains("password_hash"));
        assert_eq!(app.reference.as_ref().map(String::len), Some(12));
    }

    #[test]
    fn connection_failures_are_unavailable() {
        let err = DomainError::Db(DbErr::Conn(sea_orm::RuntimeErr::Internal(
            "connection refused".into(),
        )));
        let app = AppError::from(err);
        assert_eq!(app.code, ErrorCode::Unavailable);
        assert_eq!(app.status(), 503);
        assert!(!app.message.contains("refused"));
    }

    #[test]
    fn our_own_sentences_pass_through() {
        let app = AppError::from(DomainError::validation(
            "email",
            "Enter a valid e-mail address.",
        ));
        assert_eq!(app.code, ErrorCode::Validation);
        assert_eq!(app.field.as_deref(), Some("email"));
        assert_eq!(app.message, "Enter a valid e-mail address.");

        let app = AppError::from(DomainError::RateLimited {
            retry_after_secs: 30,
        });
        assert_eq!(app.status(), 429);
        assert_eq!(app.retry_after, Some(30));
    }

    #[test]
    fn internal_errors_carry_a_reference_not_the_detail() {
        let app = AppError::from(DomainError::Internal("disk /var/lib full".into()));
        assert_eq!(app.status(), 500);
        assert!(!app.message.contains("/var/lib"));
        assert!(app.reference.is_some());
    }
}
