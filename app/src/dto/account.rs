//! Accounts, tenants, members, invitations and tokens as they cross the wire.

use crate::roles::Role;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDto {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub is_super_admin: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyTenantDto {
    pub slug: String,
    pub name: String,
    pub role: Role,
    pub suspended: bool,
}

impl MyTenantDto {
    /// Whether the caller may do `permission` here (the server's rule, `roles::refusal`).
    pub fn may(&self, permission: crate::roles::Permission) -> bool {
        crate::roles::refusal(self.role, self.suspended, permission).is_none()
    }
}

/// `GET /me`: the user and the tenants they belong to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeDto {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub is_super_admin: bool,
    pub tenants: Vec<MyTenantDto>,
    /// The tenant the picker opened last, if still a member.
    pub last_tenant: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantDto {
    pub slug: String,
    pub name: String,
    pub branding: serde_json::Value,
    pub settings: serde_json::Value,
    pub status: String,
    pub max_users: Option<i32>,
    /// The caller's role in it.
    pub role: Role,
}

/// A tenant's address and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantSummaryDto {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDto {
    pub user_id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationDto {
    pub id: Uuid,
    pub role: Role,
    pub email: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// A new invitation: the link is shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationCreatedDto {
    pub id: Uuid,
    pub token: String,
    pub url: String,
    pub role: Role,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptedDto {
    pub slug: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenDto {
    pub id: Uuid,
    pub name: String,
    /// The tenant the token is limited to.
    pub tenant: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A new token: the secret is shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenCreatedDto {
    pub id: Uuid,
    pub name: String,
    pub token: String,
    pub tenant: Option<String>,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionDto {
    pub id: Uuid,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    pub ip: String,
    pub user_agent: String,
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminTenantDto {
    pub slug: String,
    pub name: String,
    pub status: String,
    pub max_users: Option<i32>,
    /// The platform's own AI provider is offered to this tenant.
    pub platform_ai: bool,
    /// E-mail domains verified for this tenant's single sign-on.
    #[serde(default)]
    pub sso_domains: Vec<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUserDto {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub is_super_admin: bool,
    pub disabled: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Platform-wide settings: `signup` is `open` or `invite_only`; `tenant_creation` is
/// `anyone` or `super_admin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformSettingsDto {
    pub signup: String,
    pub tenant_creation: String,
}

/// What a refused sign-in or sign-up form had in it, shown again (never the password).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormEchoDto {
    pub email: String,
    pub name: String,
}
