//! The generations running in this process, by answer id.

use super::live::{Live, StopReason};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};
use uuid::Uuid;

#[derive(Clone, Default)]
pub struct Generations {
    running: Arc<Mutex<HashMap<Uuid, Arc<Live>>>>,
}

impl Generations {
    pub(super) fn register(&self, live: Arc<Live>) {
        if let Ok(mut running) = self.running.lock() {
            running.insert(live.message_id, live);
        }
    }

    pub(super) fn remove(&self, message_id: Uuid) {
        if let Ok(mut running) = self.running.lock() {
            running.remove(&message_id);
        }
    }

    /// The live generation of an answer, if it runs in this process. The caller has
    /// already checked that the answer belongs to it; the tenant is checked again here.
    pub fn get(&self, tenant_id: Uuid, message_id: Uuid) -> Option<Arc<Live>> {
        let running = self.running.lock().ok()?;
        running
            .get(&message_id)
            .filter(|live| live.tenant_id == tenant_id)
            .cloned()
    }

    pub fn len(&self) -> usize {
        self.running.lock().map(|r| r.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Shutdown: every answer is cancelled and stored as `interrupted`; waits up to
    /// `deadline` for the runners to write their final state.
    pub async fn interrupt_all(&self, deadline: Duration) {
        let lives: Vec<Arc<Live>> = self
            .running
            .lock()
            .map(|r| r.values().cloned().collect())
            .unwrap_or_default();
        for live in &lives {
            live.stop(StopReason::Interrupted);
        }
        let until = tokio::time::Instant::now() + deadline;
        while !self.is_empty() && tokio::time::Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
