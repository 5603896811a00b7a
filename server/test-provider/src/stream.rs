//! Delivery of pre-built frames as a response body: one body frame per chunk (so clients see
//! tokens as they come), an optional pause between chunks, and a tail that ends cleanly, hangs,
//! or aborts the connection.
//!
//! The body owns an [`OpenStream`] guard, so the open-stream count falls exactly when hyper
//! drops the body — on completion, on abort, or when the client goes away.

use std::time::Duration;

use axum::body::{Body, Bytes};

use crate::state::{OpenStream, SharedState};

/// What happens after the last frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tail {
    /// End the body normally.
    End,
    /// Keep the connection open and silent until the provider shuts down.
    Hang,
    /// Fail the body, which makes hyper drop the connection mid-response.
    Abort,
}

struct Script {
    frames: std::vec::IntoIter<Bytes>,
    tail: Tail,
    delay: Duration,
    started: bool,
    state: SharedState,
    _open: OpenStream,
}

/// A body that sends `frames` `delay` apart, then does what `tail` says.
pub(crate) fn body(state: &SharedState, frames: Vec<Bytes>, tail: Tail, delay: Duration) -> Body {
    let script = Script {
        frames: frames.into_iter(),
        tail,
        delay,
        started: false,
        state: state.clone(),
        _open: state.open_stream(),
    };
    Body::from_stream(futures_util::stream::unfold(script, next))
}

async fn next(mut script: Script) -> Option<(std::io::Result<Bytes>, Script)> {
    if let Some(frame) = script.frames.next() {
        if script.started && !script.delay.is_zero() {
            tokio::select! {
                () = tokio::time::sleep(script.delay) => {}
                () = script.state.stopped() => return Some((Err(shut_down()), script.finished())),
            }
        }
        script.started = true;
        return Some((Ok(frame), script));
    }
    match std::mem::replace(&mut script.tail, Tail::End) {
        Tail::End => None,
        Tail::Hang => {
            script.state.stopped().await;
            Some((Err(shut_down()), script))
        }
        Tail::Abort => {
            // Hyper discards unflushed output when a body fails; one turn of the scheduler
            // lets it write the frames (and headers) the client is meant to see first.
            tokio::task::yield_now().await;
            Some((
                Err(std::io::Error::other("stream cut on purpose (/cut)")),
                script,
            ))
        }
    }
}

fn shut_down() -> std::io::Error {
    std::io::Error::other("test provider shut down")
}

impl Script {
    /// Nothing more to send, should the body be polled after an error.
    fn finished(mut self) -> Self {
        self.frames = Vec::new().into_iter();
        self.tail = Tail::End;
        self
    }
}
