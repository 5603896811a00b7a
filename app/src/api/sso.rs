//! The single sign-on settings page's server functions (admin+), and the public data of a
//! tenant's sign-in page. Client secrets only travel inward: answers carry `…abcd` hints.

// A connection is one HTML form with many fields, posted as they are; the browser-side
// stub the server macro generates cannot carry a per-function allow.
#![allow(clippy::too_many_arguments)]

use crate::{
    dto::sso::{SsoConnectionDto, SsoSettingsDto, SsoTestReport, TenantLoginDto},
    error::AppError,
};
use leptos::prelude::*;
use uuid::Uuid;

/// The tenant's name and sign-in buttons (public: the page is shown before sign-in).
#[server(endpoint = "sso/login-page")]
pub async fn tenant_login_page(slug: String) -> Result<TenantLoginDto, AppError> {
    let state = crate::backend::state::AppState::from_context()?;
    crate::backend::services::sso_sign_in::tenant_login(&state, &slug)
        .await
        .map_err(super::guard::fail)
}

/// The label of the platform's "Sign in with …" button, when the operator configured
/// platform SSO (public: the sign-in page shows it).
#[server(endpoint = "sso/platform-button")]
pub async fn platform_sign_in_button() -> Result<Option<String>, AppError> {
    let state = crate::backend::state::AppState::from_context()?;
    Ok(crate::backend::services::platform_sso::button_label(&state))
}

#[server(endpoint = "sso/settings")]
pub async fn sso_settings(slug: String) -> Result<SsoSettingsDto, AppError> {
    use crate::backend::{authz::grants::ManageSso, services::sso_connections};
    let (call, auth) = super::guard::in_tenant::<ManageSso>(&slug).await?;
    sso_connections::settings(&call.state, &auth)
        .await
        .map_err(super::guard::fail)
}

/// Creates (no `id`) or changes a connection. Checkboxes arrive only when ticked; role
/// mappings are `claim value = role` lines; an empty `default_role` denies sign-ins that
/// match no mapping; an empty `client_secret` keeps the stored one.
#[server(endpoint = "sso/save")]
pub async fn save_sso_connection(
    slug: String,
    id: Option<String>,
    name: String,
    kind: String,
    directory_id: Option<String>,
    issuer: Option<String>,
    client_id: String,
    client_secret: Option<String>,
    scopes: Option<String>,
    role_claim: Option<String>,
    role_mappings: Option<String>,
    jit: Option<String>,
    default_role: Option<String>,
    enabled: Option<String>,
) -> Result<SsoConnectionDto, AppError> {
    use crate::backend::{authz::grants::ManageSso, error::DomainError, services::sso_connections};
    use crate::dto::sso::{parse_mappings, SsoConnectionInput, SsoKind};
    use crate::roles::Role;
    let (call, auth) = super::guard::in_tenant::<ManageSso>(&slug).await?;
    let invalid = |field: &'static str, message: String| {
        super::guard::fail(DomainError::validation(field, message))
    };
    let kind = SsoKind::parse(&kind).ok_or_else(|| {
        invalid(
            "kind",
            "Choose Microsoft Entra ID or OpenID Connect.".into(),
        )
    })?;
    let role_mappings = parse_mappings(role_mappings.as_deref().unwrap_or(""))
        .map_err(|message| invalid("role_mappings", message))?;
    let default_role = match default_role.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(role) => Some(
            Role::parse(role).ok_or_else(|| invalid("default_role", "Choose a role.".into()))?,
        ),
    };
    let input = SsoConnectionInput {
        name,
        kind,
        directory_id,
        issuer,
        client_id,
        client_secret,
        scopes,
        role_claim,
        role_mappings,
        jit: jit.is_some(),
        default_role,
        enabled: enabled.is_some(),
    };
    let id = id.filter(|i| !i.trim().is_empty());
    let saved = match id {
        None => sso_connections::create(&call.state, &auth, input, &call.meta).await,
        Some(id) => {
            let id = Uuid::parse_str(id.trim())
                .map_err(|_| super::guard::fail(DomainError::NotFound))?;
            sso_connections::update(&call.state, &auth, id, input, &call.meta).await
        }
    };
    saved.map_err(super::guard::fail)
}

#[server(endpoint = "sso/delete")]
pub async fn delete_sso_connection(slug: String, id: Uuid) -> Result<(), AppError> {
    use crate::backend::{authz::grants::ManageSso, services::sso_connections};
    let (call, auth) = super::guard::in_tenant::<ManageSso>(&slug).await?;
    sso_connections::delete(&call.state, &auth, id, &call.meta)
        .await
        .map_err(super::guard::fail)
}

/// Runs discovery against the connection's issuer and reports in plain words.
#[server(endpoint = "sso/test")]
pub async fn test_sso_connection(slug: String, id: Uuid) -> Result<SsoTestReport, AppError> {
    use crate::backend::{authz::grants::ManageSso, services::sso_connections};
    let (call, auth) = super::guard::in_tenant::<ManageSso>(&slug).await?;
    sso_connections::test(&call.state, &auth, id)
        .await
        .map_err(super::guard::fail)
}

/// Members must (checkbox ticked) or need not sign in through SSO.
#[server(endpoint = "sso/require")]
pub async fn set_require_sso(slug: String, require_sso: Option<String>) -> Result<(), AppError> {
    use crate::backend::{authz::grants::ManageSso, services::sso_connections};
    let (call, auth) = super::guard::in_tenant::<ManageSso>(&slug).await?;
    sso_connections::set_require_sso(&call.state, &auth, require_sso.is_some(), &call.meta)
        .await
        .map_err(super::guard::fail)
}
