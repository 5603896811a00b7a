//! The signed-in user, for the shell (top bar, tenant picker).

use crate::{dto::account::MeDto, error::AppError};
use leptos::prelude::*;

/// The current user and their tenants, or `None` when nobody is signed in. Public: the
/// shell asks on every page.
#[server(endpoint = "session/me")]
pub async fn current_user() -> Result<Option<MeDto>, AppError> {
    use crate::backend::{
        auth::caller::Caller, error::DomainError, services::accounts, state::AppState,
    };
    let state = AppState::from_context()?;
    let headers = leptos_axum::extract::<http::HeaderMap>()
        .await
        .map_err(|_| AppError::unauthenticated())?;
    match Caller::from_headers(&state, &headers).await {
        Ok(caller) => Ok(Some(
            accounts::me(&state, &caller)
                .await
                .map_err(super::guard::fail)?,
        )),
        Err(DomainError::Unauthenticated) => Ok(None),
        // A database that cannot answer is not "signed out": say so, and keep the cookie.
        Err(e) => Err(super::guard::fail(e)),
    }
}

/// What the caller's last refused sign-in or sign-up form had in it, to show it again.
/// Public: it only reads back the caller's own cookie.
#[server(endpoint = "session/form-echo")]
pub async fn form_echo() -> Result<Option<crate::dto::account::FormEchoDto>, AppError> {
    let headers = leptos_axum::extract::<http::HeaderMap>()
        .await
        .map_err(|_| AppError::unauthenticated())?;
    Ok(crate::backend::auth::form_echo::read(&headers))
}
