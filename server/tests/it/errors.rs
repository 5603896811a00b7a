//! Errors reach clients as the documented envelope, with no internal text.

use crate::support::{on_both_databases, TestApp};
use axum::body::Body;
use http::{Request, StatusCode};
use sea_orm::ConnectionTrait;

async fn a_database_failure_reveals_no_sql(app: TestApp) {
    // Break the schema under the running app: the status function's query now fails.
    let conn = app.owner().await;
    conn.execute_unprepared("ALTER TABLE seaql_migrations RENAME TO broken_migrations")
        .await
        .unwrap();
    conn.close().await.unwrap();

    let r = app
        .send(
            Request::post("/api/system/status")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", r.text());
    let body = r.json();
    assert_eq!(body["code"], "internal");
    assert_eq!(body["reference"].as_str().unwrap().len(), 12);
    let text = r.text().to_lowercase();
    for leak in [
        "select",
        "seaql",
        "version",
        "no such column",
        "does not exist",
    ] {
        assert!(!text.contains(leak), "the answer leaks `{leak}`: {text}");
    }
}

async fn oversized_bodies_get_a_json_413(app: TestApp) {
    let big = vec![b'a'; 3 * 1024 * 1024];
    let r = app
        .send(
            Request::post("/api/system/status")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("content-length", big.len())
                .body(Body::from(big))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["error"]["code"], "payload_too_large");
}

on_both_databases! {
    database_failure => a_database_failure_reveals_no_sql;
    body_limit => oversized_bodies_get_a_json_413;
}
