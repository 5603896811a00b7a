//! Transactions that carry their scope. On PostgreSQL the scope is also set for row-level
//! security with `set_config(…, true)`: local to the transaction, so a pooled connection
//! never carries one request's tenant into the next.
//!
//! On SQLite every transaction takes the write lock when it starts. A deferred transaction
//! that reads and then writes fails at once with "database is locked" when another writer
//! got in between (the busy timeout does not apply to such an upgrade); taking the lock
//! first makes concurrent writers wait their turn instead.

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, Statement,
    TransactionTrait,
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
        // A write that changes nothing, so the transaction holds the write lock from here.
        DbBackend::Sqlite => {
            tx.execute_unprepared("UPDATE users SET id = id WHERE 0")
                .await?;
        }
        _ => {}
    }
    Ok(())
}

/// A transaction in one tenant.
pub struct TenantTx {
    tx: DatabaseTransaction,
    tenant_id: Uuid,
}

impl TenantTx {
    pub(in crate::backend) async fn begin(
        db: &DatabaseConnection,
        tenant_id: Uuid,
    ) -> Result<Self, DbErr> {
        let tx = db.begin().await?;
        set_local(&tx, "app.tenant_id", &tenant_id.to_string()).await?;
        Ok(Self { tx, tenant_id })
    }

    pub fn tenant_id(&self) -> Uuid {
        self.tenant_id
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

/// A transaction that may read one user's own memberships across tenants (the picker).
pub struct UserTx {
    tx: DatabaseTransaction,
    user_id: Uuid,
}

impl UserTx {
    pub(in crate::backend) async fn begin(
        db: &DatabaseConnection,
        user_id: Uuid,
    ) -> Result<Self, DbErr> {
        let tx = db.begin().await?;
        set_local(&tx, "app.user_id", &user_id.to_string()).await?;
        Ok(Self { tx, user_id })
    }

    pub fn user_id(&self) -> Uuid {
        self.user_id
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

/// A transaction across tenants; only `SystemCtx` opens one.
pub struct SystemTx {
    tx: DatabaseTransaction,
}

impl SystemTx {
    pub(in crate::backend) async fn begin(db: &DatabaseConnection) -> Result<Self, DbErr> {
        let tx = db.begin().await?;
        set_local(&tx, "app.system", "on").await?;
        Ok(Self { tx })
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
