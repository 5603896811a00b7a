//! The auth sweep: every REST endpoint and every server function, called anonymously and
//! from another tenant, with the role matrix checked per role. A new endpoint is swept
//! without anyone remembering to add it, and the last test shows the sweep catching an
//! unguarded one.

use crate::support::{api::As, on_both_databases, sqlite_url, TestApp};
use axum::routing::get;
use http::{Method, StatusCode};
use serde_json::json;
use server::http::api::{endpoints, Access, Endpoint};

/// Fills path parameters with ids of tenant A's objects.
struct Ids {
    slug: String,
    user_id: String,
    invitation_id: String,
    token_id: String,
    invitation_token: String,
    provider_id: String,
    chat_id: String,
    message_id: String,
}

fn concrete(path: &str, ids: &Ids) -> String {
    path.replace("{slug}", &ids.slug)
        .replace("{user_id}", &ids.user_id)
        .replace("{token}", &ids.invitation_token)
        .replace("{message_id}", &ids.message_id)
        .replace(
            "{id}",
            if path.starts_with("/me/tokens") {
                &ids.token_id
            } else if path.starts_with("/admin/users") {
                &ids.user_id
            } else if path.contains("/providers/") {
                &ids.provider_id
            } else if path.contains("/chats/") {
                &ids.chat_id
            } else {
                &ids.invitation_id
            },
        )
}

/// A plausible body, so a guard — not input validation — decides the answer.
fn body_for(method: &Method, path: &str) -> Option<serde_json::Value> {
    if !matches!(*method, Method::POST | Method::PATCH | Method::PUT) {
        return None;
    }
    Some(match path {
        p if p.ends_with("/providers") => {
            json!({ "name": "Sweep", "kind": "openai_compatible", "base_url": "http://127.0.0.1:9/v1" })
        }
        p if p.ends_with("/messages") => json!({ "content": "hello" }),
        p if p.ends_with("/members/{user_id}") => json!({ "role": "viewer" }),
        p if p.ends_with("/invitations") => json!({ "role": "member" }),
        "/tenants/{slug}" => json!({ "name": "Renamed" }),
        "/admin/tenants/{slug}" => json!({ "suspended": true }),
        "/admin/users/{id}" => json!({ "disabled": true }),
        "/me/tokens" => json!({ "name": "sweep" }),
        _ => json!({}),
    })
}

/// Calls every endpoint anonymously; returns the ones that did not answer 401 although
/// they are not public.
async fn anonymous_leaks(
    app: &TestApp,
    table: &[(Method, &'static str, Access)],
    ids: &Ids,
) -> Vec<String> {
    let mut leaks = Vec::new();
    for (method, path, access) in table {
        if *access == Access::Public {
            continue;
        }
        let r = app
            .api(
                method.clone(),
                &concrete(path, ids),
                &As::Anonymous,
                body_for(method, path),
            )
            .await;
        if r.status != StatusCode::UNAUTHORIZED {
            leaks.push(format!(
                "{method} {path} answered {} to an anonymous caller",
                r.status
            ));
        }
    }
    leaks
}

fn table(endpoints: &[Endpoint]) -> Vec<(Method, &'static str, Access)> {
    endpoints
        .iter()
        .map(|e| (e.method.clone(), e.path, e.access))
        .collect()
}

async fn setup(app: &TestApp) -> (As, As, Ids) {
    let a_owner = app.user("owner@a.example").await;
    let b_member = app.user("member@b.example").await;
    app.tenant(&a_owner, "sweep-a").await;
    app.tenant(&b_member, "sweep-b").await;
    let invitation = app
        .api(
            Method::POST,
            "/tenants/sweep-a/invitations",
            &a_owner,
            Some(json!({ "role": "member" })),
        )
        .await
        .json();
    let token = app
        .api(
            Method::POST,
            "/me/tokens",
            &a_owner,
            Some(json!({ "name": "a-token" })),
        )
        .await
        .json();
    let provider = app
        .api(
            Method::POST,
            "/tenants/sweep-a/providers",
            &a_owner,
            Some(json!({ "name": "Closed port", "kind": "openai_compatible",
                         "base_url": "http://127.0.0.1:9/v1", "models": ["m"] })),
        )
        .await
        .json();
    let chat = app
        .api(
            Method::POST,
            "/tenants/sweep-a/chats",
            &a_owner,
            Some(json!({})),
        )
        .await
        .json();
    let chat_id = chat["id"].as_str().unwrap().to_string();
    let exchange = app
        .api(
            Method::POST,
            &format!("/tenants/sweep-a/chats/{chat_id}/messages"),
            &a_owner,
            Some(json!({ "content": "hello" })),
        )
        .await
        .json();
    let ids = Ids {
        provider_id: provider["id"].as_str().unwrap().into(),
        chat_id,
        message_id: exchange["assistant_message"]["id"].as_str().unwrap().into(),
        slug: "sweep-a".into(),
        user_id: app.user_id(&a_owner).await,
        invitation_id: invitation["id"].as_str().unwrap().into(),
        invitation_token:
            "inv_00000000000000000000000000000000_unknowntokenunknowntokenunknowntokenxx".into(),
        token_id: token["id"].as_str().unwrap().into(),
    };
    (a_owner, b_member, ids)
}

async fn every_endpoint_refuses_anonymous_and_foreign_callers(app: TestApp) {
    let (a_owner, b_member, ids) = setup(&app).await;
    let endpoints = endpoints();
    let table = table(&endpoints);

    let leaks = anonymous_leaks(&app, &table, &ids).await;
    assert!(leaks.is_empty(), "{leaks:#?}");

    // A member of tenant B on tenant A's objects: 404 (or 403 for platform-only routes).
    let members_before = app
        .api(Method::GET, "/tenants/sweep-a/members", &a_owner, None)
        .await
        .text();
    for (method, path, access) in &table {
        if *access == Access::Public || !path.contains('{') {
            continue;
        }
        let r = app
            .api(
                method.clone(),
                &concrete(path, &ids),
                &b_member,
                body_for(method, path),
            )
            .await;
        let expected = if path.starts_with("/admin/") {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(
            r.status,
            expected,
            "{method} {path} as a member of another tenant: {}",
            r.text()
        );
    }
    let members_after = app
        .api(Method::GET, "/tenants/sweep-a/members", &a_owner, None)
        .await
        .text();
    assert_eq!(members_before, members_after);
    let tokens = app
        .api(Method::GET, "/me/tokens", &a_owner, None)
        .await
        .json();
    assert_eq!(
        tokens["items"].as_array().unwrap().len(),
        1,
        "A's token survived B's attempts"
    );
}

async fn each_role_has_exactly_its_matrix_rights(app: TestApp) {
    use app::roles::{Permission, Role};
    let owner = app.user("owner@roles.example").await;
    app.tenant(&owner, "roles").await;
    let target = app.user("target@roles.example").await;
    app.join(&owner, "roles", &target, "viewer").await;
    let target_id = app.user_id(&target).await;

    for role in [Role::Viewer, Role::Member, Role::Admin] {
        let email = format!("{}@roles.example", role.as_str());
        let who = app.user(&email).await;
        app.join(&owner, "roles", &who, role.as_str()).await;
        let checks: [(Permission, Method, String, Option<serde_json::Value>); 4] = [
            (
                Permission::ViewTenant,
                Method::GET,
                "/tenants/roles/members".into(),
                None,
            ),
            (
                Permission::UpdateTenant,
                Method::PATCH,
                "/tenants/roles".into(),
                Some(json!({ "name": "Roles Inc." })),
            ),
            (
                Permission::ManageInvitations,
                Method::GET,
                "/tenants/roles/invitations".into(),
                None,
            ),
            (
                Permission::ManageMembers,
                Method::PATCH,
                format!("/tenants/roles/members/{target_id}"),
                Some(json!({ "role": "viewer" })),
            ),
        ];
        for (permission, method, path, body) in checks {
            let r = app.api(method.clone(), &path, &who, body).await;
            let allowed = role.can(permission);
            assert_eq!(
                r.status.is_success(),
                allowed,
                "{role} on {method} {path} ({permission:?}): {} {}",
                r.status,
                r.text()
            );
            if !allowed {
                assert_eq!(r.status, StatusCode::FORBIDDEN);
            }
        }
        let r = app
            .api(
                Method::POST,
                "/tenants/roles/invitations",
                &who,
                Some(json!({ "role": "owner" })),
            )
            .await;
        assert_eq!(
            r.status.is_success(),
            role.can(Permission::ManageOwners),
            "{role} inviting an owner"
        );
    }
}

async fn every_server_function_refuses_anonymous_callers(app: TestApp) {
    let public = server::http::server_fn_guard::PUBLIC_SERVER_FNS;
    let paths: Vec<(String, Method)> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (path.to_string(), method))
        .collect();
    assert!(!paths.is_empty(), "server functions are registered");
    for (path, method) in paths {
        if public.contains(&path.as_str()) {
            continue;
        }
        let req = http::Request::builder()
            .method(method.clone())
            .uri(&path)
            .header("origin", crate::support::PUBLIC_ORIGIN)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::empty())
            .unwrap();
        let r = app.send(req).await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "server function {method} {path}: {}",
            r.text()
        );
    }
}

/// Server functions that act on the caller's own account or on the platform, not on a
/// tenant named in the request; the foreign-tenant sweep leaves them to their own tests.
const NOT_TENANT_SCOPED: &[&str] = &[
    "/api/account/password",
    "/api/account/profile",
    "/api/account/sessions",
    "/api/account/sign-out-everywhere",
    "/api/account/tokens",
    "/api/account/tokens/create",
    "/api/account/tokens/revoke",
    "/api/account/sso",
    "/api/tenants/create",
    "/api/invitations/accept",
];

/// One form body that satisfies every server function's arguments, aimed at tenant A's
/// objects: `id` is the object the function's area is about.
fn foreign_form(path: &str, ids: &Ids) -> String {
    let id = if path.starts_with("/api/ai/") {
        &ids.provider_id
    } else if path.starts_with("/api/invitations/") {
        &ids.invitation_id
    } else {
        &ids.chat_id
    };
    [
        ("slug", ids.slug.as_str()),
        ("id", id),
        ("chat_id", &ids.chat_id),
        ("message_id", &ids.message_id),
        ("user_id", &ids.user_id),
        ("role", "member"),
        ("name", "Intruder"),
        ("kind", "openai_compatible"),
        ("base_url", "http://127.0.0.1:9/v1"),
        ("api_key", "sk-intruder"),
        ("models", "m"),
        ("enabled_models", ""),
        ("content", "hello"),
        ("client_message_id", "sweep-1"),
        ("title", "Taken over"),
        ("query", ""),
        ("suspended", "true"),
        ("disabled", "true"),
        ("platform_ai", "true"),
        ("max_users", "5"),
        ("signup", "open"),
        ("tenant_creation", "anyone"),
        ("token", &ids.invitation_token),
        ("client_id", "intruder-app"),
        ("client_secret", "intruder-secret"),
        ("directory_id", "00000000-0000-0000-0000-000000000000"),
        ("issuer", "https://idp.example"),
        ("scopes", "openid"),
        ("role_claim", "roles"),
        ("role_mappings", "x = owner"),
        ("jit", "on"),
        ("default_role", "owner"),
        ("enabled", "on"),
        ("require_sso", "on"),
        ("domains", "intruder.example"),
    ]
    .iter()
    .map(|(k, v)| format!("{k}={}", v.replace(':', "%3A").replace('/', "%2F")))
    .collect::<Vec<_>>()
    .join("&")
}

/// Members, providers, chats, messages and chat settings of tenant A, as text.
async fn tenant_a_as_its_owner_sees_it(app: &TestApp, owner: &As, chat: &str) -> String {
    let mut seen = String::new();
    for path in [
        "/tenants/sweep-a/members".to_string(),
        "/tenants/sweep-a/providers".to_string(),
        "/tenants/sweep-a/chats".to_string(),
        format!("/tenants/sweep-a/chats/{chat}/messages"),
        "/tenants/sweep-a/chat-settings".to_string(),
    ] {
        seen.push_str(&app.api(Method::GET, &path, owner, None).await.text());
    }
    seen
}

async fn every_server_function_refuses_another_tenants_member(app: TestApp) {
    let (a_owner, b_member, ids) = setup(&app).await;
    let As::Cookie(cookie) = &b_member else {
        panic!("the sweep signs in with a cookie")
    };
    let before = tenant_a_as_its_owner_sees_it(&app, &a_owner, &ids.chat_id).await;
    let public = server::http::server_fn_guard::PUBLIC_SERVER_FNS;
    let paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    for exempt in NOT_TENANT_SCOPED {
        assert!(
            paths.iter().any(|p| p == exempt),
            "{exempt} is listed as not tenant-scoped but is not a server function"
        );
    }
    for path in paths {
        if public.contains(&path.as_str()) || NOT_TENANT_SCOPED.contains(&path.as_str()) {
            continue;
        }
        let req = http::Request::builder()
            .method(Method::POST)
            .uri(&path)
            .header("origin", crate::support::PUBLIC_ORIGIN)
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(foreign_form(&path, &ids)))
            .unwrap();
        let r = app.send(req).await;
        let expected = if path.starts_with("/api/admin/") {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(
            r.status,
            expected,
            "server function {path} as a member of another tenant: {}",
            r.text()
        );
    }
    assert_eq!(
        before,
        tenant_a_as_its_owner_sees_it(&app, &a_owner, &ids.chat_id).await,
        "tenant A is unchanged"
    );
}

/// The sweep notices a route added without a guard: register one and see it reported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sweep_catches_an_unguarded_endpoint() {
    let mut with_leak = endpoints();
    with_leak.push(Endpoint::new(
        Method::GET,
        "/tenants/{slug}/leak",
        Access::SignedIn, // claims to need a caller, but never asks for one
        "an endpoint someone forgot to guard",
        get(|| async { "tenant secrets" }),
    ));
    let (url, db) = sqlite_url().await;
    let app = TestApp::start_with(url, db, with_leak).await;
    let (_, _, ids) = setup(&app).await;
    let leaks = anonymous_leaks(
        &app,
        &table(&{
            let mut e = endpoints();
            e.push(Endpoint::new(
                Method::GET,
                "/tenants/{slug}/leak",
                Access::SignedIn,
                "",
                get(|| async { "" }),
            ));
            e
        }),
        &ids,
    )
    .await;
    assert_eq!(
        leaks,
        vec!["GET /tenants/{slug}/leak answered 200 OK to an anonymous caller".to_string()]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_matches_the_router() {
    let app = TestApp::sqlite().await;
    let doc = app
        .api(Method::GET, "/openapi.json", &As::Anonymous, None)
        .await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let mut documented = 0;
    for (path, ops) in paths {
        for (method, _) in ops.as_object().unwrap() {
            documented += 1;
            let method: Method = method.to_uppercase().parse().unwrap();
            let rel = path
                .strip_prefix("/api/v1")
                .unwrap()
                .replace('{', "x")
                .replace('}', "");
            let r = app.api(method.clone(), &rel, &As::Anonymous, None).await;
            assert!(
                r.status != StatusCode::NOT_FOUND || r.json()["error"]["code"] == "not_found",
                "{method} {path} is documented but not routed"
            );
            assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        }
    }
    assert_eq!(
        documented,
        endpoints().len(),
        "every endpoint documented once"
    );
}

on_both_databases! {
    rest_sweep => every_endpoint_refuses_anonymous_and_foreign_callers;
    role_matrix => each_role_has_exactly_its_matrix_rights;
    server_fn_sweep => every_server_function_refuses_anonymous_callers;
    server_fn_foreign_sweep => every_server_function_refuses_another_tenants_member;
}
