//! `/readyz` follows the database: 503 with a reason while PostgreSQL is unreachable, 200
//! again once it is back, without restarting Parley.

use crate::support::{postgres::PgDatabase, tcp_proxy::TcpProxy, TestApp, TestDb};
use http::StatusCode;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_recovers_after_the_database_comes_back() {
    let pg = PgDatabase::create().await;
    let proxy = TcpProxy::start("127.0.0.1:5432").await;
    let url = pg.url_via(&proxy.addr.to_string());
    let app = TestApp::start(url, TestDb::Postgres(pg)).await;

    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);

    proxy.cut();
    let down = app.get("/readyz").await;
    assert_eq!(
        down.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        down.text()
    );
    let body = down.json();
    assert_eq!(body["status"], "unavailable");
    assert!(body["reason"].as_str().unwrap().contains("database"));

    proxy.restore();
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..50 {
        status = app.get("/readyz").await.status;
        if status == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, StatusCode::OK, "readiness did not recover");
}
