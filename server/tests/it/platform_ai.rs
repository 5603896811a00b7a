//! The platform's own AI provider (`PARLEY_OPENAI_API_KEY`): a super-admin offers it to a
//! tenant, whose members then chat through it without a key of their own; other tenants
//! neither see nor use it, and its key never leaves the server.

use crate::support::{api::As, postgres_url, sqlite_url, TestApp, TestDb};
use app::backend::llm::PlatformAi;
use http::{Method, StatusCode};
use parley_test_provider::{Handle, Options};
use secrecy::SecretString;
use serde_json::json;

const PLATFORM_KEY: &str = "sk-platform-canary-5309";

async fn platform_app(url: String, db: TestDb, upstream: &Handle) -> TestApp {
    let platform = PlatformAi {
        base_url: upstream.base_url(),
        key: SecretString::from(PLATFORM_KEY.to_string()),
        models: vec!["parley-echo".into()],
    };
    TestApp::with_platform_ai(url, db, platform).await
}

async fn super_admin(app: &TestApp) -> As {
    let root = app.user("root@platform.example").await;
    use sea_orm::ConnectionTrait;
    app.owner()
        .await
        .execute_unprepared(
            "UPDATE users SET is_super_admin = true WHERE email = 'root@platform.example'",
        )
        .await
        .unwrap();
    root
}

async fn models_of(app: &TestApp, slug: &str, who: &As) -> Vec<String> {
    let r = app
        .api(Method::GET, &format!("/tenants/{slug}/models"), who, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect()
}

async fn an_offered_tenant_chats_through_the_platform_provider(app: TestApp, upstream: Handle) {
    let root = super_admin(&app).await;
    let offered = app.user("owner@offered.example").await;
    app.tenant(&offered, "offered").await;
    let other = app.user("owner@other.example").await;
    app.tenant(&other, "other").await;

    // Not offered yet: nothing to pick.
    assert!(models_of(&app, "offered", &offered).await.is_empty());

    // Only a super-admin can offer it.
    let r = app
        .api(
            Method::PATCH,
            "/admin/tenants/offered",
            &offered,
            Some(json!({ "platform_ai": true })),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let r = app
        .api(
            Method::PATCH,
            "/admin/tenants/offered",
            &root,
            Some(json!({ "platform_ai": true })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let listed = app
        .api(Method::GET, "/admin/tenants?q=offered", &root, None)
        .await;
    assert_eq!(
        listed.json()["items"][0]["platform_ai"],
        true,
        "{}",
        listed.text()
    );

    assert_eq!(
        models_of(&app, "offered", &offered).await,
        vec!["platform/parley-echo".to_string()]
    );
    assert!(models_of(&app, "other", &other).await.is_empty());

    // A member of the offered tenant gets an answer through it.
    let chat = app
        .api(
            Method::POST,
            "/tenants/offered/chats",
            &offered,
            Some(json!({})),
        )
        .await
        .json();
    let chat_id = chat["id"].as_str().unwrap();
    let sent = app
        .api(
            Method::POST,
            &format!("/tenants/offered/chats/{chat_id}/messages"),
            &offered,
            Some(json!({ "content": "Hello platform", "model": "platform/parley-echo" })),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
    let answer = &sent.json()["assistant_message"];
    assert_eq!(answer["status"], "complete", "{answer}");
    assert_eq!(answer["content"], "You said: Hello platform.");
    assert_eq!(answer["model"], "platform/parley-echo");
    assert!(!sent.text().contains(PLATFORM_KEY));

    // The other tenant cannot use it, by id or by name, and nothing reaches the provider.
    let before = upstream.requests().len();
    let chat = app
        .api(
            Method::POST,
            "/tenants/other/chats",
            &other,
            Some(json!({})),
        )
        .await
        .json();
    let chat_id = chat["id"].as_str().unwrap();
    for model in ["platform/parley-echo", "parley-echo"] {
        let r = app
            .api(
                Method::POST,
                &format!("/tenants/other/chats/{chat_id}/messages"),
                &other,
                Some(json!({ "content": "Let me in", "model": model })),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{model}: {}", r.text());
    }
    assert_eq!(upstream.requests().len(), before);

    // Withdrawn: the offered tenant loses it again.
    let r = app
        .api(
            Method::PATCH,
            "/admin/tenants/offered",
            &root,
            Some(json!({ "platform_ai": false })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(models_of(&app, "offered", &offered).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    let upstream = upstream().await;
    let (url, db) = sqlite_url().await;
    let app = platform_app(url, db, &upstream).await;
    an_offered_tenant_chats_through_the_platform_provider(app, upstream).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    let upstream = upstream().await;
    let (url, db) = postgres_url().await;
    let app = platform_app(url, db, &upstream).await;
    an_offered_tenant_chats_through_the_platform_provider(app, upstream).await;
}

/// Without a platform provider configured, offering one is refused with a reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offering_needs_a_configured_platform_provider() {
    let app = TestApp::sqlite().await;
    let root = super_admin(&app).await;
    let owner = app.user("owner@plain.example").await;
    app.tenant(&owner, "plain").await;
    let r = app
        .api(
            Method::PATCH,
            "/admin/tenants/plain",
            &root,
            Some(json!({ "platform_ai": true })),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert!(r.text().contains("PARLEY_OPENAI_API_KEY"), "{}", r.text());
}

async fn upstream() -> Handle {
    Handle::start(Options {
        api_key: Some(PLATFORM_KEY.into()),
        ..Options::default()
    })
    .await
    .unwrap()
}
