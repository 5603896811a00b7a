//! Opening the database. SQLite (the default) runs in WAL mode with a busy timeout and
//! foreign keys on, set per connection; PostgreSQL pools test connections before use so
//! the pool recovers by itself after a server restart.

use super::repo::held_sqlite::HeldSqlite;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

impl DbKind {
    /// The kind a URL names, or `None` for a scheme Parley does not support.
    pub fn from_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }
}

/// Opens the application pool. On PostgreSQL its connections act as the `parley_app` role
/// (owns no table, no BYPASSRLS), so row-level security applies to every query. For a
/// SQLite file, the file (not its directory) is created when missing.
///
/// # Errors
/// When the URL is not supported or the database cannot be reached.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    open(url, max_connections, true).await
}

/// The connection the application writes through, beside `pool` (from [`connect`]). On a
/// SQLite file, a pool of its own with one connection: SQLite admits one writer at a time
/// anyway (the write gate queues them), and a connection keeps its page cache only while
/// no other connection writes, so the writes find the pages they touch in memory instead of
/// reading each again from the file. Otherwise `pool` itself.
///
/// # Errors
/// When the database cannot be reached.
pub async fn connect_writer(
    url: &str,
    pool: &DatabaseConnection,
) -> Result<DatabaseConnection, DbErr> {
    match DbKind::from_url(url) {
        Some(DbKind::Sqlite) if !in_memory(url) => open(url, 1, true).await,
        _ => Ok(pool.clone()),
    }
}

/// Connections of a SQLite file for single statements, checked out of sqlx's pools for
/// good (`repo::held_sqlite`): `readers` for reads, and one for writes beside the writer's
/// pool (which keeps transactions). `None` for PostgreSQL, whose pools test a connection
/// before use anyway, and for in-memory SQLite, whose one connection must stay in its pool.
///
/// # Errors
/// When the database cannot be reached.
pub async fn connect_held(url: &str, readers: u32) -> Result<Option<HeldStatements>, DbErr> {
    match DbKind::from_url(url) {
        Some(DbKind::Sqlite) if !in_memory(url) => {
            let reads = open(url, readers, true).await?;
            let write = open(url, 1, true).await?;
            Ok(Some(HeldStatements {
                reads: HeldSqlite::take_from(reads.get_sqlite_connection_pool(), readers).await?,
                write: HeldSqlite::take_from(write.get_sqlite_connection_pool(), 1).await?,
            }))
        }
        _ => Ok(None),
    }
}

/// See [`connect_held`].
#[derive(Clone)]
pub struct HeldStatements {
    pub reads: HeldSqlite,
    pub write: HeldSqlite,
}

/// An in-memory SQLite database exists once per connection: it must keep exactly one.
fn in_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

/// Opens a one-connection pool as the URL's own user (the schema owner): for migrations.
///
/// # Errors
/// When the URL is not supported or the database cannot be reached.
pub async fn connect_owner(url: &str) -> Result<DatabaseConnection, DbErr> {
    open(url, 1, false).await
}

async fn open(url: &str, max_connections: u32, as_app: bool) -> Result<DatabaseConnection, DbErr> {
    let kind = DbKind::from_url(url)
        .ok_or_else(|| DbErr::Custom("unsupported database URL scheme".into()))?;
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .idle_timeout(Duration::from_secs(300));
    match kind {
        DbKind::Sqlite => {
            opts.max_connections(if in_memory(url) { 1 } else { max_connections })
                .min_connections(1)
                .test_before_acquire(false)
                .map_sqlx_sqlite_opts(|o| {
                    o.create_if_missing(true)
                        .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                        .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                        .busy_timeout(Duration::from_secs(5))
                        .foreign_keys(true)
                });
        }
        DbKind::Postgres => {
            // A pooled connection may have been closed by a PostgreSQL restart: checking it
            // first lets the pool recover by itself. A SQLite file cannot go away like that,
            // and the check would cost a round trip to its worker thread per statement.
            opts.max_connections(max_connections)
                .min_connections(0)
                .test_before_acquire(true);
            if as_app {
                opts.map_sqlx_postgres_opts(|o| o.options([("role", migration::APP_ROLE)]));
            }
        }
    }
    Database::connect(opts).await
}

/// Runs a trivial query and returns its round-trip time.
///
/// # Errors
/// When the database does not answer.
pub async fn ping(db: &DatabaseConnection) -> Result<Duration, DbErr> {
    let started = Instant::now();
    db.execute_unprepared("SELECT 1").await?;
    Ok(started.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_supported_schemes_only() {
        assert_eq!(
            DbKind::from_url("sqlite://data/parley.db"),
            Some(DbKind::Sqlite)
        );
        assert_eq!(DbKind::from_url("sqlite::memory:"), Some(DbKind::Sqlite));
        assert_eq!(
            DbKind::from_url("postgres://u@h/db"),
            Some(DbKind::Postgres)
        );
        assert_eq!(
            DbKind::from_url("postgresql://u@h/db"),
            Some(DbKind::Postgres)
        );
        assert_eq!(DbKind::from_url("mysql://u@h/db"), None);
    }
}
