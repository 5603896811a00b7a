//! Server-rendered pages: the shell, the 404 page, compression.

use crate::support::{on_both_databases, TestApp};
use axum::body::Body;
use http::{Request, StatusCode};

async fn home_page_renders_the_shell(app: TestApp) {
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").starts_with("text/html"));
    let html = page.text();
    assert!(html.contains("Welcome to Parley"));
    assert!(
        html.contains(r#"aria-label="Main""#),
        "sidebar navigation rendered"
    );
    assert!(html.contains(r#"data-theme="system""#));
}

async fn unknown_paths_are_404_pages(app: TestApp) {
    let page = app.get("/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.text().contains("Page not found"));
}

async fn a_theme_cookie_is_rendered_on_the_server(app: TestApp) {
    let page = app
        .send(
            Request::get("/")
                .header("cookie", "parley_theme=dark")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(page.text().contains(r#"data-theme="dark""#));
    let page = app
        .send(
            Request::get("/")
                .header("cookie", "parley_theme=\"><script>")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        page.text().contains(r#"data-theme="system""#),
        "unknown values fall back"
    );
}

async fn pages_are_compressed(app: TestApp) {
    let page = app
        .send(
            Request::get("/")
                .header("accept-encoding", "br, gzip")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("content-encoding"), "br");
}

on_both_databases! {
    home_page => home_page_renders_the_shell;
    not_found_page => unknown_paths_are_404_pages;
    theme_cookie => a_theme_cookie_is_rendered_on_the_server;
    compression => pages_are_compressed;
}
