//! `/tenants/{slug}/providers`, `/models`, `/chat-settings`: AI configuration (admin+),
//! and the models a member may pick.

use super::{
    extract::{Auth, Body, Meta, Path},
    list,
};
use app::backend::{
    auth::caller::Caller,
    authz::{grants, Authorized, Grant, TenantCtx},
    services::{chat_settings, models, providers},
    state::AppState,
};
use app::dto::chat::{ChatSettingsDto, ProviderKind};
use app::error::AppError;
use axum::{extract::State, http::StatusCode, response::IntoResponse, Json};
use secrecy::SecretString;
use serde::Deserialize;
use uuid::Uuid;

/// Resolves the tenant and demands grant `G`.
pub async fn authorize<G: Grant>(
    state: &AppState,
    caller: &Caller,
    slug: &str,
) -> Result<Authorized<G>, AppError> {
    Ok(TenantCtx::resolve(state, caller, slug)
        .await?
        .require::<G>()?)
}

/// The provider fields of API.md. `api_key` is write-only; `""` removes it.
#[derive(Deserialize)]
pub struct ProviderBody {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    kind: Option<ProviderKind>,
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default)]
    api_key: Option<SecretString>,
    #[serde(default)]
    api_version: Option<String>,
    #[serde(default)]
    models: Option<Vec<String>>,
    #[serde(default)]
    enabled_models: Option<Vec<String>>,
}

impl From<ProviderBody> for providers::ProviderInput {
    fn from(b: ProviderBody) -> Self {
        Self {
            name: b.name,
            kind: b.kind,
            base_url: b.base_url,
            api_version: b.api_version,
            api_key: b.api_key,
            models: b.models,
            enabled_models: b.enabled_models,
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Meta(meta): Meta,
    Path(slug): Path<String>,
    Body(body): Body<ProviderBody>,
) -> Result<impl IntoResponse, AppError> {
    let auth = authorize::<grants::ManageAi>(&state, &caller, &slug).await?;
    let created = providers::create(&state, &auth, body.into(), &meta).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub async fn index(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(slug): Path<String>,
) -> Result<impl IntoResponse, AppError> {
    let auth = authorize::<grants::ManageAi>(&state, &caller, &slug).await?;
    Ok(Json(list(providers::list(&state, &auth).await?)))
}

pub async fn show(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<impl IntoResponse, AppError> {
    let auth = authorize::<grants::ManageAi>(&state, &caller, &slug).await?;
    Ok(Json(providers::get(&state, &auth, id).await?))
}

pub async fn update(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Meta(meta): Meta,
    Path((slug, id)): Path<(String, Uuid)>,
    Body(body): Body<ProviderBody>,
) -> Result<impl IntoResponse, AppError> {
    let auth = authorize::<grants::ManageAi>(&state, &caller, &slug).await?;
    Ok(Json(
        providers::update(&state, &auth, id, body.into(), &meta).await?,
    ))
}

pub async fn delete(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Meta(meta): Meta,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<impl IntoResponse, AppError> {
    let auth = authorize::<grants::ManageAi>(&state, &caller, &slug).await?;
    providers::delete(&state, &auth, id, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn test(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<impl IntoResponse, AppError> {
    let auth = authorize::<grants::ManageAi>(&state, &caller, &slug).await?;
    Ok(Json(providers::test_connection(&state, &auth, id).await?))
}

pub async fn models(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(slug): Path<String>,
) -> Result<impl IntoResponse, AppError> {
    let auth = authorize::<grants::UseWorkspace>(&state, &caller, &slug).await?;
    Ok(Json(list(models::available(&state, &auth).await?)))
}

pub async fn settings(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(slug): Path<String>,
) -> Result<impl IntoResponse, AppError> {
    let auth = authorize::<grants::UseWorkspace>(&state, &caller, &slug).await?;
    Ok(Json(chat_settings::get(&state, &auth).await?))
}

pub async fn update_settings(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Meta(meta): Meta,
    Path(slug): Path<String>,
    Body(body): Body<ChatSettingsDto>,
) -> Result<impl IntoResponse, AppError> {
    let auth = authorize::<grants::ManageAi>(&state, &caller, &slug).await?;
    Ok(Json(chat_settings::put(&state, &auth, body, &meta).await?))
}
