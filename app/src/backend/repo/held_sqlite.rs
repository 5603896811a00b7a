//! SQLite connections checked out of sqlx's pool once and lent by Parley, one statement at
//! a time.
//!
//! sqlx pings a pooled connection every time it goes back to its pool. For SQLite the ping
//! is a round trip to the connection's worker thread: two more thread wake-ups per
//! statement, and the connection is not free again until the ping is answered. It buys
//! nothing for a statement that ran to its end: no server can close a SQLite connection.
//! Only a statement whose caller went away halfway is followed by a ping here, so that the
//! connection is lent again only once its worker is done with it. Only single statements
//! run here, never a transaction, so a connection goes back to the shelf in the state it
//! was lent in.

use sea_orm::{
    sqlx::{pool::PoolConnection, Connection, Executor, Sqlite, SqliteConnection, SqlitePool},
    ConnAcquireErr, ConnectionTrait, DbBackend, DbErr, ExecResult, QueryResult, RuntimeErr,
    Statement,
};
use sea_query_binder::SqlxValues;
use std::{
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// As long as the pools' own acquire timeout.
const WAIT: Duration = Duration::from_secs(5);

/// Connections lent one statement at a time; clones share them.
#[derive(Clone)]
pub struct HeldSqlite(Arc<Shelf>);

struct Shelf {
    idle: Mutex<Vec<PoolConnection<Sqlite>>>,
    /// One permit per connection on the shelf: who holds one finds a connection there.
    free: Arc<Semaphore>,
    count: u32,
}

/// A lent connection; it goes back to the shelf when dropped.
struct Lent {
    conn: Option<PoolConnection<Sqlite>>,
    /// Its statement ran to the end (with or without an error).
    finished: bool,
    shelf: Arc<Shelf>,
    permit: Option<OwnedSemaphorePermit>,
}

impl Drop for Lent {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        let runtime = tokio::runtime::Handle::try_current();
        let (false, Ok(runtime)) = (self.finished, runtime) else {
            // Back on the shelf before the permit is released (with `self`).
            lock(&self.shelf.idle).push(conn);
            return;
        };
        // Given up halfway: the worker may still be running the statement. The connection
        // goes back once a ping, queued behind it, is answered, and its place stays taken
        // until then, so the next statement lent it (the next single write, on the writer)
        // never overlaps it, as when sqlx's pool pings it.
        let (shelf, permit) = (Arc::clone(&self.shelf), self.permit.take());
        runtime.spawn(async move {
            let _ = conn.ping().await;
            lock(&shelf.idle).push(conn);
            drop(permit);
        });
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Nothing panics while the lock is held; a poisoned shelf is still consistent.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl HeldSqlite {
    /// Checks `n` connections out of `pool`, for as long as this value (or a clone) lives.
    ///
    /// # Errors
    /// When the pool cannot open them.
    pub async fn take_from(pool: &SqlitePool, n: u32) -> Result<Self, DbErr> {
        let count = n.max(1);
        let mut idle = Vec::new();
        for _ in 0..count {
            idle.push(
                pool.acquire()
                    .await
                    .map_err(|e| DbErr::Conn(RuntimeErr::SqlxError(e)))?,
            );
        }
        Ok(Self(Arc::new(Shelf {
            free: Arc::new(Semaphore::new(idle.len())),
            idle: Mutex::new(idle),
            count,
        })))
    }

    async fn lend(&self) -> Result<Lent, DbErr> {
        let permit = tokio::time::timeout(WAIT, Arc::clone(&self.0.free).acquire_owned())
            .await
            .map_err(|_| DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))?
            .map_err(|_| DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed))?;
        let conn = lock(&self.0.idle)
            .pop()
            .ok_or(DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed))?;
        Ok(Lent {
            conn: Some(conn),
            finished: false,
            shelf: Arc::clone(&self.0),
            permit: Some(permit),
        })
    }

    /// Waits (at most as long as a statement waits for a connection) for the statements
    /// under way, then closes the connections; later statements fail.
    pub async fn close(&self) {
        let _all = tokio::time::timeout(WAIT, self.0.free.acquire_many(self.0.count)).await;
        self.0.free.close();
        let conns = std::mem::take(&mut *lock(&self.0.idle));
        for conn in conns {
            let _ = conn.close().await;
        }
    }
}

impl Lent {
    /// The connection; always there until the lease is dropped.
    fn conn(&mut self) -> Result<&mut SqliteConnection, DbErr> {
        self.conn
            .as_deref_mut()
            .ok_or(DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed))
    }
}

fn query(stmt: &Statement) -> sea_orm::sqlx::query::Query<'_, Sqlite, SqlxValues> {
    let values = stmt.values.clone().unwrap_or(sea_orm::Values(Vec::new()));
    sea_orm::sqlx::query_with(&stmt.sql, SqlxValues(values))
}

fn exec_err(e: sea_orm::sqlx::Error) -> DbErr {
    DbErr::Exec(RuntimeErr::SqlxError(e))
}

fn query_err(e: sea_orm::sqlx::Error) -> DbErr {
    DbErr::Query(RuntimeErr::SqlxError(e))
}

#[async_trait::async_trait]
impl ConnectionTrait for HeldSqlite {
    fn get_database_backend(&self) -> DbBackend {
        DbBackend::Sqlite
    }

    async fn execute(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        let mut lent = self.lend().await?;
        let result = query(&stmt).execute(lent.conn()?).await;
        lent.finished = true;
        result.map(Into::into).map_err(exec_err)
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        let mut lent = self.lend().await?;
        let result = lent.conn()?.execute(sql).await;
        lent.finished = true;
        result.map(Into::into).map_err(exec_err)
    }

    async fn query_one(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        let mut lent = self.lend().await?;
        let result = query(&stmt).fetch_optional(lent.conn()?).await;
        lent.finished = true;
        result.map(|row| row.map(Into::into)).map_err(query_err)
    }

    async fn query_all(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        let mut lent = self.lend().await?;
        let result = query(&stmt).fetch_all(lent.conn()?).await;
        lent.finished = true;
        result
            .map(|rows| rows.into_iter().map(Into::into).collect())
            .map_err(query_err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    use std::str::FromStr;

    async fn held(n: u32) -> (HeldSqlite, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let options = SqliteConnectOptions::from_str(&url)
            .unwrap()
            .create_if_missing(true)
            .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal);
        let pool = SqlitePoolOptions::new()
            .max_connections(n)
            .connect_with(options)
            .await
            .unwrap();
        (HeldSqlite::take_from(&pool, n).await.unwrap(), dir)
    }

    fn stmt(sql: &str, values: Vec<sea_orm::Value>) -> Statement {
        Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)
    }

    async fn count(db: &HeldSqlite) -> i64 {
        let row = db
            .query_one(stmt("SELECT count(*) AS n FROM t", vec![]))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }

    #[tokio::test]
    async fn statements_bind_values_and_report_constraint_errors() {
        let (db, _dir) = held(2).await;
        db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
            .await
            .unwrap();
        let insert =
            |id: i64, name: &str| stmt("INSERT INTO t VALUES (?, ?)", vec![id.into(), name.into()]);
        let done = db.execute(insert(1, "one")).await.unwrap();
        assert_eq!(done.rows_affected(), 1);
        db.execute(insert(2, "two")).await.unwrap();
        let err = db.execute(insert(1, "again")).await.unwrap_err();
        assert!(
            matches!(
                err.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ),
            "a duplicate key is reported as such: {err:?}"
        );
        let rows = db
            .query_all(stmt(
                "SELECT name FROM t WHERE id >= ? ORDER BY id",
                vec![1_i64.into()],
            ))
            .await
            .unwrap();
        let names: Vec<String> = rows
            .iter()
            .map(|r| r.try_get("", "name").unwrap())
            .collect();
        assert_eq!(names, ["one", "two"]);
        let none = db
            .query_one(stmt("SELECT name FROM t WHERE id = ?", vec![9_i64.into()]))
            .await
            .unwrap();
        assert!(none.is_none());
    }

    /// Every connection lent at once: the next statement waits for one to come back.
    #[tokio::test]
    async fn a_statement_waits_for_a_connection_to_come_back() {
        let (db, _dir) = held(1).await;
        db.execute_unprepared("CREATE TABLE t (id INTEGER)")
            .await
            .unwrap();
        let lent = db.lend().await.unwrap();
        let waiting = tokio::spawn({
            let db = db.clone();
            async move { count(&db).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "no connection is free");
        drop(lent);
        assert_eq!(waiting.await.unwrap(), 0);
    }

    #[tokio::test]
    async fn statements_fail_once_closed() {
        let (db, _dir) = held(2).await;
        db.execute_unprepared("CREATE TABLE t (id INTEGER)")
            .await
            .unwrap();
        db.close().await;
        let err = db.execute_unprepared("SELECT 1").await.unwrap_err();
        assert!(matches!(err, DbErr::ConnectionAcquire(_)), "{err:?}");
    }

    /// A caller that goes away mid-statement leaves the connection fit for the next one.
    #[tokio::test]
    async fn a_statement_given_up_halfway_does_not_disturb_the_next() {
        let (db, _dir) = held(1).await;
        db.execute_unprepared(
            "CREATE TABLE t (id INTEGER PRIMARY KEY);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
             INSERT INTO t SELECT i FROM n;",
        )
        .await
        .unwrap();
        for _ in 0..20 {
            let mut rows = Box::pin(db.query_all(stmt("SELECT id FROM t", vec![])));
            // Started, then dropped before its rows arrive.
            let _ = futures_util::poll!(rows.as_mut());
            drop(rows);
            assert_eq!(count(&db).await, 5000);
        }
    }
}
