//! A counter on each tenant, raised in the same transaction as any change to its AI
//! providers or chat settings. Every request already reads the tenant row, so an instance
//! can keep the AI configuration in memory and know from the counter when it is stale,
//! also when another instance made the change.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenants {
    Table,
    AiConfigVersion,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Tenants::Table)
                    .add_column(
                        ColumnDef::new(Tenants::AiConfigVersion)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Plain SQL: both databases drop a column this way.
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE tenants DROP COLUMN ai_config_version")
            .await
            .map(|_| ())
    }
}
