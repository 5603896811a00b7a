//! One answer being generated: its text so far, its subscribers and its stop switch.

use crate::dto::chat::MessageDto;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// Why a generation was cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The person pressed Stop, or the REST client disconnected.
    Stopped,
    /// The server is shutting down.
    Interrupted,
}

#[derive(Debug, Clone)]
pub enum LiveEvent {
    /// `text` starts at byte `start` of the answer.
    Delta {
        start: usize,
        text: Arc<str>,
    },
    /// The provider is busy: the request goes again after this many seconds.
    Retrying {
        seconds: u64,
    },
    Done(Box<MessageDto>),
}

pub(super) struct Progress {
    pub text: String,
    pub done: Option<MessageDto>,
    /// While a busy provider is waited for: when it is asked again (told to followers that
    /// arrive during the wait, too).
    pub retry_at: Option<Instant>,
}

/// Deltas a follower may fall behind before it is resynchronised from the text so far
/// (one coalesced delta, see `follower`). The channel allocates every slot up front, so
/// this is most of the memory an open stream costs: 16 slots instead of 512 saves ~30 KB.
const EVENT_SLOTS: usize = 16;

pub struct Live {
    pub tenant_id: Uuid,
    pub chat_id: Uuid,
    pub message_id: Uuid,
    pub(super) progress: Mutex<Progress>,
    pub(super) events: broadcast::Sender<LiveEvent>,
    cancel: CancellationToken,
    reason: Mutex<Option<StopReason>>,
}

impl Live {
    pub(super) fn new(tenant_id: Uuid, chat_id: Uuid, message_id: Uuid) -> Arc<Self> {
        Arc::new(Self {
            tenant_id,
            chat_id,
            message_id,
            progress: Mutex::new(Progress {
                text: String::new(),
                done: None,
                retry_at: None,
            }),
            events: broadcast::channel(EVENT_SLOTS).0,
            cancel: CancellationToken::new(),
            reason: Mutex::new(None),
        })
    }

    /// Appends streamed text and tells the followers. One short lock per chunk.
    pub(super) fn push(&self, text: &str) {
        if let Ok(mut progress) = self.progress.lock() {
            progress.retry_at = None;
            let start = progress.text.len();
            progress.text.push_str(text);
            let _ = self.events.send(LiveEvent::Delta {
                start,
                text: Arc::from(text),
            });
        }
    }

    /// Tells the followers that the provider asked to wait (nothing is written meanwhile).
    pub(super) fn retrying(&self, wait: Duration) {
        if let Ok(mut progress) = self.progress.lock() {
            progress.retry_at = Some(Instant::now() + wait);
            let _ = self.events.send(LiveEvent::Retrying {
                seconds: whole_seconds(wait),
            });
        }
    }

    pub(super) fn text(&self) -> String {
        self.progress
            .lock()
            .map(|p| p.text.clone())
            .unwrap_or_default()
    }

    pub(super) fn finish(&self, message: MessageDto) {
        if let Ok(mut progress) = self.progress.lock() {
            progress.done = Some(message.clone());
            let _ = self.events.send(LiveEvent::Done(Box::new(message)));
        }
    }

    /// Cancels the upstream request; the first reason given wins.
    pub fn stop(&self, reason: StopReason) {
        if let Ok(mut slot) = self.reason.lock() {
            slot.get_or_insert(reason);
        }
        self.cancel.cancel();
    }

    pub(super) fn cancelled(&self) -> tokio_util::sync::WaitForCancellationFuture<'_> {
        self.cancel.cancelled()
    }

    pub(super) fn stop_reason(&self) -> Option<StopReason> {
        self.reason.lock().ok().and_then(|r| *r)
    }
}

/// A wait as people count it: a started second counts.
pub(super) fn whole_seconds(wait: Duration) -> u64 {
    u64::try_from(wait.as_millis().div_ceil(1000)).unwrap_or(u64::MAX)
}
