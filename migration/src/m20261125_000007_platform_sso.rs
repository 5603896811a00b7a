//! Platform single sign-on, configured by the operator rather than a tenant: the identities
//! that signed in to the platform itself — keyed by (issuer, subject), never by e-mail — and
//! the single-use pre-auth records of platform sign-ins under way. Neither belongs to a
//! tenant, so neither has `tenant_id` or row-level security (like `users` and `sessions`).
//! Sessions remember that the platform connection created them, for the IdP's logout.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    SsoPlatform,
}

#[derive(DeriveIden)]
enum PlatformSsoIdentities {
    Table,
    Id,
    UserId,
    Issuer,
    Subject,
    Email,
    CreatedAt,
    LastSignInAt,
}

#[derive(DeriveIden)]
enum PlatformSsoAttempts {
    Table,
    Id,
    StateHash,
    BrowserHash,
    Nonce,
    PkceVerifier,
    LinkUserId,
    CreatedAt,
    ExpiresAt,
}

fn user_fk<T: IntoIden + 'static, C: IntoIden + 'static>(
    name: &str,
    table: T,
    column: C,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PlatformSsoIdentities::Table)
                .col(uuid(PlatformSsoIdentities::Id).primary_key())
                .col(uuid(PlatformSsoIdentities::UserId))
                .col(text(PlatformSsoIdentities::Issuer))
                .col(string_len(PlatformSsoIdentities::Subject, 300))
                .col(string_len_null(PlatformSsoIdentities::Email, 320))
                .col(timestamp_with_time_zone(PlatformSsoIdentities::CreatedAt))
                .col(timestamp_with_time_zone(
                    PlatformSsoIdentities::LastSignInAt,
                ))
                .foreign_key(&mut user_fk(
                    "platform_sso_identities_user_fk",
                    PlatformSsoIdentities::Table,
                    PlatformSsoIdentities::UserId,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("platform_sso_identities_subject_key")
                .table(PlatformSsoIdentities::Table)
                .col(PlatformSsoIdentities::Issuer)
                .col(PlatformSsoIdentities::Subject)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("platform_sso_identities_user_idx")
                .table(PlatformSsoIdentities::Table)
                .col(PlatformSsoIdentities::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PlatformSsoAttempts::Table)
                .col(uuid(PlatformSsoAttempts::Id).primary_key())
                .col(string_len(PlatformSsoAttempts::StateHash, 64))
                .col(string_len(PlatformSsoAttempts::BrowserHash, 64))
                .col(string_len(PlatformSsoAttempts::Nonce, 128))
                .col(string_len(PlatformSsoAttempts::PkceVerifier, 128))
                .col(uuid_null(PlatformSsoAttempts::LinkUserId))
                .col(timestamp_with_time_zone(PlatformSsoAttempts::CreatedAt))
                .col(timestamp_with_time_zone(PlatformSsoAttempts::ExpiresAt))
                .foreign_key(&mut user_fk(
                    "platform_sso_attempts_link_user_fk",
                    PlatformSsoAttempts::Table,
                    PlatformSsoAttempts::LinkUserId,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("platform_sso_attempts_state_key")
                .table(PlatformSsoAttempts::Table)
                .col(PlatformSsoAttempts::StateHash)
                .unique()
                .to_owned(),
        )
        .await?;

        m.alter_table(
            Table::alter()
                .table(Sessions::Table)
                .add_column(boolean(Sessions::SsoPlatform).default(false))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PlatformSsoAttempts::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(PlatformSsoIdentities::Table).to_owned())
            .await?;
        // Plain SQL: both databases drop a column this way.
        m.get_connection()
            .execute_unprepared("ALTER TABLE sessions DROP COLUMN sso_platform")
            .await
            .map(|_| ())
    }
}
