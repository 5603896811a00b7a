//! The first line of every guarded server function: who is calling (set by the server's
//! server-function guard, which already refused anonymous calls) and, for tenant pages,
//! the `Authorized<G>` proof for the slug in the URL.

use crate::backend::{
    auth::caller::{AccountCaller, Caller},
    authz::{Authorized, Grant, TenantCtx},
    error::{into_response_error, DomainError},
    request_meta::RequestMeta,
    state::AppState,
};
use crate::error::AppError;

/// Everything a server function needs about its request.
pub struct Call {
    pub state: AppState,
    pub caller: Caller,
    pub meta: RequestMeta,
}

/// The signed-in caller.
///
/// # Errors
/// `Unauthenticated` when the request carries no valid credentials.
pub async fn signed_in() -> Result<Call, AppError> {
    let state = AppState::from_context()?;
    let caller = match leptos_axum::extract::<axum::Extension<Caller>>().await {
        Ok(axum::Extension(caller)) => caller,
        // Rendering a page on the server calls server functions directly, without the
        // guard layer in between: resolve the credentials here.
        Err(_) => {
            let headers = leptos_axum::extract::<http::HeaderMap>()
                .await
                .map_err(|e| {
                    // Not the caller's fault: the function ran without its request.
                    tracing::error!(error = %e, "a server function could not read its request");
                    fail(DomainError::Unauthenticated)
                })?;
            Caller::from_headers(&state, &headers).await.map_err(fail)?
        }
    };
    let meta = leptos_axum::extract::<axum::Extension<RequestMeta>>()
        .await
        .map(|axum::Extension(meta)| meta)
        .unwrap_or_default();
    Ok(Call {
        state,
        caller,
        meta,
    })
}

/// The signed-in caller, acting on their whole account (see `Caller::account_wide`).
///
/// # Errors
/// `Unauthenticated`; `Forbidden` for an API token limited to one tenant.
pub async fn account_wide() -> Result<(Call, AccountCaller), AppError> {
    let call = signed_in().await?;
    let account = call.caller.account_wide().map_err(fail)?;
    Ok((call, account))
}

/// The caller, authorized for `G` in the tenant `slug`.
///
/// # Errors
/// `Unauthenticated`, `NotFound` (not a member, or no such tenant), `Forbidden`.
pub async fn in_tenant<G: Grant>(slug: &str) -> Result<(Call, Authorized<G>), AppError> {
    let call = signed_in().await?;
    let ctx = TenantCtx::resolve(&call.state, &call.caller, slug)
        .await
        .map_err(fail)?;
    let auth = ctx.require::<G>().map_err(fail)?;
    Ok((call, auth))
}

/// Converts a service error at the boundary (status set, detail logged).
pub fn fail(err: DomainError) -> AppError {
    into_response_error(err)
}
