//! An identity at a tenant's identity provider, bound to one Parley user. Keyed by
//! (issuer, subject) — for Entra (directory id, object id) — never by e-mail.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sso_identities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub connection_id: Uuid,
    pub user_id: Uuid,
    pub issuer: String,
    pub subject: String,
    /// The address the IdP last reported: shown to admins, never used to match.
    pub email: Option<String>,
    pub created_at: DateTimeUtc,
    pub last_sign_in_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
