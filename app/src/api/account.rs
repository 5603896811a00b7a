//! The account page: profile, password, sessions, personal API tokens.

use crate::{
    dto::account::{ApiTokenCreatedDto, ApiTokenDto, SessionDto},
    error::AppError,
};
use leptos::prelude::*;
use uuid::Uuid;

#[server(endpoint = "account/profile")]
pub async fn update_profile(name: String) -> Result<(), AppError> {
    let (call, account) = super::guard::account_wide().await?;
    crate::backend::services::accounts::update_profile(&call.state, &account, &name)
        .await
        .map_err(super::guard::fail)
}

#[server(endpoint = "account/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    let (call, account) = super::guard::account_wide().await?;
    crate::backend::services::accounts::change_password(
        &call.state,
        &account,
        current_password.into(),
        new_password.into(),
        &call.meta,
    )
    .await
    .map_err(super::guard::fail)
}

#[server(endpoint = "account/sessions")]
pub async fn my_sessions() -> Result<Vec<SessionDto>, AppError> {
    use crate::backend::auth::{caller::Credential, sessions};
    let (call, account) = super::guard::account_wide().await?;
    let current = match account.credential() {
        Credential::Session { session_id } => Some(*session_id),
        Credential::ApiToken { .. } => None,
    };
    Ok(sessions::list(&call.state, account.user().id)
        .await
        .map_err(super::guard::fail)?
        .into_iter()
        .map(|s| SessionDto {
            current: Some(s.id) == current,
            id: s.id,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            ip: s.ip,
            user_agent: s.user_agent,
        })
        .collect())
}

/// Ends every session, this one included; the page then goes to the sign-in form.
#[server(endpoint = "account/sign-out-everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    let (call, account) = super::guard::account_wide().await?;
    crate::backend::services::accounts::logout_everywhere(&call.state, &account, &call.meta)
        .await
        .map(|_| ())
        .map_err(super::guard::fail)
}

#[server(endpoint = "account/tokens")]
pub async fn my_tokens() -> Result<Vec<ApiTokenDto>, AppError> {
    let (call, account) = super::guard::account_wide().await?;
    crate::backend::services::api_tokens::list(&call.state, &account)
        .await
        .map_err(super::guard::fail)
}

#[server(endpoint = "account/tokens/create")]
pub async fn create_token(
    name: String,
    tenant: Option<String>,
    expires_in_days: Option<u32>,
) -> Result<ApiTokenCreatedDto, AppError> {
    let (call, account) = super::guard::account_wide().await?;
    crate::backend::services::api_tokens::create(
        &call.state,
        &account,
        &name,
        tenant.as_deref(),
        expires_in_days,
        &call.meta,
    )
    .await
    .map_err(super::guard::fail)
}

#[server(endpoint = "account/tokens/revoke")]
pub async fn revoke_token(id: Uuid) -> Result<(), AppError> {
    let (call, account) = super::guard::account_wide().await?;
    crate::backend::services::api_tokens::revoke(&call.state, &account, id, &call.meta)
        .await
        .map_err(super::guard::fail)
}

/// The platform's and the caller's organisations' SSO connections, and whether the account
/// is linked to each.
#[server(endpoint = "account/sso")]
pub async fn linkable_sso() -> Result<Vec<crate::dto::sso::LinkableSso>, AppError> {
    use crate::backend::services::{platform_sso, sso_sign_in};
    let (call, account) = super::guard::account_wide().await?;
    let platform = platform_sso::linkable(&call.state, &account)
        .await
        .map_err(super::guard::fail)?;
    let tenants = sso_sign_in::linkable(&call.state, &account)
        .await
        .map_err(super::guard::fail)?;
    Ok(platform.into_iter().chain(tenants).collect())
}
