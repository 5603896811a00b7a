//! Tenants, memberships, invitations, audit events; sessions, API tokens, platform
//! settings and sign-in throttling. Tenant-owned tables carry `tenant_id NOT NULL` and every
//! key and index on them leads with it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    LastTenantId,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
    Slug,
    Name,
    Branding,
    Settings,
    MaxUsers,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Memberships {
    Table,
    TenantId,
    UserId,
    Role,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Invitations {
    Table,
    TenantId,
    Id,
    TokenHash,
    Role,
    Email,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    AcceptedAt,
    AcceptedBy,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    TenantId,
    Id,
    ActorUserId,
    Action,
    Target,
    Ip,
    Details,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PlatformAuditEvents {
    Table,
    Id,
    ActorUserId,
    Action,
    Target,
    Ip,
    Details,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    TokenHash,
    UserId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    Ip,
    UserAgent,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    RestrictedToTenantId,
    Name,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum PlatformSettings {
    Table,
    Key,
    Value,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuthThrottle {
    Table,
    Key,
    Failures,
    LastFailureAt,
    BlockedUntil,
}

fn fk<A, B, C, D>(name: &str, from: (A, B), to: (C, D)) -> ForeignKeyCreateStatement
where
    A: IntoIden + 'static,
    B: IntoIden + 'static,
    C: IntoIden + 'static,
    D: IntoIden + 'static,
{
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Tenants::Table)
                .col(uuid(Tenants::Id).primary_key())
                .col(string_len(Tenants::Slug, 63))
                .col(string_len(Tenants::Name, 200))
                .col(text(Tenants::Branding).default("{}"))
                .col(text(Tenants::Settings).default("{}"))
                .col(integer_null(Tenants::MaxUsers))
                .col(string_len(Tenants::Status, 16).default("active"))
                .col(timestamp_with_time_zone(Tenants::CreatedAt))
                .col(timestamp_with_time_zone(Tenants::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("tenants_slug_key")
                .table(Tenants::Table)
                .col(Tenants::Slug)
                .unique()
                .to_owned(),
        )
        .await?;

        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(uuid_null(Users::LastTenantId))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Memberships::Table)
                .col(uuid(Memberships::TenantId))
                .col(uuid(Memberships::UserId))
                .col(string_len(Memberships::Role, 16))
                .col(timestamp_with_time_zone(Memberships::CreatedAt))
                .col(timestamp_with_time_zone(Memberships::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(Memberships::TenantId)
                        .col(Memberships::UserId),
                )
                .foreign_key(&mut fk(
                    "memberships_tenant_fk",
                    (Memberships::Table, Memberships::TenantId),
                    (Tenants::Table, Tenants::Id),
                ))
                .foreign_key(&mut fk(
                    "memberships_user_fk",
                    (Memberships::Table, Memberships::UserId),
                    (Users::Table, Users::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("memberships_user_idx")
                .table(Memberships::Table)
                .col(Memberships::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Invitations::Table)
                .col(uuid(Invitations::TenantId))
                .col(uuid(Invitations::Id))
                .col(string_len(Invitations::TokenHash, 64))
                .col(string_len(Invitations::Role, 16))
                .col(string_len_null(Invitations::Email, 254))
                .col(uuid(Invitations::CreatedBy))
                .col(timestamp_with_time_zone(Invitations::CreatedAt))
                .col(timestamp_with_time_zone(Invitations::ExpiresAt))
                .col(timestamp_with_time_zone_null(Invitations::AcceptedAt))
                .col(uuid_null(Invitations::AcceptedBy))
                .primary_key(
                    Index::create()
                        .col(Invitations::TenantId)
                        .col(Invitations::Id),
                )
                .foreign_key(&mut fk(
                    "invitations_tenant_fk",
                    (Invitations::Table, Invitations::TenantId),
                    (Tenants::Table, Tenants::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("invitations_token_key")
                .table(Invitations::Table)
                .col(Invitations::TenantId)
                .col(Invitations::TokenHash)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditEvents::Table)
                .col(uuid(AuditEvents::TenantId))
                .col(uuid(AuditEvents::Id))
                .col(uuid_null(AuditEvents::ActorUserId))
                .col(string_len(AuditEvents::Action, 64))
                .col(string_len(AuditEvents::Target, 300).default(""))
                .col(string_len(AuditEvents::Ip, 64).default(""))
                .col(text(AuditEvents::Details).default("{}"))
                .col(timestamp_with_time_zone(AuditEvents::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(AuditEvents::TenantId)
                        .col(AuditEvents::Id),
                )
                .foreign_key(&mut fk(
                    "audit_events_tenant_fk",
                    (AuditEvents::Table, AuditEvents::TenantId),
                    (Tenants::Table, Tenants::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("audit_events_tenant_time_idx")
                .table(AuditEvents::Table)
                .col(AuditEvents::TenantId)
                .col(AuditEvents::CreatedAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PlatformAuditEvents::Table)
                .col(uuid(PlatformAuditEvents::Id).primary_key())
                .col(uuid_null(PlatformAuditEvents::ActorUserId))
                .col(string_len(PlatformAuditEvents::Action, 64))
                .col(string_len(PlatformAuditEvents::Target, 300).default(""))
                .col(string_len(PlatformAuditEvents::Ip, 64).default(""))
                .col(text(PlatformAuditEvents::Details).default("{}"))
                .col(timestamp_with_time_zone(PlatformAuditEvents::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("platform_audit_events_time_idx")
                .table(PlatformAuditEvents::Table)
                .col(PlatformAuditEvents::CreatedAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(uuid(Sessions::Id).primary_key())
                .col(string_len(Sessions::TokenHash, 64))
                .col(uuid(Sessions::UserId))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .col(string_len(Sessions::Ip, 64).default(""))
                .col(string_len(Sessions::UserAgent, 300).default(""))
                .foreign_key(&mut fk(
                    "sessions_user_fk",
                    (Sessions::Table, Sessions::UserId),
                    (Users::Table, Users::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sessions_token_key")
                .table(Sessions::Table)
                .col(Sessions::TokenHash)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sessions_user_idx")
                .table(Sessions::Table)
                .col(Sessions::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ApiTokens::Table)
                .col(uuid(ApiTokens::Id).primary_key())
                .col(uuid(ApiTokens::UserId))
                // A restriction chosen by the owner, not ownership by a tenant.
                .col(uuid_null(ApiTokens::RestrictedToTenantId))
                .col(string_len(ApiTokens::Name, 100))
                .col(string_len(ApiTokens::TokenHash, 64))
                .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                .foreign_key(&mut fk(
                    "api_tokens_user_fk",
                    (ApiTokens::Table, ApiTokens::UserId),
                    (Users::Table, Users::Id),
                ))
                .foreign_key(&mut fk(
                    "api_tokens_tenant_fk",
                    (ApiTokens::Table, ApiTokens::RestrictedToTenantId),
                    (Tenants::Table, Tenants::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("api_tokens_token_key")
                .table(ApiTokens::Table)
                .col(ApiTokens::TokenHash)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("api_tokens_user_idx")
                .table(ApiTokens::Table)
                .col(ApiTokens::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PlatformSettings::Table)
                .col(string_len(PlatformSettings::Key, 64).primary_key())
                .col(text(PlatformSettings::Value))
                .col(timestamp_with_time_zone(PlatformSettings::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuthThrottle::Table)
                .col(string_len(AuthThrottle::Key, 300).primary_key())
                .col(integer(AuthThrottle::Failures).default(0))
                .col(timestamp_with_time_zone(AuthThrottle::LastFailureAt))
                .col(timestamp_with_time_zone_null(AuthThrottle::BlockedUntil))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuthThrottle::Table.into_iden(),
            PlatformSettings::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
            PlatformAuditEvents::Table.into_iden(),
            AuditEvents::Table.into_iden(),
            Invitations::Table.into_iden(),
            Memberships::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .drop_column(Users::LastTenantId)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(Tenants::Table).to_owned())
            .await
    }
}
