//! `/auth/*`: register, sign in, sign out.

use super::extract::{Account, Auth, Body, Meta};
use app::backend::{auth::sessions, services::accounts, state::AppState};
use app::error::AppError;
use axum::{
    extract::State,
    http::{header, StatusCode},
    response::IntoResponse,
    Json,
};
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
pub struct RegisterBody {
    email: String,
    password: SecretString,
    name: String,
    #[serde(default)]
    invitation: Option<String>,
}

pub async fn register(
    State(state): State<AppState>,
    Meta(meta): Meta,
    Body(body): Body<RegisterBody>,
) -> Result<impl IntoResponse, AppError> {
    let user = accounts::register(
        &state,
        accounts::Registration {
            email: body.email,
            password: body.password,
            name: body.name,
            invitation: body.invitation,
        },
        &meta,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "user": user }))))
}

#[derive(Deserialize)]
pub struct LoginBody {
    email: String,
    password: SecretString,
}

pub async fn login(
    State(state): State<AppState>,
    Meta(meta): Meta,
    Body(body): Body<LoginBody>,
) -> Result<impl IntoResponse, AppError> {
    let (user, token) = accounts::login(&state, &body.email, body.password, &meta).await?;
    Ok((
        [(header::SET_COOKIE, sessions::set_cookie(&state, &token))],
        Json(json!({ "user": user })),
    ))
}

pub async fn logout(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Meta(meta): Meta,
) -> Result<impl IntoResponse, AppError> {
    accounts::logout(&state, &caller, &meta).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, sessions::clear_cookie(&state))],
    ))
}

pub async fn logout_everywhere(
    State(state): State<AppState>,
    Account(caller): Account,
    Meta(meta): Meta,
) -> Result<impl IntoResponse, AppError> {
    accounts::logout_everywhere(&state, &caller, &meta).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, sessions::clear_cookie(&state))],
    ))
}
