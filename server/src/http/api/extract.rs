//! Extractors for REST handlers: the signed-in caller, the request's meta, JSON bodies
//! whose rejections use the API error shape.

use app::{
    backend::{auth::caller::Caller, request_meta::RequestMeta, state::AppState},
    error::{AppError, ErrorCode},
};
use axum::{
    extract::{FromRequest, FromRequestParts, RawPathParams, Request},
    http::request::Parts,
};
use serde::de::DeserializeOwned;

/// The signed-in caller; 401 otherwise.
pub struct Auth(pub Caller);

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(Self(caller.clone()));
        }
        // A request to a tenant's URL: its membership can be read with the credential.
        let params = RawPathParams::from_request_parts(parts, state).await.ok();
        let slug = params
            .as_ref()
            .and_then(|p| p.iter().find(|(name, _)| *name == "slug"))
            .map(|(_, value)| value);
        Ok(Self(
            Caller::from_headers_in(state, &parts.headers, slug).await?,
        ))
    }
}

/// Address and user agent (see `client_meta`).
pub struct Meta(pub RequestMeta);

impl<S: Send + Sync> FromRequestParts<S> for Meta {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<RequestMeta>()
                .cloned()
                .unwrap_or_default(),
        ))
    }
}

/// A JSON body; malformed input is a 400 with the API error shape.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(match rejection.status().as_u16() {
                413 => AppError::new(ErrorCode::PayloadTooLarge, "The request is too large."),
                415 => AppError::new(
                    ErrorCode::BadRequest,
                    "Send the body as JSON (Content-Type: application/json).",
                ),
                _ => AppError::new(
                    ErrorCode::Validation,
                    format!("The request body is not valid: {}", rejection.body_text()),
                ),
            }),
        }
    }
}
