//! Members of a tenant: list, change role, remove, leave. An organisation always keeps at
//! least one owner, and only owners touch owners.

use crate::backend::{
    authz::{grants, Authorized, TenantCtx},
    error::DomainError,
    repo::{audit, memberships, scope::TenantTx},
    request_meta::RequestMeta,
    state::AppState,
};
use crate::dto::account::MemberDto;
use crate::roles::{Permission, Role};
use serde_json::json;
use uuid::Uuid;

fn last_owner() -> DomainError {
    DomainError::Conflict(
        "An organisation needs at least one owner. Make someone else an owner first.".into(),
    )
}

/// # Errors
/// Database errors.
pub async fn list(
    state: &AppState,
    auth: &Authorized<grants::ViewTenant>,
) -> Result<Vec<MemberDto>, DomainError> {
    let tx = auth.begin(state).await?;
    let members = memberships::list(&tx).await?;
    tx.commit().await?;
    Ok(members
        .into_iter()
        .map(|m| MemberDto {
            user_id: m.user_id,
            email: m.email,
            name: m.name,
            role: m.role,
        })
        .collect())
}

/// Refuses owner changes by anyone but an owner.
fn check_owner_rights(ctx: &TenantCtx, involves_owner: bool) -> Result<(), DomainError> {
    if involves_owner && !ctx.role().can(Permission::ManageOwners) {
        return Err(DomainError::Forbidden);
    }
    Ok(())
}

/// Ensures removing `target_role` from the owners would leave at least one.
async fn keeps_an_owner(tx: &TenantTx, target_role: Role) -> Result<(), DomainError> {
    if target_role == Role::Owner && memberships::count_role(tx, Role::Owner).await? <= 1 {
        return Err(last_owner());
    }
    Ok(())
}

/// # Errors
/// `NotFound` for a user who is not a member here; `Forbidden` for owner changes by a
/// non-owner; `Conflict` when it would leave no owner.
pub async fn change_role(
    state: &AppState,
    auth: &Authorized<grants::ManageMembers>,
    user_id: Uuid,
    role: Role,
    meta: &RequestMeta,
) -> Result<MemberDto, DomainError> {
    let tx = auth.begin(state).await?;
    let current = memberships::role(&tx, user_id)
        .await?
        .ok_or(DomainError::NotFound)?;
    check_owner_rights(auth.ctx(), current == Role::Owner || role == Role::Owner)?;
    if current != role {
        if role != Role::Owner {
            keeps_an_owner(&tx, current).await?;
        }
        if !memberships::set_role(&tx, user_id, role).await? {
            return Err(DomainError::NotFound);
        }
        audit::tenant(
            &tx,
            audit::TenantEvent {
                actor: Some(auth.ctx().user_id()),
                action: "member.role_changed",
                target: user_id.to_string(),
                ip: &meta.ip,
                details: json!({ "from": current, "to": role }),
            },
        )
        .await?;
    }
    let member = memberships::list(&tx)
        .await?
        .into_iter()
        .find(|m| m.user_id == user_id)
        .ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    Ok(MemberDto {
        user_id: member.user_id,
        email: member.email,
        name: member.name,
        role: member.role,
    })
}

/// # Errors
/// As `change_role`.
pub async fn remove(
    state: &AppState,
    auth: &Authorized<grants::ManageMembers>,
    user_id: Uuid,
    meta: &RequestMeta,
) -> Result<(), DomainError> {
    let tx = auth.begin(state).await?;
    let current = memberships::role(&tx, user_id)
        .await?
        .ok_or(DomainError::NotFound)?;
    check_owner_rights(auth.ctx(), current == Role::Owner)?;
    keeps_an_owner(&tx, current).await?;
    if !memberships::delete(&tx, user_id).await? {
        return Err(DomainError::NotFound);
    }
    audit::tenant(
        &tx,
        audit::TenantEvent {
            actor: Some(auth.ctx().user_id()),
            action: "member.removed",
            target: user_id.to_string(),
            ip: &meta.ip,
            details: json!({ "role": current }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The caller leaves the tenant.
///
/// # Errors
/// `Conflict` for the last owner.
pub async fn leave(
    state: &AppState,
    auth: &Authorized<grants::LeaveTenant>,
    meta: &RequestMeta,
) -> Result<(), DomainError> {
    let tx = auth.begin(state).await?;
    keeps_an_owner(&tx, auth.ctx().role()).await?;
    memberships::delete(&tx, auth.ctx().user_id()).await?;
    audit::tenant(
        &tx,
        audit::TenantEvent {
            actor: Some(auth.ctx().user_id()),
            action: "member.left",
            target: auth.ctx().user_id().to_string(),
            ip: &meta.ip,
            details: json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
