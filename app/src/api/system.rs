//! Server functions about the running system.

use crate::{dto::system::SystemReport, error::AppError};
use leptos::prelude::*;

/// Database reachability and migration state, for the status page.
#[server(endpoint = "system/status")]
pub async fn system_status() -> Result<SystemReport, AppError> {
    let state = crate::backend::state::AppState::from_context()?;
    crate::backend::services::status::system_status(&state)
        .await
        .map_err(crate::backend::error::into_response_error)
}
