//! PostgreSQL row-level security, the second wall: checked as the application role, the
//! way Parley connects.

use crate::support::TestApp;
use app::backend::db;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait};

async fn count(conn: &impl ConnectionTrait, sql: &str) -> i64 {
    let row = conn
        .query_one(Statement::from_string(conn.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index(0).unwrap()
}

async fn two_tenants() -> (TestApp, String, String) {
    let app = TestApp::postgres().await;
    let a = app.user("a@rls.example").await;
    let b = app.user("b@rls.example").await;
    app.tenant(&a, "rls-a").await;
    app.tenant(&b, "rls-b").await;
    let owner = app.owner().await;
    let id = |slug: &'static str| {
        let owner = owner.clone();
        async move {
            let row = owner
                .query_one(Statement::from_string(
                    owner.get_database_backend(),
                    format!("SELECT id::text FROM tenants WHERE slug = '{slug}'"),
                ))
                .await
                .unwrap()
                .unwrap();
            row.try_get_by_index::<String>(0).unwrap()
        }
    };
    let (ida, idb) = (id("rls-a").await, id("rls-b").await);
    (app, ida, idb)
}

/// A pool of exactly one connection as the application role.
async fn app_role_pool(app: &TestApp) -> DatabaseConnection {
    db::connect(&app.database_url, 1).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_table_with_tenant_id_has_forced_rls() {
    let app = TestApp::postgres().await;
    let owner = app.owner().await;
    let rows = owner
        .query_all(Statement::from_string(
            owner.get_database_backend(),
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
              WHERE n.nspname = 'public' AND c.relkind = 'r'",
        ))
        .await
        .unwrap();
    assert!(rows.len() >= 3, "tenant-owned tables found: {}", rows.len());
    for row in rows {
        let table: String = row.try_get_by_index(0).unwrap();
        let enabled: bool = row.try_get_by_index(1).unwrap();
        let forced: bool = row.try_get_by_index(2).unwrap();
        assert!(enabled && forced, "{table} lacks forced row-level security");
        assert!(
            migration::TENANT_TABLES.contains(&table.as_str()),
            "{table} missing from TENANT_TABLES"
        );
    }
    // The application role owns nothing and cannot bypass RLS.
    let role = count(
        &owner,
        "SELECT COUNT(*) FROM pg_roles WHERE rolname = 'parley_app' AND NOT rolsuper AND NOT rolbypassrls",
    )
    .await;
    assert_eq!(role, 1);
    let owned = count(
        &owner,
        "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = 'parley_app'",
    )
    .await;
    assert_eq!(owned, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_tenant_the_app_role_sees_no_memberships() {
    let (app, _, _) = two_tenants().await;
    assert_eq!(
        count(&app.owner().await, "SELECT COUNT(*) FROM memberships").await,
        2
    );
    let pool = app_role_pool(&app).await;
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM memberships").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pooled_connection_does_not_keep_the_tenant() {
    let (app, tenant_a, _) = two_tenants().await;
    let pool = app_role_pool(&app).await;
    let tx = pool.begin().await.unwrap();
    tx.execute_unprepared(&format!(
        "SELECT set_config('app.tenant_id', '{tenant_a}', true)"
    ))
    .await
    .unwrap();
    assert_eq!(
        count(&tx, "SELECT COUNT(*) FROM memberships").await,
        1,
        "scoped to A"
    );
    tx.commit().await.unwrap();
    // Same single connection, next use, no tenant set: nothing.
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM memberships").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inserting_into_another_tenant_is_refused() {
    let (app, tenant_a, tenant_b) = two_tenants().await;
    let pool = app_role_pool(&app).await;
    let tx = pool.begin().await.unwrap();
    tx.execute_unprepared(&format!(
        "SELECT set_config('app.tenant_id', '{tenant_a}', true)"
    ))
    .await
    .unwrap();
    let err = tx
        .execute_unprepared(&format!(
            "INSERT INTO audit_events (tenant_id, id, action, created_at) VALUES ('{tenant_b}', gen_random_uuid(), 'x', now())"
        ))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("row-level security"), "{err}");
    tx.rollback().await.unwrap();
    let in_b = count(
        &app.owner().await,
        &format!(
            "SELECT COUNT(*) FROM audit_events WHERE tenant_id = '{tenant_b}' AND action = 'x'"
        ),
    )
    .await;
    assert_eq!(in_b, 0);
}
