//! A server-side sign-in session. The cookie holds a random token; only its hash is stored.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub token_hash: String,
    pub user_id: Uuid,
    pub created_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
    /// Absolute expiry; idle expiry is `last_seen_at` + the idle timeout.
    pub expires_at: DateTimeUtc,
    pub ip: String,
    pub user_agent: String,
    /// The tenant and SSO connection that signed this session in, for the identity
    /// provider's logout; both null for a password or platform sign-in.
    pub sso_tenant_id: Option<Uuid>,
    pub sso_connection_id: Option<Uuid>,
    /// Signed in through the platform's own SSO connection (operator-configured).
    pub sso_platform: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
