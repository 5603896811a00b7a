//! `/me`: the caller, their password and their personal API tokens.

use super::{
    extract::{Account, Auth, Body, Meta, Path},
    list,
};
use app::backend::{
    services::{accounts, api_tokens},
    state::AppState,
};
use app::error::AppError;
use axum::{extract::State, http::StatusCode, response::IntoResponse, Json};
use secrecy::SecretString;
use serde::Deserialize;
use uuid::Uuid;

pub async fn me(
    State(state): State<AppState>,
    Auth(caller): Auth,
) -> Result<impl IntoResponse, AppError> {
    Ok(Json(accounts::me(&state, &caller).await?))
}

#[derive(Deserialize)]
pub struct PasswordBody {
    current_password: SecretString,
    new_password: SecretString,
}

pub async fn change_password(
    State(state): State<AppState>,
    Account(caller): Account,
    Meta(meta): Meta,
    Body(body): Body<PasswordBody>,
) -> Result<impl IntoResponse, AppError> {
    accounts::change_password(
        &state,
        &caller,
        body.current_password,
        body.new_password,
        &meta,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct NewToken {
    name: String,
    #[serde(default)]
    tenant: Option<String>,
    #[serde(default)]
    expires_in_days: Option<u32>,
}

pub async fn create_token(
    State(state): State<AppState>,
    Account(caller): Account,
    Meta(meta): Meta,
    Body(body): Body<NewToken>,
) -> Result<impl IntoResponse, AppError> {
    let token = api_tokens::create(
        &state,
        &caller,
        &body.name,
        body.tenant.as_deref(),
        body.expires_in_days,
        &meta,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(token)))
}

pub async fn tokens(
    State(state): State<AppState>,
    Account(caller): Account,
) -> Result<impl IntoResponse, AppError> {
    Ok(Json(list(api_tokens::list(&state, &caller).await?)))
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Account(caller): Account,
    Meta(meta): Meta,
    Path(id): Path<Uuid>,
) -> Result<impl IntoResponse, AppError> {
    api_tokens::revoke(&state, &caller, id, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}
