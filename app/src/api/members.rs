//! Members and invitations of a tenant.

use crate::{
    dto::account::{InvitationCreatedDto, InvitationDto, MemberDto},
    error::AppError,
    roles::Role,
};
use leptos::prelude::*;
use uuid::Uuid;

#[server(endpoint = "members/list")]
pub async fn list_members(slug: String) -> Result<Vec<MemberDto>, AppError> {
    use crate::backend::{authz::grants::ViewTenant, services::members};
    let (call, auth) = super::guard::in_tenant::<ViewTenant>(&slug).await?;
    members::list(&call.state, &auth)
        .await
        .map_err(super::guard::fail)
}

#[server(endpoint = "members/role")]
pub async fn change_member_role(
    slug: String,
    user_id: Uuid,
    role: Role,
) -> Result<MemberDto, AppError> {
    use crate::backend::{authz::grants::ManageMembers, services::members};
    let (call, auth) = super::guard::in_tenant::<ManageMembers>(&slug).await?;
    members::change_role(&call.state, &auth, user_id, role, &call.meta)
        .await
        .map_err(super::guard::fail)
}

#[server(endpoint = "members/remove")]
pub async fn remove_member(slug: String, user_id: Uuid) -> Result<(), AppError> {
    use crate::backend::{authz::grants::ManageMembers, services::members};
    let (call, auth) = super::guard::in_tenant::<ManageMembers>(&slug).await?;
    members::remove(&call.state, &auth, user_id, &call.meta)
        .await
        .map_err(super::guard::fail)
}

/// The caller leaves the organisation (any role; not its last owner).
#[server(endpoint = "members/leave")]
pub async fn leave_tenant(slug: String) -> Result<(), AppError> {
    use crate::backend::{authz::grants::LeaveTenant, services::members};
    let (call, auth) = super::guard::in_tenant::<LeaveTenant>(&slug).await?;
    members::leave(&call.state, &auth, &call.meta)
        .await
        .map_err(super::guard::fail)
}

#[server(endpoint = "invitations/create")]
pub async fn create_invitation(
    slug: String,
    role: Role,
    email: Option<String>,
) -> Result<InvitationCreatedDto, AppError> {
    use crate::backend::{authz::grants::ManageInvitations, services::invitations};
    let (call, auth) = super::guard::in_tenant::<ManageInvitations>(&slug).await?;
    invitations::create(&call.state, &auth, email.as_deref(), role, &call.meta)
        .await
        .map_err(super::guard::fail)
}

#[server(endpoint = "invitations/pending")]
pub async fn pending_invitations(slug: String) -> Result<Vec<InvitationDto>, AppError> {
    use crate::backend::{authz::grants::ManageInvitations, services::invitations};
    let (call, auth) = super::guard::in_tenant::<ManageInvitations>(&slug).await?;
    invitations::pending(&call.state, &auth)
        .await
        .map_err(super::guard::fail)
}

#[server(endpoint = "invitations/revoke")]
pub async fn revoke_invitation(slug: String, id: Uuid) -> Result<(), AppError> {
    use crate::backend::{authz::grants::ManageInvitations, services::invitations};
    let (call, auth) = super::guard::in_tenant::<ManageInvitations>(&slug).await?;
    invitations::revoke(&call.state, &auth, id, &call.meta)
        .await
        .map_err(super::guard::fail)
}
