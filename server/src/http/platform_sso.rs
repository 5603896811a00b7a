//! Signing in to the platform itself through the operator's SSO connection: the redirect
//! to the identity provider, the return to `/sso/callback`, and linking the signed-in
//! account. Failures end on `/sso/problem?platform=1`, which says what happened.

use super::sso::{finished, to_idp};
use app::backend::{
    auth::{caller::Caller, oidc::BROWSER_COOKIE, sessions},
    request_meta::RequestMeta,
    services::{
        platform_sso::{self, PLATFORM_LINK_PATH},
        sso_sign_in::{Callback, SsoFailure},
    },
    state::AppState,
};
use app::{backend::auth::oidc::platform::CALLBACK_PATH, dto::sso::SsoProblem};
use axum::{
    extract::{Query, State},
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Extension, Router,
};

/// Where the platform attempt's browser cookie is sent: the start, link and callback paths.
const PLATFORM_SSO_PATH: &str = "/sso";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sso/platform/start", get(start))
        .route(PLATFORM_LINK_PATH, post(link))
        .route(CALLBACK_PATH, get(callback))
}

fn problem(problem: SsoProblem) -> Response {
    Redirect::to(&format!("/sso/problem?code={}&platform=1", problem.code())).into_response()
}

fn refused(failure: &SsoFailure) -> Response {
    tracing::info!(problem = failure.problem.code(), detail = %failure.detail, "platform single sign-on could not start");
    problem(failure.problem)
}

async fn start(State(state): State<AppState>) -> Response {
    match platform_sso::start(&state, None).await {
        Ok(started) => to_idp(&state, PLATFORM_SSO_PATH, started, false),
        Err(failure) => refused(&failure),
    }
}

/// Links a platform identity to the signed-in account (a POST: the CSRF layer guards it,
/// and nobody can be made to link by following a link).
async fn link(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Ok(caller) = Caller::from_headers(&state, &headers).await else {
        return Redirect::to("/login?next=/account").into_response();
    };
    match platform_sso::start(&state, Some(caller.user().id)).await {
        Ok(started) => to_idp(&state, PLATFORM_SSO_PATH, started, true),
        Err(failure) => refused(&failure),
    }
}

async fn callback(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    Query(query): Query<Callback>,
    headers: HeaderMap,
) -> Response {
    let browser = sessions::token_from_cookies(&headers, BROWSER_COOKIE);
    let outcome = platform_sso::finish(&state, query, browser.as_deref(), &meta)
        .await
        .map_err(|failure| problem(failure.problem));
    finished(&state, PLATFORM_SSO_PATH, outcome)
}
