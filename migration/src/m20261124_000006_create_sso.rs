//! Single sign-on: each tenant's OpenID Connect connections (client secret sealed), the
//! identities that signed in through them — keyed by (issuer, subject), never by e-mail —
//! and the single-use pre-auth records of sign-ins under way. All three are tenant-owned with
//! forced row-level security. Tenants gain the e-mail domains a platform admin verified for
//! them and the "members must use SSO" policy; sessions remember the connection that
//! created them, for the identity provider's logout.

use super::m20261122_000003_row_level_security::{disable_tenant_rls, enable_tenant_rls};
use super::m20261123_000004_create_chat::tenant_fk;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tenant-owned tables this migration creates, parents first.
pub const SSO_TABLES: &[&str] = &["sso_connections", "sso_identities", "sso_attempts"];

#[derive(DeriveIden)]
enum Tenants {
    Table,
    SsoDomains,
    RequireSso,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    SsoTenantId,
    SsoConnectionId,
}

#[derive(DeriveIden)]
enum SsoConnections {
    Table,
    TenantId,
    Id,
    Name,
    Kind,
    DirectoryId,
    Issuer,
    ClientId,
    ClientSecretSealed,
    ClientSecretHint,
    Scopes,
    RoleClaim,
    RoleMappings,
    Jit,
    DefaultRole,
    Enabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SsoIdentities {
    Table,
    TenantId,
    Id,
    ConnectionId,
    UserId,
    Issuer,
    Subject,
    Email,
    CreatedAt,
    LastSignInAt,
}

#[derive(DeriveIden)]
enum SsoAttempts {
    Table,
    TenantId,
    Id,
    ConnectionId,
    StateHash,
    BrowserHash,
    Nonce,
    PkceVerifier,
    LinkUserId,
    ReturnTo,
    CreatedAt,
    ExpiresAt,
}

fn connection_fk<T: IntoIden + 'static>(name: &str, table: T) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(
            table,
            (Alias::new("tenant_id"), Alias::new("connection_id")),
        )
        .to(
            SsoConnections::Table,
            (SsoConnections::TenantId, SsoConnections::Id),
        )
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SsoConnections::Table)
                .col(uuid(SsoConnections::TenantId))
                .col(uuid(SsoConnections::Id))
                .col(string_len(SsoConnections::Name, 100))
                .col(string_len(SsoConnections::Kind, 16))
                .col(string_len_null(SsoConnections::DirectoryId, 64))
                .col(text(SsoConnections::Issuer))
                .col(string_len(SsoConnections::ClientId, 300))
                .col(text_null(SsoConnections::ClientSecretSealed))
                .col(string_len_null(SsoConnections::ClientSecretHint, 8))
                .col(string_len(SsoConnections::Scopes, 300))
                .col(string_len(SsoConnections::RoleClaim, 100))
                .col(text(SsoConnections::RoleMappings).default("[]"))
                .col(boolean(SsoConnections::Jit).default(false))
                .col(string_len_null(SsoConnections::DefaultRole, 16))
                .col(boolean(SsoConnections::Enabled).default(true))
                .col(timestamp_with_time_zone(SsoConnections::CreatedAt))
                .col(timestamp_with_time_zone(SsoConnections::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(SsoConnections::TenantId)
                        .col(SsoConnections::Id),
                )
                .foreign_key(&mut tenant_fk(
                    "sso_connections_tenant_fk",
                    SsoConnections::Table,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sso_connections_name_key")
                .table(SsoConnections::Table)
                .col(SsoConnections::TenantId)
                .col(SsoConnections::Name)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SsoIdentities::Table)
                .col(uuid(SsoIdentities::TenantId))
                .col(uuid(SsoIdentities::Id))
                .col(uuid(SsoIdentities::ConnectionId))
                .col(uuid(SsoIdentities::UserId))
                .col(text(SsoIdentities::Issuer))
                .col(string_len(SsoIdentities::Subject, 300))
                .col(string_len_null(SsoIdentities::Email, 320))
                .col(timestamp_with_time_zone(SsoIdentities::CreatedAt))
                .col(timestamp_with_time_zone(SsoIdentities::LastSignInAt))
                .primary_key(
                    Index::create()
                        .col(SsoIdentities::TenantId)
                        .col(SsoIdentities::Id),
                )
                .foreign_key(&mut connection_fk(
                    "sso_identities_connection_fk",
                    SsoIdentities::Table,
                ))
                .foreign_key(
                    ForeignKey::create()
                        .name("sso_identities_user_fk")
                        .from(SsoIdentities::Table, SsoIdentities::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // One Parley user per identity in a tenant; found by the token's (issuer, subject).
        m.create_index(
            Index::create()
                .name("sso_identities_subject_key")
                .table(SsoIdentities::Table)
                .col(SsoIdentities::TenantId)
                .col(SsoIdentities::Issuer)
                .col(SsoIdentities::Subject)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sso_identities_user_idx")
                .table(SsoIdentities::Table)
                .col(SsoIdentities::TenantId)
                .col(SsoIdentities::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SsoAttempts::Table)
                .col(uuid(SsoAttempts::TenantId))
                .col(uuid(SsoAttempts::Id))
                .col(uuid(SsoAttempts::ConnectionId))
                .col(string_len(SsoAttempts::StateHash, 64))
                .col(string_len(SsoAttempts::BrowserHash, 64))
                .col(string_len(SsoAttempts::Nonce, 128))
                .col(string_len(SsoAttempts::PkceVerifier, 128))
                .col(uuid_null(SsoAttempts::LinkUserId))
                .col(string_len_null(SsoAttempts::ReturnTo, 500))
                .col(timestamp_with_time_zone(SsoAttempts::CreatedAt))
                .col(timestamp_with_time_zone(SsoAttempts::ExpiresAt))
                .primary_key(
                    Index::create()
                        .col(SsoAttempts::TenantId)
                        .col(SsoAttempts::Id),
                )
                .foreign_key(&mut connection_fk(
                    "sso_attempts_connection_fk",
                    SsoAttempts::Table,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sso_attempts_state_key")
                .table(SsoAttempts::Table)
                .col(SsoAttempts::TenantId)
                .col(SsoAttempts::StateHash)
                .unique()
                .to_owned(),
        )
        .await?;

        m.alter_table(
            Table::alter()
                .table(Tenants::Table)
                .add_column(text(Tenants::SsoDomains).default(""))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Tenants::Table)
                .add_column(boolean(Tenants::RequireSso).default(false))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Sessions::Table)
                .add_column(uuid_null(Sessions::SsoTenantId))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Sessions::Table)
                .add_column(uuid_null(Sessions::SsoConnectionId))
                .to_owned(),
        )
        .await?;

        for table in SSO_TABLES {
            enable_tenant_rls(m, table).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in SSO_TABLES {
            disable_tenant_rls(m, table).await?;
        }
        for table in SSO_TABLES.iter().rev() {
            m.drop_table(Table::drop().table(Alias::new(*table)).to_owned())
                .await?;
        }
        // Plain SQL: both databases drop a column this way (one column per statement).
        let db = m.get_connection();
        for sql in [
            "ALTER TABLE sessions DROP COLUMN sso_connection_id",
            "ALTER TABLE sessions DROP COLUMN sso_tenant_id",
            "ALTER TABLE tenants DROP COLUMN require_sso",
            "ALTER TABLE tenants DROP COLUMN sso_domains",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
