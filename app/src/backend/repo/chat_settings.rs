//! A tenant's chat settings row (absent until an admin saves them).

use super::{scope::TenantTx, tenants};
use crate::backend::entities::chat_setting;
use sea_orm::{
    sea_query::OnConflict, ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter,
};

pub use chat_setting::Model as ChatSettings;

/// # Errors
/// Database errors.
pub async fn get(tx: &TenantTx) -> Result<Option<ChatSettings>, DbErr> {
    chat_setting::Entity::find()
        .filter(chat_setting::Column::TenantId.eq(tx.tenant_id()))
        .one(tx.conn())
        .await
}

/// # Errors
/// Database errors.
pub async fn put(tx: &TenantTx, mut row: ChatSettings) -> Result<(), DbErr> {
    row.tenant_id = tx.tenant_id();
    row.updated_at = chrono::Utc::now();
    chat_setting::Entity::insert(row.into_active_model().reset_all())
        .on_conflict(
            OnConflict::column(chat_setting::Column::TenantId)
                .update_columns([
                    chat_setting::Column::DefaultModel,
                    chat_setting::Column::Temperature,
                    chat_setting::Column::MaxTokens,
                    chat_setting::Column::SystemPrompt,
                    chat_setting::Column::MembersChooseModel,
                    chat_setting::Column::MembersTune,
                    chat_setting::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(tx.conn())
        .await?;
    tenants::ai_config_changed(tx.conn(), tx.tenant_id()).await
}
