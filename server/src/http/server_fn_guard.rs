//! Every server function is a public HTTP endpoint. This layer makes "signed in" the
//! default for all of them: an anonymous call is refused with 401 before the function (or
//! its argument decoding) runs, unless the function is on the short public list below. The
//! resolved `Caller` travels to the function as a request extension. Pages for signed-in
//! people, asked for without a session, redirect to the sign-in page and back.

use app::{
    backend::{auth::caller::Caller, error::DomainError, state::AppState},
    error::AppError,
};
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};

/// Where server functions live (REST is under `/api/v1/`).
pub const SERVER_FN_PREFIX: &str = "/api/";
const REST_PREFIX: &str = "/api/v1/";

/// Server functions anyone may call.
pub const PUBLIC_SERVER_FNS: &[&str] = &[
    "/api/system/status",
    "/api/session/me",
    "/api/session/form-echo",
    "/api/invitations/preview",
    "/api/sso/login-page",
    "/api/sso/platform-button",
];

pub fn is_server_fn_path(path: &str) -> bool {
    path.starts_with(SERVER_FN_PREFIX) && !path.starts_with(REST_PREFIX)
}

pub async fn require_caller(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if !is_server_fn_path(&path) {
        return sign_in_first(&state, request, next).await;
    }
    if PUBLIC_SERVER_FNS.contains(&path.as_str()) {
        return next.run(request).await;
    }
    match Caller::from_headers(&state, request.headers()).await {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        // Server functions decode errors as a bare `AppError`, not the REST envelope.
        Err(err) => {
            let err = AppError::from(err);
            let status = http::StatusCode::from_u16(err.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            (status, axum::Json(err)).into_response()
        }
    }
}

/// A page only signed-in people may open, asked for without a session, goes to the sign-in
/// page and back (`app::session`) before anything renders: a streamed page has sent its
/// headers before its data says who is asking.
async fn sign_in_first(state: &AppState, mut request: Request, next: Next) -> Response {
    let is_page_view = matches!(*request.method(), http::Method::GET | http::Method::HEAD);
    if !is_page_view || !app::session::needs_sign_in(request.uri().path()) {
        return next.run(request).await;
    }
    match Caller::from_headers(state, request.headers()).await {
        // The page's server functions find the caller without a second lookup.
        Ok(caller) => {
            request.extensions_mut().insert(caller);
        }
        Err(DomainError::Unauthenticated) => {
            let here = request
                .uri()
                .path_and_query()
                .map_or_else(|| request.uri().path(), |pq| pq.as_str());
            return Redirect::to(&app::session::sign_in_href(here)).into_response();
        }
        // A database that cannot answer is not "signed out": the page says what is wrong.
        Err(_) => {}
    }
    next.run(request).await
}
