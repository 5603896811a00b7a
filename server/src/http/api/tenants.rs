//! `/tenants/*`: tenants, members, invitations. Each handler resolves the tenant from the
//! slug against the caller's memberships (`TenantCtx::resolve`) before anything else.

use super::{
    extract::{Account, Auth, Body, Meta, Path},
    list,
};
use app::backend::{
    authz::{grants, TenantCtx},
    services::{invitations, members, tenants},
    state::AppState,
};
use app::error::AppError;
use app::roles::Role;
use axum::{extract::State, http::StatusCode, response::IntoResponse, Json};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize)]
pub struct NewTenant {
    slug: String,
    name: String,
}

pub async fn create(
    State(state): State<AppState>,
    Account(caller): Account,
    Meta(meta): Meta,
    Body(body): Body<NewTenant>,
) -> Result<impl IntoResponse, AppError> {
    let tenant = tenants::create(&state, &caller, &body.slug, &body.name, &meta).await?;
    Ok((StatusCode::CREATED, Json(tenant)))
}

pub async fn get(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(slug): Path<String>,
) -> Result<impl IntoResponse, AppError> {
    let ctx = TenantCtx::resolve(&state, &caller, &slug).await?;
    Ok(Json(
        tenants::get(&state, &ctx.require::<grants::ViewTenant>()?).await?,
    ))
}

#[derive(Deserialize)]
pub struct TenantPatch {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    branding: Option<serde_json::Value>,
    #[serde(default)]
    settings: Option<serde_json::Value>,
}

pub async fn update(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Meta(meta): Meta,
    Path(slug): Path<String>,
    Body(body): Body<TenantPatch>,
) -> Result<impl IntoResponse, AppError> {
    let ctx = TenantCtx::resolve(&state, &caller, &slug).await?;
    let patch = tenants::TenantPatch {
        name: body.name,
        branding: body.branding,
        settings: body.settings,
    };
    Ok(Json(
        tenants::update(
            &state,
            &ctx.require::<grants::UpdateTenant>()?,
            patch,
            &meta,
        )
        .await?,
    ))
}

pub async fn members(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(slug): Path<String>,
) -> Result<impl IntoResponse, AppError> {
    let ctx = TenantCtx::resolve(&state, &caller, &slug).await?;
    Ok(Json(list(
        members::list(&state, &ctx.require::<grants::ViewTenant>()?).await?,
    )))
}

#[derive(Deserialize)]
pub struct RoleBody {
    role: Role,
}

pub async fn change_role(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Meta(meta): Meta,
    Path((slug, user_id)): Path<(String, Uuid)>,
    Body(body): Body<RoleBody>,
) -> Result<impl IntoResponse, AppError> {
    let ctx = TenantCtx::resolve(&state, &caller, &slug).await?;
    let auth = ctx.require::<grants::ManageMembers>()?;
    Ok(Json(
        members::change_role(&state, &auth, user_id, body.role, &meta).await?,
    ))
}

pub async fn remove_member(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Meta(meta): Meta,
    Path((slug, user_id)): Path<(String, Uuid)>,
) -> Result<impl IntoResponse, AppError> {
    let ctx = TenantCtx::resolve(&state, &caller, &slug).await?;
    if user_id == caller.user().id {
        members::leave(&state, &ctx.require::<grants::LeaveTenant>()?, &meta).await?;
    } else {
        members::remove(
            &state,
            &ctx.require::<grants::ManageMembers>()?,
            user_id,
            &meta,
        )
        .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct NewInvitation {
    #[serde(default)]
    email: Option<String>,
    role: Role,
}

pub async fn invite(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Meta(meta): Meta,
    Path(slug): Path<String>,
    Body(body): Body<NewInvitation>,
) -> Result<impl IntoResponse, AppError> {
    let ctx = TenantCtx::resolve(&state, &caller, &slug).await?;
    let auth = ctx.require::<grants::ManageInvitations>()?;
    let created =
        invitations::create(&state, &auth, body.email.as_deref(), body.role, &meta).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub async fn invitations(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(slug): Path<String>,
) -> Result<impl IntoResponse, AppError> {
    let ctx = TenantCtx::resolve(&state, &caller, &slug).await?;
    Ok(Json(list(
        invitations::pending(&state, &ctx.require::<grants::ManageInvitations>()?).await?,
    )))
}

pub async fn revoke_invitation(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Meta(meta): Meta,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<impl IntoResponse, AppError> {
    let ctx = TenantCtx::resolve(&state, &caller, &slug).await?;
    invitations::revoke(
        &state,
        &ctx.require::<grants::ManageInvitations>()?,
        id,
        &meta,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn accept(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Meta(meta): Meta,
    Path(token): Path<String>,
) -> Result<impl IntoResponse, AppError> {
    Ok(Json(
        invitations::accept(&state, &caller, &token, &meta).await?,
    ))
}
