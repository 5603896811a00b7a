//! Transactions that carry their scope. On PostgreSQL the scope is also set for row-level
//! security with `set_config(…, true)`: local to the transaction, so a pooled connection
//! never carries one request's tenant into the next.
//!
//! On SQLite every transaction takes the write lock when it starts. A deferred transaction
//! that reads and then writes fails at once with "database is locked" when another writer
//! got in between (the busy timeout does not apply to such an upgrade); taking the lock
//! first makes concurrent writers wait their turn instead, queued by the
//! [`WriteGate`](super::write_gate::WriteGate).

use super::{
    held_sqlite::HeldSqlite,
    write_gate::{Lane, WritePermit},
};
use crate::backend::state::AppState;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, Statement, TransactionTrait,
};
use uuid::Uuid;

async fn set_local(tx: &DatabaseTransaction, name: &str, value: &str) -> Result<(), DbErr> {
    match tx.get_database_backend() {
        DbBackend::Postgres => {
            tx.execute(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT set_config($1, $2, true)",
                [name.into(), value.into()],
            ))
            .await?;
        }
        DbBackend::Sqlite => take_write_lock(tx).await?,
        _ => {}
    }
    Ok(())
}

/// A write that changes nothing, so the transaction holds SQLite's write lock from here.
async fn take_write_lock(tx: &DatabaseTransaction) -> Result<(), DbErr> {
    tx.execute_unprepared("UPDATE users SET id = id WHERE 0")
        .await?;
    Ok(())
}

/// Begins a transaction once it is this writer's turn in `lane`.
async fn open(state: &AppState, lane: Lane) -> Result<(DatabaseTransaction, WritePermit), DbErr> {
    let turn = state.write_gate().enter(lane).await?;
    Ok((state.writer().begin().await?, turn))
}

/// A transaction in one tenant; on SQLite, from `read`, `write_one_background` or
/// `read_then_write_one`, statements on the pool that write at most once.
pub struct TenantTx {
    conn: ScopeConn,
    tenant_id: Uuid,
    turn: Option<WritePermit>,
}

impl TenantTx {
    pub(in crate::backend) async fn begin(
        state: &AppState,
        tenant_id: Uuid,
    ) -> Result<Self, DbErr> {
        let (tx, turn) = open(state, Lane::Interactive).await?;
        set_local(&tx, "app.tenant_id", &tenant_id.to_string()).await?;
        Ok(Self {
            conn: ScopeConn::Tx(tx),
            tenant_id,
            turn: Some(turn),
        })
    }

    /// Like `begin`, for the server's own bookkeeping that nobody waits for (the text of an
    /// answer so far, its end), in a transaction whose first statement writes: on SQLite it
    /// lets waiting sends write first, and `begin`'s lock-taking no-op (one more round trip
    /// while holding the writers' turn) is left out, as the first write takes the lock.
    pub(in crate::backend) async fn begin_background(
        state: &AppState,
        tenant_id: Uuid,
    ) -> Result<Self, DbErr> {
        if state.db().get_database_backend() != DbBackend::Sqlite {
            return Self::begin(state, tenant_id).await;
        }
        let (tx, turn) = open(state, Lane::Background).await?;
        Ok(Self {
            conn: ScopeConn::Tx(tx),
            tenant_id,
            turn: Some(turn),
        })
    }

    /// For exactly one statement, which may write, of the server's own bookkeeping: on
    /// PostgreSQL a transaction like `begin`'s, on SQLite the pool itself in the writers'
    /// background lane (one statement, with what its triggers do, is atomic on its own): no
    /// `BEGIN` and `COMMIT` round trips to the database's worker thread.
    pub(in crate::backend) async fn write_one_background(
        state: &AppState,
        tenant_id: Uuid,
    ) -> Result<Self, DbErr> {
        if state.db().get_database_backend() != DbBackend::Sqlite {
            return Self::begin(state, tenant_id).await;
        }
        let turn = state.write_gate().enter(Lane::Background).await?;
        Ok(Self {
            conn: state.statement_writer(),
            tenant_id,
            turn: Some(turn),
        })
    }

    /// For reads only: on PostgreSQL a transaction like `begin`'s; on SQLite the pool itself,
    /// so the reads neither queue behind writers nor take the write lock. They are not one
    /// snapshot on SQLite. Never write in it.
    pub(in crate::backend) async fn read(state: &AppState, tenant_id: Uuid) -> Result<Self, DbErr> {
        if state.db().get_database_backend() != DbBackend::Sqlite {
            return Self::begin(state, tenant_id).await;
        }
        Ok(Self {
            conn: state.statement_reader(),
            tenant_id,
            turn: None,
        })
    }

    /// For reads followed by at most one write statement (a send): on PostgreSQL a
    /// transaction like `begin`'s; on SQLite the pool itself, so the reads do not queue
    /// behind other writers, and [`Self::turn_to_write`] queues for the one write. The
    /// reads are not one snapshot on SQLite: the write must be safe without that (a unique
    /// key that a concurrent writer would violate, say).
    pub(in crate::backend) async fn read_then_write_one(
        state: &AppState,
        tenant_id: Uuid,
    ) -> Result<Self, DbErr> {
        // A read scope until `turn_to_write`.
        Self::read(state, tenant_id).await
    }

    /// Waits for the writers' turn, if this scope does not hold it yet (see
    /// [`Self::read_then_write_one`]).
    ///
    /// # Errors
    /// After waiting as long as SQLite's busy timeout.
    pub(in crate::backend) async fn turn_to_write(
        &mut self,
        state: &AppState,
    ) -> Result<(), DbErr> {
        if self.turn.is_none() {
            self.turn = Some(state.write_gate().enter(Lane::Interactive).await?);
            if !matches!(self.conn, ScopeConn::Tx(_)) {
                self.conn = state.statement_writer();
            }
        }
        Ok(())
    }

    pub fn tenant_id(&self) -> Uuid {
        self.tenant_id
    }

    pub(in crate::backend) fn conn(&self) -> &ScopeConn {
        &self.conn
    }

    /// # Errors
    /// Database errors.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.conn.commit().await
    }
}

/// Where a scope's statements run: its transaction, or, for a single statement on SQLite
/// (which has no row-level security to set), a connection of its own for that statement:
/// no `BEGIN`, write lock or `COMMIT` round trips to the database's worker thread.
pub(in crate::backend) enum ScopeConn {
    Tx(DatabaseTransaction),
    /// A pool (in-memory SQLite, whose one connection cannot be held apart).
    Pool(DatabaseConnection),
    /// Connections of a SQLite file held out of sqlx's pool (see `held_sqlite`).
    Held(HeldSqlite),
}

impl ScopeConn {
    async fn commit(self) -> Result<(), DbErr> {
        match self {
            Self::Tx(tx) => tx.commit().await,
            Self::Pool(_) | Self::Held(_) => Ok(()),
        }
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for ScopeConn {
    fn get_database_backend(&self) -> DbBackend {
        match self {
            Self::Tx(tx) => tx.get_database_backend(),
            Self::Pool(db) => db.get_database_backend(),
            Self::Held(db) => db.get_database_backend(),
        }
    }

    async fn execute(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        match self {
            Self::Tx(tx) => tx.execute(stmt).await,
            Self::Pool(db) => db.execute(stmt).await,
            Self::Held(db) => db.execute(stmt).await,
        }
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        match self {
            Self::Tx(tx) => tx.execute_unprepared(sql).await,
            Self::Pool(db) => db.execute_unprepared(sql).await,
            Self::Held(db) => db.execute_unprepared(sql).await,
        }
    }

    async fn query_one(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        match self {
            Self::Tx(tx) => tx.query_one(stmt).await,
            Self::Pool(db) => db.query_one(stmt).await,
            Self::Held(db) => db.query_one(stmt).await,
        }
    }

    async fn query_all(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match self {
            Self::Tx(tx) => tx.query_all(stmt).await,
            Self::Pool(db) => db.query_all(stmt).await,
            Self::Held(db) => db.query_all(stmt).await,
        }
    }
}

/// A scope that may read one user's own memberships across tenants (the picker, and
/// resolving the tenant of a request).
pub struct UserTx {
    conn: ScopeConn,
    user_id: Uuid,
    _turn: Option<WritePermit>,
}

impl UserTx {
    pub(in crate::backend) async fn begin(state: &AppState, user_id: Uuid) -> Result<Self, DbErr> {
        let (tx, turn) = open(state, Lane::Interactive).await?;
        set_local(&tx, "app.user_id", &user_id.to_string()).await?;
        Ok(Self {
            conn: ScopeConn::Tx(tx),
            user_id,
            _turn: Some(turn),
        })
    }

    /// For exactly one read statement: on PostgreSQL a transaction scoped like `begin`'s,
    /// on SQLite the pool itself (one statement is atomic on its own). Never write in it.
    pub(in crate::backend) async fn read(state: &AppState, user_id: Uuid) -> Result<Self, DbErr> {
        match state.db().get_database_backend() {
            DbBackend::Sqlite => Ok(Self {
                conn: state.statement_reader(),
                user_id,
                _turn: None,
            }),
            _ => Self::begin(state, user_id).await,
        }
    }

    pub fn user_id(&self) -> Uuid {
        self.user_id
    }

    pub(in crate::backend) fn conn(&self) -> &ScopeConn {
        &self.conn
    }

    /// # Errors
    /// Database errors.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.conn.commit().await
    }
}

/// A transaction across tenants; only `SystemCtx` opens one.
pub struct SystemTx {
    tx: DatabaseTransaction,
    _turn: WritePermit,
}

impl SystemTx {
    pub(in crate::backend) async fn begin(state: &AppState) -> Result<Self, DbErr> {
        let (tx, turn) = open(state, Lane::Interactive).await?;
        set_local(&tx, "app.system", "on").await?;
        Ok(Self { tx, _turn: turn })
    }

    pub(in crate::backend) fn conn(&self) -> &DatabaseTransaction {
        &self.tx
    }

    /// # Errors
    /// Database errors.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.tx.commit().await
    }
}

/// A transaction over platform rows that belong to no tenant and no signed-in user yet
/// (accounts and their sign-in identities while single sign-on provisions or links them).
/// It has no scope to set, but it reads before it writes, so on SQLite it takes the write
/// lock first and waits its turn like every other transaction.
pub struct PlatformTx {
    tx: DatabaseTransaction,
    _turn: WritePermit,
}

impl PlatformTx {
    pub(in crate::backend) async fn begin(state: &AppState) -> Result<Self, DbErr> {
        let (tx, turn) = open(state, Lane::Interactive).await?;
        if tx.get_database_backend() == DbBackend::Sqlite {
            take_write_lock(&tx).await?;
        }
        Ok(Self { tx, _turn: turn })
    }

    pub(in crate::backend) fn conn(&self) -> &DatabaseTransaction {
        &self.tx
    }

    /// # Errors
    /// Database errors.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.tx.commit().await
    }
}
