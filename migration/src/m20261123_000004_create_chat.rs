//! AI chat: tenant providers (keys encrypted), chat settings, chats, messages and daily
//! usage. Every table is tenant-owned: `tenant_id NOT NULL`, keys and indexes lead with it,
//! and on PostgreSQL each gets the same forced row-level security as the tenancy tables.

use super::m20261122_000003_row_level_security::{disable_tenant_rls, enable_tenant_rls};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tenant-owned tables this migration creates.
pub const CHAT_TABLES: &[&str] = &[
    "ai_providers",
    "chat_settings",
    "chats",
    "chat_messages",
    "usage_daily",
];

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AiProviders {
    Table,
    TenantId,
    Id,
    Name,
    Kind,
    BaseUrl,
    ApiVersion,
    ApiKeySealed,
    ApiKeyHint,
    Models,
    ModelsRefreshedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ChatSettings {
    Table,
    TenantId,
    DefaultModel,
    Temperature,
    MaxTokens,
    SystemPrompt,
    MembersChooseModel,
    MembersTune,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Chats {
    Table,
    TenantId,
    Id,
    UserId,
    Title,
    Model,
    SystemPrompt,
    Pinned,
    DeletedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ChatMessages {
    Table,
    TenantId,
    Id,
    ChatId,
    Seq,
    Role,
    Content,
    Model,
    Status,
    ClientMessageId,
    PromptTokens,
    CompletionTokens,
    LatencyMs,
    ErrorCode,
    ErrorMessage,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum UsageDaily {
    Table,
    TenantId,
    Day,
    UserId,
    Model,
    Requests,
    Errors,
    PromptTokens,
    CompletionTokens,
    LatencyMsTotal,
}

/// `tenant_id` → `tenants.id`, deleted with the tenant. Later migrations reuse it.
pub(crate) fn tenant_fk<T: IntoIden + 'static>(name: &str, table: T) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from_tbl(table)
        .from_col(Alias::new("tenant_id"))
        .to(Tenants::Table, Tenants::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AiProviders::Table)
                .col(uuid(AiProviders::TenantId))
                .col(uuid(AiProviders::Id))
                .col(string_len(AiProviders::Name, 100))
                .col(string_len(AiProviders::Kind, 32))
                .col(text_null(AiProviders::BaseUrl))
                .col(string_len_null(AiProviders::ApiVersion, 32))
                .col(text_null(AiProviders::ApiKeySealed))
                .col(string_len_null(AiProviders::ApiKeyHint, 8))
                .col(text(AiProviders::Models).default("[]"))
                .col(timestamp_with_time_zone_null(
                    AiProviders::ModelsRefreshedAt,
                ))
                .col(timestamp_with_time_zone(AiProviders::CreatedAt))
                .col(timestamp_with_time_zone(AiProviders::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(AiProviders::TenantId)
                        .col(AiProviders::Id),
                )
                .foreign_key(&mut tenant_fk("ai_providers_tenant_fk", AiProviders::Table))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ai_providers_name_key")
                .table(AiProviders::Table)
                .col(AiProviders::TenantId)
                .col(AiProviders::Name)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ChatSettings::Table)
                .col(uuid(ChatSettings::TenantId).primary_key())
                .col(string_len_null(ChatSettings::DefaultModel, 300))
                .col(float_null(ChatSettings::Temperature))
                .col(integer_null(ChatSettings::MaxTokens))
                .col(text(ChatSettings::SystemPrompt).default(""))
                .col(boolean(ChatSettings::MembersChooseModel).default(true))
                .col(boolean(ChatSettings::MembersTune).default(false))
                .col(timestamp_with_time_zone(ChatSettings::UpdatedAt))
                .foreign_key(&mut tenant_fk(
                    "chat_settings_tenant_fk",
                    ChatSettings::Table,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Chats::Table)
                .col(uuid(Chats::TenantId))
                .col(uuid(Chats::Id))
                .col(uuid(Chats::UserId))
                .col(string_len(Chats::Title, 200))
                .col(string_len_null(Chats::Model, 300))
                .col(text_null(Chats::SystemPrompt))
                .col(boolean(Chats::Pinned).default(false))
                .col(timestamp_with_time_zone_null(Chats::DeletedAt))
                .col(timestamp_with_time_zone(Chats::CreatedAt))
                .col(timestamp_with_time_zone(Chats::UpdatedAt))
                .primary_key(Index::create().col(Chats::TenantId).col(Chats::Id))
                .foreign_key(&mut tenant_fk("chats_tenant_fk", Chats::Table))
                .to_owned(),
        )
        .await?;
        // The sidebar: one user's chats, most recently active first.
        m.create_index(
            Index::create()
                .name("chats_user_recent_idx")
                .table(Chats::Table)
                .col(Chats::TenantId)
                .col(Chats::UserId)
                .col(Chats::UpdatedAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ChatMessages::Table)
                .col(uuid(ChatMessages::TenantId))
                .col(uuid(ChatMessages::Id))
                .col(uuid(ChatMessages::ChatId))
                .col(big_integer(ChatMessages::Seq))
                .col(string_len(ChatMessages::Role, 16))
                .col(text(ChatMessages::Content))
                .col(string_len_null(ChatMessages::Model, 300))
                .col(string_len(ChatMessages::Status, 16))
                .col(string_len_null(ChatMessages::ClientMessageId, 64))
                .col(integer_null(ChatMessages::PromptTokens))
                .col(integer_null(ChatMessages::CompletionTokens))
                .col(integer_null(ChatMessages::LatencyMs))
                .col(string_len_null(ChatMessages::ErrorCode, 64))
                .col(text_null(ChatMessages::ErrorMessage))
                .col(timestamp_with_time_zone(ChatMessages::CreatedAt))
                .col(timestamp_with_time_zone(ChatMessages::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(ChatMessages::TenantId)
                        .col(ChatMessages::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("chat_messages_chat_fk")
                        .from(
                            ChatMessages::Table,
                            (ChatMessages::TenantId, ChatMessages::ChatId),
                        )
                        .to(Chats::Table, (Chats::TenantId, Chats::Id))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // A chat's messages in order; appending reads only the last entry (O(log n)).
        m.create_index(
            Index::create()
                .name("chat_messages_seq_key")
                .table(ChatMessages::Table)
                .col(ChatMessages::TenantId)
                .col(ChatMessages::ChatId)
                .col(ChatMessages::Seq)
                .unique()
                .to_owned(),
        )
        .await?;
        // Idempotent sends: one row per client message id in a chat.
        m.create_index(
            Index::create()
                .name("chat_messages_client_id_key")
                .table(ChatMessages::Table)
                .col(ChatMessages::TenantId)
                .col(ChatMessages::ChatId)
                .col(ChatMessages::ClientMessageId)
                .unique()
                .to_owned(),
        )
        .await?;
        // Answers still streaming: tiny, so the start-up sweep never scans all messages.
        m.get_connection()
            .execute_unprepared(
                "CREATE INDEX chat_messages_streaming_idx ON chat_messages (tenant_id, updated_at)
                  WHERE status = 'streaming'",
            )
            .await?;

        m.create_table(
            Table::create()
                .table(UsageDaily::Table)
                .col(uuid(UsageDaily::TenantId))
                .col(string_len(UsageDaily::Day, 10))
                .col(uuid(UsageDaily::UserId))
                .col(string_len(UsageDaily::Model, 300))
                .col(big_integer(UsageDaily::Requests).default(0))
                .col(big_integer(UsageDaily::Errors).default(0))
                .col(big_integer(UsageDaily::PromptTokens).default(0))
                .col(big_integer(UsageDaily::CompletionTokens).default(0))
                .col(big_integer(UsageDaily::LatencyMsTotal).default(0))
                .primary_key(
                    Index::create()
                        .col(UsageDaily::TenantId)
                        .col(UsageDaily::Day)
                        .col(UsageDaily::UserId)
                        .col(UsageDaily::Model),
                )
                .foreign_key(&mut tenant_fk("usage_daily_tenant_fk", UsageDaily::Table))
                .to_owned(),
        )
        .await?;

        for table in CHAT_TABLES {
            enable_tenant_rls(m, table).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in CHAT_TABLES {
            disable_tenant_rls(m, table).await?;
        }
        for table in CHAT_TABLES.iter().rev() {
            m.drop_table(Table::drop().table(Alias::new(*table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
