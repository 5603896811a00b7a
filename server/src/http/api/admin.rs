//! `/admin/*`: platform administration for super-admins, through an audited `SystemCtx`.

use super::{
    extract::{Auth, Meta, Path, Query},
    list,
};
use app::backend::{authz::SystemCtx, services::platform_admin, state::AppState};
use app::error::AppError;
use axum::{extract::State, http::StatusCode, response::IntoResponse, Json};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, Default)]
pub struct Search {
    #[serde(default)]
    q: String,
}

pub async fn tenants(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Meta(meta): Meta,
    Query(search): Query<Search>,
) -> Result<impl IntoResponse, AppError> {
    let sys = SystemCtx::for_super_admin(&state, &caller, "admin.list_tenants", &meta.ip).await?;
    Ok(Json(list(
        platform_admin::tenants(&state, &sys, &search.q).await?,
    )))
}

pub async fn users(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Meta(meta): Meta,
    Query(search): Query<Search>,
) -> Result<impl IntoResponse, AppError> {
    let sys = SystemCtx::for_super_admin(&state, &caller, "admin.list_users", &meta.ip).await?;
    Ok(Json(list(
        platform_admin::users(&state, &sys, &search.q).await?,
    )))
}

/// `PATCH /admin/tenants/{slug}`: each field optional; `"max_users": null` removes the limit.
#[derive(Deserialize)]
pub struct TenantAdminPatch {
    #[serde(default)]
    suspended: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    max_users: Option<Option<i32>>,
    /// Offer the platform's own AI provider to the tenant.
    #[serde(default)]
    platform_ai: Option<bool>,
}

/// Tells an explicit `null` (clear) from an absent field (leave as is).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i32>>, D::Error> {
    Option::<i32>::deserialize(d).map(Some)
}

pub async fn suspend_tenant(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Meta(meta): Meta,
    Path(slug): Path<String>,
    super::extract::Body(body): super::extract::Body<TenantAdminPatch>,
) -> Result<impl IntoResponse, AppError> {
    let sys = SystemCtx::for_super_admin(&state, &caller, "admin.update_tenant", &meta.ip).await?;
    if let Some(suspended) = body.suspended {
        platform_admin::set_tenant_suspended(&state, &sys, &slug, suspended, &meta).await?;
    }
    if let Some(max_users) = body.max_users {
        platform_admin::set_member_limit(&state, &sys, &slug, max_users, &meta).await?;
    }
    if let Some(on) = body.platform_ai {
        platform_admin::set_platform_ai(&state, &sys, &slug, on, &meta).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct Disabling {
    disabled: bool,
}

pub async fn disable_user(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Meta(meta): Meta,
    Path(id): Path<Uuid>,
    super::extract::Body(body): super::extract::Body<Disabling>,
) -> Result<impl IntoResponse, AppError> {
    let sys = SystemCtx::for_super_admin(&state, &caller, "admin.disable_user", &meta.ip).await?;
    platform_admin::set_user_disabled(&state, &sys, id, body.disabled, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn reset_password(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Meta(meta): Meta,
    Path(id): Path<Uuid>,
) -> Result<impl IntoResponse, AppError> {
    use secrecy::ExposeSecret;
    let sys = SystemCtx::for_super_admin(&state, &caller, "admin.reset_password", &meta.ip).await?;
    let password = platform_admin::reset_password(&state, &sys, id, &meta).await?;
    Ok(Json(
        serde_json::json!({ "password": password.expose_secret() }),
    ))
}

pub async fn settings(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Meta(meta): Meta,
) -> Result<impl IntoResponse, AppError> {
    SystemCtx::for_super_admin(&state, &caller, "admin.read_settings", &meta.ip).await?;
    Ok(Json(
        app::backend::services::platform_settings::current(&state).await?,
    ))
}

pub async fn update_settings(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Meta(meta): Meta,
    super::extract::Body(body): super::extract::Body<app::dto::account::PlatformSettingsDto>,
) -> Result<impl IntoResponse, AppError> {
    let sys =
        SystemCtx::for_super_admin(&state, &caller, "admin.update_settings", &meta.ip).await?;
    Ok(Json(
        app::backend::services::platform_settings::update(&state, &sys, &body, &meta).await?,
    ))
}
