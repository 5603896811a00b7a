//! The serve loop on a real socket: the header deadline ends slow clients, handlers see the
//! peer's address, and shutdown lets open requests finish before it returns.

use axum::{extract::ConnectInfo, routing::get, Router};
use server::connections::{serve, Limits};
use std::{
    io::{Read, Write},
    net::{SocketAddr, TcpStream},
    time::{Duration, Instant},
};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

struct Running {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    served: JoinHandle<()>,
}

async fn start(router: Router, limits: Limits) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let served = tokio::spawn(serve(listener, router, limits, async move {
        let _ = stopped.await;
    }));
    Running {
        addr,
        stop: Some(stop),
        served,
    }
}

/// Sends `request` on a new connection and reads until the server closes it (blocking, on
/// a thread of its own).
async fn exchange(addr: SocketAddr, request: &'static str) -> (String, SocketAddr, Duration) {
    tokio::task::spawn_blocking(move || {
        let mut tcp = TcpStream::connect(addr).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let local = tcp.local_addr().unwrap();
        let started = Instant::now();
        tcp.write_all(request.as_bytes()).unwrap();
        let mut answer = Vec::new();
        tcp.read_to_end(&mut answer).unwrap();
        (
            String::from_utf8_lossy(&answer).into_owned(),
            local,
            started.elapsed(),
        )
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_client_that_does_not_finish_its_headers_in_time_is_disconnected() {
    let limits = Limits {
        header_read_timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let running = start(Router::new().route("/", get(|| async { "hello" })), limits).await;

    let (answer, _, took) = exchange(running.addr, "GET / HTTP/1.1\r\nHost: parley\r\n").await;

    assert!(!answer.contains("hello"), "no request was served: {answer}");
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_secs(5),
        "closed after the deadline, not before and not never: {took:?}"
    );
}

#[tokio::test]
async fn handlers_see_the_peer_address() {
    let router = Router::new().route(
        "/",
        get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { format!("peer={peer}") }),
    );
    let running = start(router, Limits::default()).await;

    let (answer, local, _) = exchange(
        running.addr,
        "GET / HTTP/1.1\r\nHost: parley\r\nConnection: close\r\n\r\n",
    )
    .await;

    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with(&format!("peer={local}")), "{answer}");
}

#[tokio::test]
async fn shutdown_lets_an_open_request_finish_then_stops_accepting() {
    let router = Router::new().route(
        "/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_millis(400)).await;
            "finished"
        }),
    );
    let mut running = start(router, Limits::default()).await;
    let slow = tokio::spawn(exchange(
        running.addr,
        "GET /slow HTTP/1.1\r\nHost: parley\r\n\r\n",
    ));
    tokio::time::sleep(Duration::from_millis(100)).await;

    let _ = running.stop.take().unwrap().send(());
    let (answer, _, _) = slow.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("finished"), "{answer}");
    tokio::time::timeout(Duration::from_secs(5), running.served)
        .await
        .expect("serve returns once the open request is done")
        .unwrap();
    assert!(
        TcpStream::connect(running.addr).is_err(),
        "no new connections after shutdown"
    );
}
