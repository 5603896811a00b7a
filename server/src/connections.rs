//! Accepting connections and serving each with hyper. `axum::serve` would do the same
//! with fixed settings; Parley sets three of its own:
//!
//! - `TCP_NODELAY`, without which small writes (the first tokens of an answer) wait ~40 ms
//!   for the peer's delayed ACK;
//! - a deadline for a request's headers, so a client that opens connections and trickles
//!   bytes (slowloris) cannot hold them open for ever;
//! - the HTTP/1 buffer limit, which also bounds the headers of a request.
//!
//! On shutdown the listener closes, each connection finishes its open requests (keep-alive
//! connections close after their current response), and `serve` returns when all are done.

use axum::{extract::ConnectInfo, Router};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto, graceful::GracefulShutdown},
    service::TowerToHyperService,
};
use std::{future::Future, io, pin::pin, time::Duration};
use tokio::net::TcpListener;
use tower::ServiceExt;

/// What a connection may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time a client has to send a request's headers, counted from when they are waited
    /// for (so an idle keep-alive connection is closed after it too).
    pub header_read_timeout: Duration,
    /// The most a connection buffers (hyper's minimum is 8 KiB): a request's headers must
    /// fit in it.
    pub max_buffer: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(30),
            max_buffer: 64 * 1024,
        }
    }
}

/// Serves `router` on every connection `listener` accepts until `shutdown` resolves, then
/// waits for the open connections to finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let builder = builder(limits);
    let graceful = GracefulShutdown::new();
    let mut shutdown = pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (tcp, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(err) => {
                wait_after(&err).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let service = router
            .clone()
            .map_request(move |mut request: http::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(tcp), TowerToHyperService::new(service))
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::trace!(error = %err, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

fn builder(limits: Limits) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_buffer);
    builder.http2().timer(TokioTimer::new());
    builder
}

/// A connection that failed while being accepted is the client's problem: go on at once.
/// Anything else (out of file descriptors) would fail again at once: wait a moment.
async fn wait_after(err: &io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        err.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %err, "cannot accept connections");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
