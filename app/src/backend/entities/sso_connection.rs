//! A tenant's OpenID Connect connection. The client secret is sealed (`crypto::sealed`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sso_connections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    /// `entra` or `oidc`.
    pub kind: String,
    /// Entra's directory (tenant) id; null for generic OIDC.
    pub directory_id: Option<String>,
    pub issuer: String,
    pub client_id: String,
    pub client_secret_sealed: Option<String>,
    pub client_secret_hint: Option<String>,
    /// Space-separated, `openid` always among them.
    pub scopes: String,
    /// The claim whose values the role mappings match (`roles`, `groups`, …).
    pub role_claim: String,
    /// JSON array of `{value, role}` in priority order.
    pub role_mappings: String,
    pub jit: bool,
    /// The role when no mapping matches; null denies the sign-in.
    pub default_role: Option<String>,
    pub enabled: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
