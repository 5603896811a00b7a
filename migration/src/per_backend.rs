//! Plain SQL that differs between the two databases (triggers, say).

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

/// Runs `postgres` on PostgreSQL and `sqlite` on SQLite.
///
/// # Errors
/// Database errors.
pub async fn execute(m: &SchemaManager<'_>, sqlite: &str, postgres: &str) -> Result<(), DbErr> {
    let sql = match m.get_database_backend() {
        DbBackend::Postgres => postgres,
        _ => sqlite,
    };
    m.get_connection().execute_unprepared(sql).await.map(|_| ())
}
