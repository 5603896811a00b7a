//! Whether a super-admin offers the platform's own AI provider to a tenant. A column of its
//! own, not a key in `tenants.settings`, because tenant admins may edit their settings.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenants {
    Table,
    PlatformAi,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Tenants::Table)
                    .add_column(
                        ColumnDef::new(Tenants::PlatformAi)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Plain SQL: both databases drop a column this way.
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE tenants DROP COLUMN platform_ai")
            .await
            .map(|_| ())
    }
}
