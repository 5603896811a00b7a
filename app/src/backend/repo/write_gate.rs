//! One writer at a time, queued by Parley rather than by SQLite.
//!
//! SQLite admits one writer. A transaction that finds the write lock taken is left to
//! SQLite's busy handler, which polls with sleeps of growing length (1, 2, 5, 10… ms): a
//! burst of writers then waits far longer than their writes take. Write transactions
//! queue here instead, and each starts the moment the previous one ends. PostgreSQL needs
//! no gate: it queues conflicting writers itself.
//!
//! The queue has two lanes. Writes someone is waiting for (a send, whose answer cannot
//! start before it is stored) go first; the server's own bookkeeping (the text of an answer
//! so far, the end of an answer the reader has already seen stream) lets them pass, for at
//! most `BACKGROUND_YIELDS_AT_MOST`, so a burst of sends is not slowed by the ends of the
//! answers it started. Within a lane, writers keep their order.

use crate::backend::db::DbKind;
use sea_orm::DbErr;
use std::{
    collections::VecDeque,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::Duration,
};
use tokio::{sync::oneshot, time::Instant};

/// As long as SQLite's own busy timeout: a transaction that waits longer fails as before.
const WAIT: Duration = Duration::from_secs(5);
/// A background writer that has waited this long goes before waiting interactive ones.
const BACKGROUND_YIELDS_AT_MOST: Duration = Duration::from_millis(100);

/// Which lane a writer queues in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// A write someone is waiting for.
    Interactive,
    /// The server's own bookkeeping, which nobody waits for.
    Background,
}

#[derive(Debug, Clone)]
pub struct WriteGate(Option<Arc<Mutex<Queue>>>);

#[derive(Debug, Default)]
struct Queue {
    /// A writer holds the turn.
    busy: bool,
    interactive: VecDeque<Waiter>,
    background: VecDeque<Waiter>,
}

#[derive(Debug)]
struct Waiter {
    since: Instant,
    grant: oneshot::Sender<()>,
}

impl Queue {
    fn lane(&mut self, lane: Lane) -> &mut VecDeque<Waiter> {
        match lane {
            Lane::Interactive => &mut self.interactive,
            Lane::Background => &mut self.background,
        }
    }

    fn next_waiter(&mut self) -> Option<Waiter> {
        let overdue = self
            .background
            .front()
            .is_some_and(|w| w.since.elapsed() >= BACKGROUND_YIELDS_AT_MOST);
        if overdue {
            return self.background.pop_front();
        }
        self.interactive
            .pop_front()
            .or_else(|| self.background.pop_front())
    }
}

fn lock(queue: &Mutex<Queue>) -> MutexGuard<'_, Queue> {
    // Nothing panics while the lock is held; a poisoned queue is still consistent.
    queue.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Hands the turn to the next writer still waiting, or frees it.
fn pass_turn(queue: &Mutex<Queue>) {
    let mut queue = lock(queue);
    while let Some(next) = queue.next_waiter() {
        // A writer that gave up waiting has closed its end: try the one after it.
        if next.grant.send(()).is_ok() {
            return;
        }
    }
    queue.busy = false;
}

/// Held by a write transaction until it ends; the turn then passes on.
pub(in crate::backend) struct WritePermit {
    queue: Option<Arc<Mutex<Queue>>>,
}

impl Drop for WritePermit {
    fn drop(&mut self) {
        if let Some(queue) = &self.queue {
            pass_turn(queue);
        }
    }
}

/// A place in the queue. Given up (timed out, or the request went away) before its turn
/// came, it leaves; a turn handed to it at that very moment goes on to the next writer.
struct Ticket {
    grant: oneshot::Receiver<()>,
    queue: Arc<Mutex<Queue>>,
    granted: bool,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if self.granted {
            return;
        }
        self.grant.close();
        if self.grant.try_recv().is_ok() {
            pass_turn(&self.queue);
        }
    }
}

impl WriteGate {
    pub fn for_kind(kind: DbKind) -> Self {
        Self(match kind {
            DbKind::Sqlite => Some(Arc::default()),
            DbKind::Postgres => None,
        })
    }

    /// Waits for this writer's turn in `lane`.
    ///
    /// # Errors
    /// After waiting [`WAIT`], as SQLite itself would report it.
    pub(in crate::backend) async fn enter(&self, lane: Lane) -> Result<WritePermit, DbErr> {
        let Some(queue) = &self.0 else {
            return Ok(WritePermit { queue: None });
        };
        let waiting = {
            let mut q = lock(queue);
            if q.busy {
                let (grant, granted) = oneshot::channel();
                q.lane(lane).push_back(Waiter {
                    since: Instant::now(),
                    grant,
                });
                Some(granted)
            } else {
                q.busy = true;
                None
            }
        };
        if let Some(grant) = waiting {
            let mut ticket = Ticket {
                grant,
                queue: Arc::clone(queue),
                granted: false,
            };
            match tokio::time::timeout(WAIT, &mut ticket.grant).await {
                Ok(Ok(())) => ticket.granted = true,
                _ => {
                    return Err(DbErr::Custom(
                        "database is locked: waited too long for the previous write".into(),
                    ))
                }
            }
        }
        Ok(WritePermit {
            queue: Some(Arc::clone(queue)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::{sync::mpsc, task::JoinHandle};

    /// Starts a writer that reports `n` once it has the turn, then holds it until told.
    fn writer(
        gate: &WriteGate,
        lane: Lane,
        n: i32,
        entered: &mpsc::UnboundedSender<i32>,
    ) -> JoinHandle<()> {
        let (gate, entered) = (gate.clone(), entered.clone());
        tokio::spawn(async move {
            let permit = gate.enter(lane).await;
            assert!(permit.is_ok(), "writer {n} got its turn");
            let _ = entered.send(n);
        })
    }

    /// Whether a new writer gets the turn at once.
    async fn turn_is_free(gate: &WriteGate) -> bool {
        let next = tokio::time::timeout(Duration::from_millis(100), gate.enter(Lane::Interactive));
        matches!(next.await, Ok(Ok(_)))
    }

    async fn settle() {
        for _ in 0..5 {
            tokio::task::yield_now().await;
        }
    }

    async fn order_of(
        writers: Vec<JoinHandle<()>>,
        entered: &mut mpsc::UnboundedReceiver<i32>,
    ) -> Vec<i32> {
        for w in writers {
            let _ = w.await;
        }
        std::iter::from_fn(|| entered.try_recv().ok()).collect()
    }

    #[tokio::test]
    async fn sqlite_writers_take_turns_in_order() {
        let gate = WriteGate::for_kind(DbKind::Sqlite);
        let first = gate.enter(Lane::Interactive).await;
        assert!(first.is_ok());
        let (tx, mut entered) = mpsc::unbounded_channel();
        let writers = (1..=3)
            .map(|n| writer(&gate, Lane::Interactive, n, &tx))
            .collect();
        settle().await;
        assert!(
            entered.try_recv().is_err(),
            "nobody enters while the first writes"
        );
        drop(first);
        assert_eq!(order_of(writers, &mut entered).await, vec![1, 2, 3]);
    }

    #[tokio::test(start_paused = true)]
    async fn interactive_writers_pass_background_ones_for_a_while() {
        let gate = WriteGate::for_kind(DbKind::Sqlite);
        let (tx, mut entered) = mpsc::unbounded_channel();

        let first = gate.enter(Lane::Interactive).await;
        let mut writers = vec![writer(&gate, Lane::Background, 1, &tx)];
        settle().await;
        writers.push(writer(&gate, Lane::Interactive, 2, &tx));
        writers.push(writer(&gate, Lane::Interactive, 3, &tx));
        settle().await;
        drop(first);
        assert_eq!(order_of(writers, &mut entered).await, vec![2, 3, 1]);

        // Once a background writer has waited long enough, it goes first.
        let first = gate.enter(Lane::Interactive).await;
        let mut writers = vec![writer(&gate, Lane::Background, 4, &tx)];
        settle().await;
        tokio::time::advance(BACKGROUND_YIELDS_AT_MOST).await;
        writers.push(writer(&gate, Lane::Interactive, 5, &tx));
        settle().await;
        drop(first);
        assert_eq!(order_of(writers, &mut entered).await, vec![4, 5]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_writer_that_gives_up_does_not_keep_the_turn() {
        let gate = WriteGate::for_kind(DbKind::Sqlite);
        let first = gate.enter(Lane::Interactive).await;
        // One gives up (its request went away), one times out.
        let gone = tokio::spawn({
            let gate = gate.clone();
            async move { gate.enter(Lane::Interactive).await.is_ok() }
        });
        settle().await;
        gone.abort();
        let late = gate.enter(Lane::Background);
        let timed_out = tokio::time::timeout(WAIT + Duration::from_secs(1), late).await;
        assert!(
            matches!(timed_out, Ok(Err(_))),
            "waiting ends with an error"
        );
        drop(first);
        assert!(turn_is_free(&gate).await, "the turn is free again");
    }

    #[tokio::test]
    async fn a_turn_handed_to_a_writer_as_it_gives_up_goes_on() {
        let gate = WriteGate::for_kind(DbKind::Sqlite);
        let first = gate.enter(Lane::Interactive).await;
        let mut waiting = Box::pin(gate.enter(Lane::Interactive));
        assert!(futures_util::poll!(waiting.as_mut()).is_pending());
        // The turn is handed over, and the waiter is dropped before it looks.
        drop(first);
        drop(waiting);
        assert!(turn_is_free(&gate).await, "the turn was passed on");
    }

    #[tokio::test]
    async fn postgres_writers_do_not_queue_here() {
        let gate = WriteGate::for_kind(DbKind::Postgres);
        let first = gate.enter(Lane::Interactive).await;
        assert!(first.is_ok() && turn_is_free(&gate).await);
    }
}
