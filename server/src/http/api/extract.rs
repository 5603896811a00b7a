//! Extractors for REST handlers: the signed-in caller, the request's meta, and path, query
//! and JSON body extractors whose rejections use the API error shape and name the part at
//! fault without echoing what was sent.

use app::{
    backend::{
        auth::caller::{AccountCaller, Caller},
        request_meta::RequestMeta,
        state::AppState,
    },
    error::{AppError, ErrorCode},
};
use axum::{
    body::Bytes,
    extract::{
        path::ErrorKind,
        rejection::{PathRejection, QueryRejection},
        FromRequest, FromRequestParts, RawPathParams, Request,
    },
    http::{header, request::Parts, HeaderMap},
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

/// The signed-in caller acting on their whole account; 401 without a credential, 403 for an
/// API token limited to one tenant (see `Caller::account_wide`).
pub struct Account(pub AccountCaller);

impl FromRequestParts<AppState> for Account {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Auth(caller) = Auth::from_request_parts(parts, state).await?;
        Ok(Self(caller.account_wide()?))
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

/// Path parameters; a malformed one (an id that is not a UUID) is a 400 naming it.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(rejection) => {
                let params: Vec<(String, String)> = RawPathParams::from_request_parts(parts, state)
                    .await
                    .map(|raw| {
                        raw.iter()
                            .map(|(name, value)| (name.to_string(), value.to_string()))
                            .collect()
                    })
                    .unwrap_or_default();
                Err(path_error(&rejection, &params))
            }
        }
    }
}

/// Names the parameter at fault. Ids (`id`, `…_id`) are UUIDs, whose parse error does not
/// say where it happened: the first id that is not one is the culprit.
fn path_error(rejection: &PathRejection, params: &[(String, String)]) -> AppError {
    let PathRejection::FailedToDeserializePathParams(failed) = rejection else {
        return AppError::new(ErrorCode::BadRequest, "The address is not valid.");
    };
    let named = match failed.kind() {
        ErrorKind::ParseErrorAtKey { key, .. } | ErrorKind::InvalidUtf8InPathParam { key } => {
            Some(key.clone())
        }
        ErrorKind::ParseErrorAtIndex { index, .. } => {
            params.get(*index).map(|(name, _)| name.clone())
        }
        _ => None,
    };
    let bad_id = params
        .iter()
        .find(|(name, value)| {
            (name == "id" || name.ends_with("_id")) && uuid::Uuid::parse_str(value).is_err()
        })
        .map(|(name, _)| name.clone());
    match named.or(bad_id) {
        Some(name) if name == "id" || name.ends_with("_id") => AppError::validation(
            name.clone(),
            format!("`{name}` in the address must be an id (a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e)."),
        ),
        Some(name) => AppError::validation(
            name.clone(),
            format!("`{name}` in the address is not valid."),
        ),
        None => AppError::new(ErrorCode::BadRequest, "The address is not valid."),
    }
}

/// Query parameters; a malformed one is a 400 naming it.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Self(value))
            .map_err(|rejection| query_error(&rejection))
    }
}

fn query_error(rejection: &QueryRejection) -> AppError {
    // serde reports `field: what is wrong`; the field is ours to name, the rest may quote
    // what was sent, so only the field is kept.
    let text = rejection.body_text();
    let field = text
        .strip_prefix("Failed to deserialize query string: ")
        .and_then(|rest| rest.split_once(':'))
        .map(|(field, _)| field.trim())
        .filter(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    match field {
        Some(field) => AppError::validation(
            field.to_string(),
            format!("The query parameter `{field}` is not valid; see /api/v1/openapi.json for what it takes."),
        ),
        None => AppError::new(
            ErrorCode::BadRequest,
            "The query string is not valid; see /api/v1/openapi.json for the parameters this endpoint takes.",
        ),
    }
}

/// A JSON object as the body; anything else is a 4xx with the API error shape. Arrays are
/// refused: serde would fill a struct's fields from one by position.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(AppError::new(
                ErrorCode::BadRequest,
                "Send the body as JSON (Content-Type: application/json).",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            match rejection.status().as_u16() {
                413 => AppError::new(ErrorCode::PayloadTooLarge, "The request is too large."),
                _ => AppError::new(ErrorCode::BadRequest, "The request body could not be read."),
            }
        })?;
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(AppError::new(
                ErrorCode::Validation,
                "Send a JSON object ({ … }) as the body.",
            ));
        }
        axum::Json::<T>::from_bytes(&bytes)
            .map(|axum::Json(value)| Self(value))
            .map_err(|rejection| {
                AppError::new(
                    ErrorCode::Validation,
                    format!("The request body is not valid: {}", rejection.body_text()),
                )
            })
    }
}

/// `application/json`, or a `+json` type, with any parameters.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|essence| essence.trim().to_ascii_lowercase())
        .is_some_and(|essence| {
            essence == "application/json"
                || (essence.starts_with("application/") && essence.ends_with("+json"))
        })
}
