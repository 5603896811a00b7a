//! A tenant: one organisation sharing the platform. Not tenant-owned itself.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tenants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    /// JSON object.
    pub branding: String,
    /// JSON object.
    pub settings: String,
    pub max_users: Option<i32>,
    pub platform_ai: bool,
    /// E-mail domains a platform admin verified for this tenant, space-separated: the
    /// sign-in page sends people with such an address to this tenant's SSO.
    pub sso_domains: String,
    /// Members must sign in through SSO; the password path is closed to them.
    pub require_sso: bool,
    /// Raised with every change to the tenant's AI providers or chat settings (see
    /// `services::ai_config`).
    pub ai_config_version: i64,
    /// `active` or `suspended`.
    pub status: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
