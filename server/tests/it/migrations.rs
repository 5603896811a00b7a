//! Every migration runs up, down and up again, on SQLite and PostgreSQL.

use crate::support::{on_both_databases, TestApp};
use app::backend::services::migrations;
use migration::{Migrator, MigratorTrait};

async fn up_down_up(app: TestApp) {
    let all = Migrator::migrations().len();
    let applied = |s: &[migrations::MigrationState]| s.iter().filter(|m| m.applied).count();

    let owner = app.owner().await;
    let status = migrations::status(&owner).await.unwrap();
    assert_eq!(applied(&status), all, "fresh app is fully migrated");

    migrations::down(&owner, None).await.unwrap();
    let status = migrations::status(&owner).await.unwrap();
    assert_eq!(applied(&status), 0, "everything rolled back");
    assert_eq!(status.len(), all);
    // With the schema gone the status page reports it rather than failing.
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, http::StatusCode::OK);

    migrations::up(&owner).await.unwrap();
    let status = migrations::status(&owner).await.unwrap();
    assert_eq!(applied(&status), all, "re-applied after a full rollback");

    // Up again is a no-op, not an error.
    migrations::up(&owner).await.unwrap();
}

on_both_databases! {
    migrations_up_down_up => up_down_up;
}
