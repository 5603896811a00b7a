//! Captures every log line (all levels, span fields included) the app writes while a test
//! runs, so a test can prove a secret never reaches the logs.
//!
//! The subscriber is the thread's default, not the global one: run the test on a
//! current-thread runtime, so the request handlers and the spawned generation tasks all run
//! on that thread and log into this capture, and no other test's lines get mixed in.

use std::{
    io,
    sync::{Arc, Mutex},
};

#[derive(Clone, Default)]
pub struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

struct Writer(Arc<Mutex<Vec<u8>>>);

impl io::Write for Writer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl CapturedLogs {
    /// Starts capturing on this thread until the guard is dropped.
    pub fn start() -> (Self, tracing::subscriber::DefaultGuard) {
        // tracing-core computes a callsite's interest from the *calling thread's* default
        // when only one dispatcher exists: a callsite first hit by a concurrent test (no
        // subscriber there) would be cached as "never" and vanish from this capture too.
        // A second, permanent dispatcher makes it consult every live one instead.
        static ANOTHER: std::sync::OnceLock<tracing::Dispatch> = std::sync::OnceLock::new();
        ANOTHER
            .get_or_init(|| tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default()));
        let logs = Self::default();
        let sink = logs.0.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || Writer(sink.clone()))
            .finish();
        (logs, tracing::subscriber::set_default(subscriber))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}
