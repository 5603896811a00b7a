//! A platform sign-in under way at the identity provider: single-use, short-lived, bound to
//! the browser that holds its cookie.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "platform_sso_attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// SHA-256 of the `state` parameter.
    pub state_hash: String,
    /// SHA-256 of the browser-binding cookie.
    pub browser_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// Set when a signed-in user links this identity to their account.
    pub link_user_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
