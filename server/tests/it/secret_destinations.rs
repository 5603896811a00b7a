//! A stored secret goes only where it was entered for: changing a provider's address or
//! kind needs its key again, changing an SSO connection's issuer or directory needs its
//! client secret again. Otherwise an admin could point a provider at their own host, press
//! **Test connection** and receive someone else's key.

use crate::support::{api::As, on_both_databases, TestApp};
use http::{Method, StatusCode};
use parley_test_provider::{Handle, Options};
use serde_json::json;

const STORED_KEY: &str = "sk-stored-key-entered-for-the-real-host";

async fn provider_host(key: &str) -> Handle {
    Handle::start(Options {
        api_key: Some(key.into()),
        ..Options::default()
    })
    .await
    .unwrap()
}

/// Whether `host` was sent `key` in any request.
fn received_key(host: &Handle, key: &str) -> bool {
    host.requests()
        .iter()
        .any(|r| r.auth.as_deref().is_some_and(|auth| auth.contains(key)))
}

async fn a_provider_key_is_not_sent_to_a_new_address_without_being_entered_again(app: TestApp) {
    let real = provider_host(STORED_KEY).await;
    let elsewhere = provider_host("sk-attacker-own-key").await;
    let admin = app.user("admin@keys.example").await;
    app.tenant(&admin, "keys").await;
    let created = app
        .api(
            Method::POST,
            "/tenants/keys/providers",
            &admin,
            Some(json!({ "name": "Real", "kind": "openai_compatible",
                         "base_url": real.base_url(), "api_key": STORED_KEY })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let provider = format!(
        "/tenants/keys/providers/{}",
        created.json()["id"].as_str().unwrap()
    );

    for change in [
        json!({ "base_url": elsewhere.base_url() }),
        json!({ "kind": "openai" }),
        json!({ "kind": "azure_openai", "base_url": elsewhere.azure_endpoint() }),
    ] {
        let moved = app
            .api(Method::PATCH, &provider, &admin, Some(change.clone()))
            .await;
        assert_eq!(
            moved.status,
            StatusCode::BAD_REQUEST,
            "{change}: {}",
            moved.text()
        );
        assert_eq!(moved.json()["error"]["field"], "api_key", "{change}");
    }
    let unchanged = app.api(Method::GET, &provider, &admin, None).await.json();
    assert_eq!(unchanged["base_url"], real.base_url());
    assert_eq!(unchanged["kind"], "openai_compatible");

    let test = app
        .api(Method::POST, &format!("{provider}/test"), &admin, None)
        .await;
    assert_eq!(test.json()["ok"], true, "{}", test.text());
    assert!(received_key(&real, STORED_KEY));
    assert!(
        elsewhere.requests().is_empty(),
        "nothing reached the new address"
    );

    // With the key entered again the move is allowed, and only that key goes there.
    let moved = app
        .api(
            Method::PATCH,
            &provider,
            &admin,
            Some(json!({ "base_url": elsewhere.base_url(), "api_key": "sk-attacker-own-key" })),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text());
    let test = app
        .api(Method::POST, &format!("{provider}/test"), &admin, None)
        .await;
    assert_eq!(test.json()["ok"], true, "{}", test.text());
    assert!(received_key(&elsewhere, "sk-attacker-own-key"));
    assert!(!received_key(&elsewhere, STORED_KEY));

    // Or with the key removed.
    let moved = app
        .api(
            Method::PATCH,
            &provider,
            &admin,
            Some(json!({ "base_url": real.base_url(), "api_key": "" })),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text());
    assert!(moved.json()["api_key_hint"].is_null());
}

/// The SSO connection form, as the settings page posts it.
fn connection<'a>(id: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("slug", "idp"),
        ("id", id),
        ("name", "Company sign-in"),
        ("kind", "oidc"),
        ("issuer", "http://127.0.0.1:9/realms/company"),
        ("client_id", "parley"),
        ("enabled", "on"),
    ];
    for (key, value) in extra {
        form.retain(|(k, _)| k != key);
        form.push((key, value));
    }
    form
}

async fn settings(app: &TestApp, owner: &As) -> serde_json::Value {
    let r = app
        .server_fn(owner, "/api/sso/settings", &[("slug", "idp")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["connections"][0].clone()
}

async fn an_sso_client_secret_is_not_sent_to_a_new_issuer_without_being_entered_again(
    app: TestApp,
) {
    let owner = app.user("owner@idp.example").await;
    app.tenant(&owner, "idp").await;
    let created = app
        .server_fn(
            &owner,
            "/api/sso/save",
            &connection("", &[("client_secret", "stored-client-secret")]),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text());
    let id = created.json()["id"].as_str().unwrap().to_string();
    let before = settings(&app, &owner).await;

    for change in [
        vec![("issuer", "http://127.0.0.1:10/realms/mine")],
        vec![
            ("kind", "entra"),
            ("directory_id", "72f988bf-86f1-41af-91ab-2d7cd011db47"),
        ],
    ] {
        let moved = app
            .server_fn(&owner, "/api/sso/save", &connection(&id, &change))
            .await;
        assert_eq!(
            moved.status,
            StatusCode::BAD_REQUEST,
            "{change:?}: {}",
            moved.text()
        );
        assert_eq!(moved.json()["field"], "client_secret", "{change:?}");
    }
    assert_eq!(settings(&app, &owner).await, before, "nothing changed");

    // Other fields still save without the secret; a new issuer saves with it.
    let renamed = app
        .server_fn(
            &owner,
            "/api/sso/save",
            &connection(&id, &[("name", "Company SSO")]),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text());
    let moved = app
        .server_fn(
            &owner,
            "/api/sso/save",
            &connection(
                &id,
                &[
                    ("issuer", "http://127.0.0.1:10/realms/mine"),
                    ("client_secret", "a-secret-for-the-new-issuer"),
                ],
            ),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text());
    let after = settings(&app, &owner).await;
    assert_eq!(after["issuer"], "http://127.0.0.1:10/realms/mine");
    assert_eq!(after["client_secret_hint"], "…suer");
}

on_both_databases! {
    provider_key => a_provider_key_is_not_sent_to_a_new_address_without_being_entered_again;
    sso_secret => an_sso_client_secret_is_not_sent_to_a_new_issuer_without_being_entered_again;
}
