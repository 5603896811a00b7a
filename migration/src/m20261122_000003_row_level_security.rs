//! PostgreSQL row-level security: the second wall behind the tenant-scoped repositories.
//!
//! The application connects as `parley_app` (owns no table, not superuser, no BYPASSRLS).
//! Every table with a `tenant_id` column gets `ENABLE` + `FORCE ROW LEVEL SECURITY` and a
//! policy that only lets through rows of the tenant set for the current transaction with
//! `set_config('app.tenant_id', …, true)`. Platform work (audited `SystemCtx`) sets
//! `app.system`; a user listing their own memberships sets `app.user_id`.
//! SQLite has no RLS: there the repositories' tenant filter is the only wall.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tenant-owned tables of the tenancy migration.
pub const TENANCY_TABLES: &[&str] = &["memberships", "invitations", "audit_events"];

pub const APP_ROLE: &str = "parley_app";

const TENANT_MATCH: &str = "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid \
     OR current_setting('app.system', true) = 'on'";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        // Roles belong to the cluster, not the database: create it once.
        db.execute_unprepared(&format!(
            "DO $$ BEGIN
               IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                 CREATE ROLE {APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
               END IF;
             END $$;"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "GRANT USAGE ON SCHEMA public TO {APP_ROLE};
             GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE};
             ALTER DEFAULT PRIVILEGES IN SCHEMA public
               GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE};"
        ))
        .await?;
        for table in TENANCY_TABLES {
            enable_tenant_rls(m, table).await?;
        }
        // A signed-in user may list their own memberships across tenants (the picker).
        db.execute_unprepared(
            "CREATE POLICY own_memberships ON memberships FOR SELECT
               USING (user_id = NULLIF(current_setting('app.user_id', true), '')::uuid);",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        db.execute_unprepared("DROP POLICY IF EXISTS own_memberships ON memberships;")
            .await?;
        for table in TENANCY_TABLES {
            disable_tenant_rls(m, table).await?;
        }
        db.execute_unprepared(&format!(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public
               REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM {APP_ROLE};
             REVOKE SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public FROM {APP_ROLE};
             REVOKE USAGE ON SCHEMA public FROM {APP_ROLE};"
        ))
        .await?;
        Ok(())
    }
}

/// Forces row-level security on a tenant-owned table (PostgreSQL; SQLite has none).
///
/// # Errors
/// Database errors.
pub async fn enable_tenant_rls(m: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    if m.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    m.get_connection()
        .execute_unprepared(&format!(
            "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
             ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
             CREATE POLICY tenant_isolation ON {table}
               USING ({TENANT_MATCH}) WITH CHECK ({TENANT_MATCH});"
        ))
        .await?;
    Ok(())
}

/// Undoes `enable_tenant_rls`.
///
/// # Errors
/// Database errors.
pub async fn disable_tenant_rls(m: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    if m.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    m.get_connection()
        .execute_unprepared(&format!(
            "DROP POLICY IF EXISTS tenant_isolation ON {table};
             ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;
             ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;"
        ))
        .await?;
    Ok(())
}
