//! A tenant's chat defaults and member policy; one row per tenant, absent = defaults.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "chat_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    pub default_model: Option<String>,
    pub temperature: Option<f32>,
    pub max_tokens: Option<i32>,
    pub system_prompt: String,
    pub members_choose_model: bool,
    pub members_tune: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
