//! Errors reach clients as the documented envelope, with no internal text.

use crate::support::{api::As, on_both_databases, TestApp, TestResponse, PUBLIC_ORIGIN};
use axum::body::Body;
use http::{Method, Request, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::json;

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

/// The API's envelope, `{"error": {"code", "message"}}`, as JSON, not quoting `sent`.
fn assert_envelope(r: &TestResponse, status: StatusCode, code: &str, sent: &str) {
    assert_eq!(r.status, status, "{}", r.text());
    assert!(
        r.header("content-type").starts_with("application/json"),
        "{:?}",
        r.headers
    );
    assert_eq!(r.json()["error"]["code"], code, "{}", r.text());
    assert!(
        !r.text().contains(sent),
        "the answer quotes the input: {}",
        r.text()
    );
}

async fn every_api_answer_is_the_json_envelope(app: TestApp) {
    let owner = app.user("env@example.com").await;
    app.tenant(&owner, "env").await;
    let probe = "not-an-id-9f3a";

    for (path, status, code, field) in [
        (
            format!("/tenants/env/chats/{probe}"),
            StatusCode::BAD_REQUEST,
            "validation",
            Some("id"),
        ),
        (
            format!("/tenants/env/chats?limit={probe}"),
            StatusCode::BAD_REQUEST,
            "validation",
            Some("limit"),
        ),
        (
            format!("/no-such-endpoint/{probe}"),
            StatusCode::NOT_FOUND,
            "not_found",
            None,
        ),
    ] {
        let r = app.api(Method::GET, &path, &owner, None).await;
        assert_envelope(&r, status, code, probe);
        if let Some(field) = field {
            assert_eq!(r.json()["error"]["field"], field, "{path}");
        }
    }
    let r = app
        .api(Method::GET, "/no-such-endpoint", &As::Anonymous, None)
        .await;
    assert_envelope(&r, StatusCode::NOT_FOUND, "not_found", "<html");

    let r = app
        .api(Method::DELETE, "/openapi.json", &As::Anonymous, None)
        .await;
    assert_envelope(
        &r,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        probe,
    );
    assert!(r.header("allow").contains("GET"), "{:?}", r.headers);

    let r = app
        .send(
            Request::post("/api/v1/auth/login")
                .header("origin", PUBLIC_ORIGIN)
                .header("content-type", "text/xml")
                .body(Body::from(format!("<login>{probe}</login>")))
                .unwrap(),
        )
        .await;
    assert_envelope(&r, StatusCode::BAD_REQUEST, "bad_request", probe);
}

/// serde fills a struct's fields from a JSON array by position; bodies must be objects.
async fn json_arrays_are_refused_as_bodies(app: TestApp) {
    let r = app
        .api(
            Method::POST,
            "/auth/register",
            &As::Anonymous,
            Some(json!([
                "array@example.com",
                "violet kettle drums 42",
                "Array"
            ])),
        )
        .await;
    assert_envelope(
        &r,
        StatusCode::BAD_REQUEST,
        "validation",
        "array@example.com",
    );
    let owner = app.user("array@example.com").await;
    let r = app
        .api(
            Method::POST,
            "/auth/login",
            &As::Anonymous,
            Some(json!(["array@example.com", crate::support::api::PASSWORD])),
        )
        .await;
    assert_envelope(
        &r,
        StatusCode::BAD_REQUEST,
        "validation",
        "array@example.com",
    );
    assert!(r.header("set-cookie").is_empty(), "no session for an array");
    let r = app
        .api(
            Method::POST,
            "/tenants",
            &owner,
            Some(json!(["arrays", "Arrays"])),
        )
        .await;
    assert_envelope(&r, StatusCode::BAD_REQUEST, "validation", "arrays");
    let me = app.api(Method::GET, "/me", &owner, None).await.json();
    assert_eq!(
        me["tenants"].as_array().unwrap().len(),
        0,
        "no tenant created"
    );
}

/// A server function given input it cannot decode answers 400, not 500.
async fn malformed_server_function_input_is_a_400(app: TestApp) {
    let owner = app.user("sfn@example.com").await;
    for (path, form) in [
        ("/api/account/password", &[("current_password", "x")][..]),
        ("/api/account/tokens/revoke", &[("id", "not-a-uuid")][..]),
        ("/api/chat/list", &[][..]),
    ] {
        let r = app.server_fn(&owner, path, form).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.text());
        assert_eq!(r.json()["code"], "bad_request", "{path}");
    }
}

on_both_databases! {
    database_failure => a_database_failure_reveals_no_sql;
    body_limit => oversized_bodies_get_a_json_413;
    envelope => every_api_answer_is_the_json_envelope;
    json_arrays => json_arrays_are_refused_as_bodies;
    server_fn_input => malformed_server_function_input_is_a_400;
}
