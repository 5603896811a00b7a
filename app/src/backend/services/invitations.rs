//! Invitations: copyable single-use links with a role and an expiry. The token names its
//! tenant (`inv_<tenant id>_<secret>`), so accepting it needs no cross-tenant lookup; only
//! the secret's hash is stored.

use crate::backend::{
    auth::{caller::Caller, secret_token},
    authz::{grants, Authorized},
    error::DomainError,
    repo::{audit, invitations, memberships, scope::TenantTx, tenants, users},
    request_meta::RequestMeta,
    state::AppState,
};
use crate::dto::account::{AcceptedDto, InvitationCreatedDto, InvitationDto};
use crate::roles::{Permission, Role};
use chrono::{Duration, Utc};
use serde_json::json;
use uuid::Uuid;

pub const VALID_FOR_DAYS: i64 = 7;
const PREFIX: &str = "inv_";

fn make_token(tenant_id: Uuid) -> String {
    format!(
        "{PREFIX}{}_{}",
        tenant_id.simple(),
        secret_token::generate("")
    )
}

fn tenant_of(token: &str) -> Option<Uuid> {
    let rest = token.strip_prefix(PREFIX)?;
    let (id, secret) = (rest.get(..32)?, rest.get(33..)?);
    if secret.len() < 40 || rest.as_bytes().get(32) != Some(&b'_') {
        return None;
    }
    Uuid::parse_str(id).ok()
}

fn not_usable() -> DomainError {
    DomainError::Conflict(
        "This invitation link is no longer valid: it was used, revoked or has expired. Ask for a new one.".into(),
    )
}

fn full(limit: i32) -> DomainError {
    DomainError::Conflict(format!(
        "This organisation has reached its limit of {limit} members. Remove someone or ask the platform administrator to raise the limit."
    ))
}

fn dto(i: &invitations::Invitation) -> Result<InvitationDto, DomainError> {
    Ok(InvitationDto {
        id: i.id,
        role: Role::parse(&i.role).ok_or_else(|| DomainError::Internal("bad role".into()))?,
        email: i.email.clone(),
        created_at: i.created_at,
        expires_at: i.expires_at,
    })
}

/// # Errors
/// `Forbidden` when a non-owner invites an owner; `Conflict` when the tenant is full;
/// validation errors on `email`.
pub async fn create(
    state: &AppState,
    auth: &Authorized<grants::ManageInvitations>,
    email: Option<&str>,
    role: Role,
    meta: &RequestMeta,
) -> Result<InvitationCreatedDto, DomainError> {
    if role == Role::Owner && !auth.ctx().role().can(Permission::ManageOwners) {
        return Err(DomainError::Forbidden);
    }
    let email = email
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(super::validate::email)
        .transpose()?;
    let tx = auth.begin(state).await?;
    if let Some(limit) = auth.ctx().tenant().max_users {
        let taken = memberships::count(&tx).await? + invitations::pending(&tx).await?.len() as u64;
        if taken >= u64::try_from(limit).unwrap_or(0) {
            return Err(full(limit));
        }
    }
    let token = make_token(auth.tenant_id());
    let invitation = invitations::insert(
        &tx,
        invitations::NewInvitation {
            id: Uuid::new_v4(),
            token_hash: &secret_token::hash(&token),
            role,
            email: email.clone(),
            created_by: auth.ctx().user_id(),
            expires_at: Utc::now() + Duration::days(VALID_FOR_DAYS),
        },
    )
    .await?;
    audit::tenant(
        &tx,
        audit::TenantEvent {
            actor: Some(auth.ctx().user_id()),
            action: "invitation.created",
            target: invitation.id.to_string(),
            ip: &meta.ip,
            details: json!({ "role": role, "email": email }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(InvitationCreatedDto {
        id: invitation.id,
        url: format!("{}/invite/{token}", state.auth().public_url),
        token,
        role,
        expires_at: invitation.expires_at,
    })
}

/// # Errors
/// Database errors.
pub async fn pending(
    state: &AppState,
    auth: &Authorized<grants::ManageInvitations>,
) -> Result<Vec<InvitationDto>, DomainError> {
    let tx = auth.begin(state).await?;
    let rows = invitations::pending(&tx).await?;
    tx.commit().await?;
    rows.iter().map(dto).collect()
}

/// # Errors
/// `NotFound` for an invitation that is not pending in this tenant.
pub async fn revoke(
    state: &AppState,
    auth: &Authorized<grants::ManageInvitations>,
    id: Uuid,
    meta: &RequestMeta,
) -> Result<(), DomainError> {
    let tx = auth.begin(state).await?;
    if !invitations::delete(&tx, id).await? {
        return Err(DomainError::NotFound);
    }
    audit::tenant(
        &tx,
        audit::TenantEvent {
            actor: Some(auth.ctx().user_id()),
            action: "invitation.revoked",
            target: id.to_string(),
            ip: &meta.ip,
            details: json!({}),
        },
    )
    .await?;
    tx.commit().await.map_err(DomainError::from)
}

/// Whether a token is a pending, unexpired invitation (for invite-only sign-up).
///
/// # Errors
/// Database errors.
pub async fn is_valid(state: &AppState, token: &str) -> Result<bool, DomainError> {
    let Some(tenant_id) = tenant_of(token) else {
        return Ok(false);
    };
    let tx = TenantTx::begin(state, tenant_id).await?;
    let found = invitations::by_token_hash(&tx, &secret_token::hash(token)).await?;
    tx.commit().await?;
    Ok(found.is_some_and(|i| i.accepted_at.is_none() && i.expires_at > Utc::now()))
}

/// What the accept page shows before the user confirms.
#[derive(Debug, Clone)]
pub struct InvitationPreview {
    pub tenant_name: String,
    pub role: Role,
    pub email: Option<String>,
}

/// # Errors
/// `NotFound` for an unknown token; `Conflict` for a used or expired one.
pub async fn preview(state: &AppState, token: &str) -> Result<InvitationPreview, DomainError> {
    let tenant_id = tenant_of(token).ok_or(DomainError::NotFound)?;
    let tx = TenantTx::begin(state, tenant_id).await?;
    let invitation = invitations::by_token_hash(&tx, &secret_token::hash(token))
        .await?
        .ok_or(DomainError::NotFound)?;
    let tenant = tenants::current(&tx).await?;
    tx.commit().await?;
    if invitation.accepted_at.is_some() || invitation.expires_at <= Utc::now() {
        return Err(not_usable());
    }
    Ok(InvitationPreview {
        tenant_name: tenant.name,
        role: Role::parse(&invitation.role)
            .ok_or_else(|| DomainError::Internal("bad role".into()))?,
        email: invitation.email,
    })
}

/// The signed-in caller accepts an invitation and joins its tenant.
///
/// # Errors
/// `NotFound` for an unknown token; `Conflict` when used, expired, full, suspended or
/// already a member; `Forbidden` when the invitation names another e-mail address.
pub async fn accept(
    state: &AppState,
    caller: &Caller,
    token: &str,
    meta: &RequestMeta,
) -> Result<AcceptedDto, DomainError> {
    let tenant_id = tenant_of(token).ok_or(DomainError::NotFound)?;
    if caller.restricted_to().is_some_and(|only| only != tenant_id) {
        return Err(DomainError::NotFound);
    }
    let tx = TenantTx::begin(state, tenant_id).await?;
    let invitation = invitations::by_token_hash(&tx, &secret_token::hash(token))
        .await?
        .ok_or(DomainError::NotFound)?;
    if invitation.accepted_at.is_some() || invitation.expires_at <= Utc::now() {
        return Err(not_usable());
    }
    if invitation
        .email
        .as_ref()
        .is_some_and(|e| *e != caller.user().email)
    {
        return Err(DomainError::InvitationForSomeoneElse);
    }
    let tenant = tenants::current(&tx).await?;
    if tenant.status == "suspended" {
        return Err(DomainError::Suspended);
    }
    if memberships::role(&tx, caller.user().id).await?.is_some() {
        return Err(DomainError::Conflict(
            "You are already a member of this organisation.".into(),
        ));
    }
    if let Some(limit) = tenant.max_users {
        if memberships::count(&tx).await? >= u64::try_from(limit).unwrap_or(0) {
            return Err(full(limit));
        }
    }
    if !invitations::mark_accepted(&tx, invitation.id, caller.user().id).await? {
        return Err(not_usable());
    }
    let role =
        Role::parse(&invitation.role).ok_or_else(|| DomainError::Internal("bad role".into()))?;
    memberships::insert(&tx, caller.user().id, role).await?;
    audit::tenant(
        &tx,
        audit::TenantEvent {
            actor: Some(caller.user().id),
            action: "invitation.accepted",
            target: invitation.id.to_string(),
            ip: &meta.ip,
            details: json!({ "role": role }),
        },
    )
    .await?;
    tx.commit().await?;
    users::set_last_tenant(state.db(), caller.user().id, tenant_id).await?;
    Ok(AcceptedDto {
        slug: tenant.slug,
        role,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_name_their_tenant_and_nothing_else_parses() {
        let tenant = Uuid::new_v4();
        let token = make_token(tenant);
        assert_eq!(tenant_of(&token), Some(tenant));
        assert_eq!(tenant_of("inv_nothing"), None);
        assert_eq!(tenant_of(&token.replace("inv_", "pat_")), None);
        assert_eq!(tenant_of(&token[..40]), None);
    }
}
