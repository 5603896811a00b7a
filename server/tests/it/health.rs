//! `/healthz` and `/readyz` on both databases.

use crate::support::{on_both_databases, TestApp};
use http::StatusCode;

async fn health_and_readiness_answer(app: TestApp) {
    let health = app.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json()["status"], "ok");

    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.text());
    assert_eq!(ready.json()["status"], "ready");
    assert_eq!(ready.json()["database"], "ok");
}

on_both_databases! {
    health_and_readiness => health_and_readiness_answer;
}
