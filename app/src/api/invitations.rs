//! Accepting an invitation link.

use crate::{dto::account::AcceptedDto, error::AppError, roles::Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreviewDto {
    pub tenant_name: String,
    pub role: Role,
    pub email: Option<String>,
}

/// What an invitation link offers. Public: the token itself is the secret.
#[server(endpoint = "invitations/preview")]
pub async fn invitation_preview(token: String) -> Result<InvitationPreviewDto, AppError> {
    let state = crate::backend::state::AppState::from_context()?;
    let p = crate::backend::services::invitations::preview(&state, &token)
        .await
        .map_err(super::guard::fail)?;
    Ok(InvitationPreviewDto {
        tenant_name: p.tenant_name,
        role: p.role,
        email: p.email,
    })
}

#[server(endpoint = "invitations/accept")]
pub async fn accept_invitation(token: String) -> Result<AcceptedDto, AppError> {
    let call = super::guard::signed_in().await?;
    crate::backend::services::invitations::accept(&call.state, &call.caller, &token, &call.meta)
        .await
        .map_err(super::guard::fail)
}
