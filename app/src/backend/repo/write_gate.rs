//! One writer at a time, queued by Parley rather than by SQLite.
//!
//! SQLite admits one writer. A transaction that finds the write lock taken is left to
//! SQLite's busy handler, which polls with sleeps of growing length (1, 2, 5, 10… ms): a
//! burst of writers then waits far longer than their writes take. Write transactions
//! queue here instead, in a fair async queue, and each starts the moment the previous one
//! ends. PostgreSQL needs no gate: it queues conflicting writers itself.

use crate::backend::db::DbKind;
use sea_orm::DbErr;
use std::{sync::Arc, time::Duration};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// As long as SQLite's own busy timeout: a transaction that waits longer fails as before.
const WAIT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
pub struct WriteGate(Option<Arc<Semaphore>>);

/// Held by a write transaction until it ends.
pub(in crate::backend) struct WritePermit {
    _held: Option<OwnedSemaphorePermit>,
}

impl WriteGate {
    pub fn for_kind(kind: DbKind) -> Self {
        Self(match kind {
            DbKind::Sqlite => Some(Arc::new(Semaphore::new(1))),
            DbKind::Postgres => None,
        })
    }

    /// Waits for the previous writer to finish.
    ///
    /// # Errors
    /// After waiting [`WAIT`], as SQLite itself would report it.
    pub(in crate::backend) async fn enter(&self) -> Result<WritePermit, DbErr> {
        let Some(queue) = &self.0 else {
            return Ok(WritePermit { _held: None });
        };
        match tokio::time::timeout(WAIT, Arc::clone(queue).acquire_owned()).await {
            Ok(Ok(permit)) => Ok(WritePermit {
                _held: Some(permit),
            }),
            _ => Err(DbErr::Custom(
                "database is locked: waited too long for the previous write".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_writers_take_turns_in_order() {
        let gate = WriteGate::for_kind(DbKind::Sqlite);
        let first = gate.enter().await;
        assert!(first.is_ok());
        let (order_tx, mut order_rx) = tokio::sync::mpsc::unbounded_channel();
        let waiters: Vec<_> = (1..=3)
            .map(|n| {
                let (gate, order_tx) = (gate.clone(), order_tx.clone());
                tokio::spawn(async move {
                    let _permit = gate.enter().await;
                    let _ = order_tx.send(n);
                })
            })
            .collect();
        for _ in 0..3 {
            tokio::task::yield_now().await;
        }
        assert!(
            order_rx.try_recv().is_err(),
            "nobody enters while the first writes"
        );
        drop(first);
        for waiter in waiters {
            let _ = waiter.await;
        }
        let order: Vec<i32> = std::iter::from_fn(|| order_rx.try_recv().ok()).collect();
        assert_eq!(order, vec![1, 2, 3]);
    }

    #[tokio::test]
    async fn postgres_writers_do_not_queue_here() {
        let gate = WriteGate::for_kind(DbKind::Postgres);
        let first = gate.enter().await;
        let second = tokio::time::timeout(Duration::from_millis(100), gate.enter()).await;
        assert!(first.is_ok() && matches!(second, Ok(Ok(_))));
    }
}
