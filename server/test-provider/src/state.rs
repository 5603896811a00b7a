//! State shared by all handlers: options, the request log, the open-stream counter and the
//! `/fail-once` memory. Locks are std mutexes held only for a push or a lookup, never across
//! an `.await`.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::watch;

use crate::record::RecordedRequest;
use crate::Options;

/// Cheap to clone; every clone sees the same provider.
#[derive(Clone)]
pub struct SharedState(Arc<Inner>);

struct Inner {
    options: Options,
    requests: Mutex<Vec<RecordedRequest>>,
    failed_once: Mutex<HashSet<String>>,
    open_streams: AtomicUsize,
    next_id: AtomicU64,
    shutdown: watch::Sender<bool>,
}

/// A poisoned lock only means a handler panicked mid-push; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl SharedState {
    pub(crate) fn new(options: Options) -> Self {
        Self(Arc::new(Inner {
            options,
            requests: Mutex::new(Vec::new()),
            failed_once: Mutex::new(HashSet::new()),
            open_streams: AtomicUsize::new(0),
            next_id: AtomicU64::new(1),
            shutdown: watch::Sender::new(false),
        }))
    }

    pub(crate) fn options(&self) -> &Options {
        &self.0.options
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.0.requests).clone()
    }

    /// Number of requests recorded so far.
    pub fn request_count(&self) -> usize {
        lock(&self.0.requests).len()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        lock(&self.0.requests).clear();
    }

    pub(crate) fn record(&self, request: RecordedRequest) {
        lock(&self.0.requests).push(request);
    }

    /// Streaming bodies that are still alive.
    pub fn open_streams(&self) -> usize {
        self.0.open_streams.load(Ordering::SeqCst)
    }

    /// Counts a stream as open until the returned guard is dropped with its body.
    pub(crate) fn open_stream(&self) -> OpenStream {
        self.0.open_streams.fetch_add(1, Ordering::SeqCst);
        OpenStream(self.clone())
    }

    /// True the first time `key` is seen, false ever after.
    pub(crate) fn first_time(&self, key: &str) -> bool {
        let mut seen = lock(&self.0.failed_once);
        if seen.contains(key) {
            return false;
        }
        seen.insert(key.to_owned())
    }

    /// A unique, recognisable completion id.
    pub(crate) fn next_id(&self) -> String {
        format!(
            "chatcmpl-parley{:08}",
            self.0.next_id.fetch_add(1, Ordering::Relaxed)
        )
    }

    pub(crate) fn shut_down(&self) {
        self.0.shutdown.send_replace(true);
    }

    /// Resolves once the owning [`crate::Handle`] is dropped; until then, never.
    pub(crate) async fn stopped(&self) {
        let mut rx = self.0.shutdown.subscribe();
        // The sender lives in `self`, so `wait_for` cannot fail while we hold it.
        let _ = rx.wait_for(|stopped| *stopped).await;
    }
}

/// Decrements the open-stream counter when the body that owns it is dropped, which is what
/// happens when the client disconnects or the stream ends.
pub(crate) struct OpenStream(SharedState);

impl Drop for OpenStream {
    fn drop(&mut self) {
        self.0 .0.open_streams.fetch_sub(1, Ordering::SeqCst);
    }
}
