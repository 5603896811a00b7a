//! A user: the global identity, independent of any tenant.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Normalised: trimmed and lower case.
    pub email: String,
    pub name: String,
    pub password_hash: Option<String>,
    pub is_super_admin: bool,
    pub disabled: bool,
    /// The tenant the picker opens next time.
    pub last_tenant_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
