//! Following a live answer: the text so far, then every new piece exactly once, even if
//! this follower fell behind the broadcast (it then catches up from the stored text).

use super::live::{whole_seconds, Live, LiveEvent};
use crate::dto::chat::MessageDto;
use std::sync::Arc;
use tokio::sync::broadcast::{self, error::RecvError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowEvent {
    Delta(String),
    /// The provider is busy; the request goes again after this many seconds.
    Retrying(u64),
    Done(Box<MessageDto>),
}

pub struct Follower {
    live: Arc<Live>,
    events: broadcast::Receiver<LiveEvent>,
    /// Bytes of the answer already handed out.
    sent: usize,
    finished: bool,
    pending_done: Option<Box<MessageDto>>,
    /// A wait for a busy provider that began before this follower did.
    pending_retry: Option<u64>,
}

impl Follower {
    /// Starts following. `from_start` replays the text so far as the first delta; without
    /// it the follower starts at the current end (a REST stream that saw nothing yet).
    pub fn new(live: Arc<Live>, from_start: bool) -> (Self, String) {
        let (events, snapshot, done, retry_at) = match live.progress.lock() {
            Ok(progress) => (
                live.events.subscribe(),
                progress.text.clone(),
                progress.done.clone(),
                progress.retry_at,
            ),
            Err(_) => (live.events.subscribe(), String::new(), None, None),
        };
        let pending_retry = retry_at
            .map(|at| at.saturating_duration_since(std::time::Instant::now()))
            .filter(|left| !left.is_zero())
            .map(whole_seconds);
        let sent = if from_start { 0 } else { snapshot.len() };
        let mut follower = Self {
            live,
            events,
            sent,
            finished: false,
            pending_done: None,
            pending_retry,
        };
        if let Some(done) = done {
            follower.finished = true;
            follower.sent = done.content.len();
            follower.pending_done = Some(Box::new(done));
            return (follower, if from_start { snapshot } else { String::new() });
        }
        follower.sent = snapshot.len();
        (follower, if from_start { snapshot } else { String::new() })
    }

    /// Whether the answer was already finished when following began.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    pub fn live(&self) -> &Arc<Live> {
        &self.live
    }

    /// The next new piece of text, or the final message. `None` once done.
    pub async fn next(&mut self) -> Option<FollowEvent> {
        if let Some(done) = self.pending_done.take() {
            return Some(FollowEvent::Done(done));
        }
        if self.finished {
            return None;
        }
        if let Some(seconds) = self.pending_retry.take() {
            return Some(FollowEvent::Retrying(seconds));
        }
        loop {
            match self.events.recv().await {
                Ok(LiveEvent::Delta { start, text }) => {
                    let end = start + text.len();
                    if end <= self.sent {
                        continue; // already handed out while catching up
                    }
                    let skip = self.sent.saturating_sub(start);
                    self.sent = end;
                    return Some(FollowEvent::Delta(
                        text.get(skip..).unwrap_or_default().to_string(),
                    ));
                }
                Ok(LiveEvent::Retrying { seconds }) => return Some(FollowEvent::Retrying(seconds)),
                Ok(LiveEvent::Done(message)) => {
                    self.finished = true;
                    let rest = message
                        .content
                        .get(self.sent..)
                        .unwrap_or_default()
                        .to_string();
                    if rest.is_empty() {
                        return Some(FollowEvent::Done(message));
                    }
                    // Text from a stretch this follower missed: hand it out first.
                    self.sent = message.content.len();
                    self.pending_done = Some(message);
                    return Some(FollowEvent::Delta(rest));
                }
                Err(RecvError::Lagged(_)) => {
                    let text = self.live.text();
                    if text.len() > self.sent {
                        let delta = text.get(self.sent..).unwrap_or_default().to_string();
                        self.sent = text.len();
                        return Some(FollowEvent::Delta(delta));
                    }
                }
                Err(RecvError::Closed) => {
                    self.finished = true;
                    return None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    async fn delta(follower: &mut Follower) -> String {
        let next = tokio::time::timeout(std::time::Duration::from_secs(2), follower.next())
            .await
            .expect("a delta, not silence: text was lost");
        match next {
            Some(FollowEvent::Delta(text)) => text,
            other => panic!("expected a delta, got {other:?}"),
        }
    }

    /// A follower far slower than the answer (more pieces than the channel holds) still
    /// gets every byte exactly once: one coalesced delta, then the stream as usual.
    #[tokio::test]
    async fn a_follower_that_falls_behind_catches_up_from_the_text() {
        let live = Live::new(Uuid::nil(), Uuid::nil(), Uuid::nil());
        let (mut follower, first) = Follower::new(Arc::clone(&live), true);
        assert_eq!(first, "");
        let mut expected = String::new();
        for i in 0..200 {
            let piece = format!("word{i} ");
            live.push(&piece);
            expected.push_str(&piece);
        }
        let mut got = String::new();
        while got.len() < expected.len() {
            got.push_str(&delta(&mut follower).await);
        }
        assert_eq!(got, expected);
        live.push("tail");
        assert_eq!(delta(&mut follower).await, "tail");
    }

    /// Someone who starts following during a wait for a busy provider hears of it first.
    #[tokio::test]
    async fn a_follower_arriving_during_a_retry_wait_is_told_of_it() {
        let live = Live::new(Uuid::nil(), Uuid::nil(), Uuid::nil());
        live.retrying(std::time::Duration::from_millis(2_500));
        let (mut follower, _) = Follower::new(Arc::clone(&live), true);
        assert_eq!(follower.next().await, Some(FollowEvent::Retrying(3)));
        live.push("text");
        assert_eq!(delta(&mut follower).await, "text");
        let (mut late, first) = Follower::new(Arc::clone(&live), true);
        assert_eq!(first, "text", "text ends the wait");
        live.push(" more");
        assert_eq!(delta(&mut late).await, " more");
    }
}
