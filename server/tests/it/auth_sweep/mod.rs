//! The auth sweep: every REST endpoint and every server function, called anonymously, from
//! another tenant, and by each role of the matrix. A new endpoint is swept without anyone
//! remembering to add it: the role sweep is generated from the permission each REST
//! endpoint declares in its table and, for server functions, from `SERVER_FN_ACCESS`, which
//! must name every tenant-scoped one. Two tests show the sweep catching an unguarded and a
//! too weakly guarded endpoint.

use crate::support::{
    api::{api_request, server_fn_request, As},
    on_both_databases, sqlite_url, TestApp, TestResponse, PUBLIC_ORIGIN,
};
use app::backend::{
    authz::{grants, TenantCtx},
    state::AppState,
};
use app::error::AppError;
use app::roles::{Permission, Role};
use axum::{
    body::Body,
    extract::{Path, State},
    routing::{get, patch},
};
use http::{Method, Request, StatusCode};
use roles::SERVER_FN_ACCESS;
use serde_json::json;
use server::http::api::{endpoints, extract::Auth, Access, Endpoint};
use server::http::server_fn_guard::PUBLIC_SERVER_FNS;
use std::fmt;

mod roles;

/// Fills path parameters with ids of one tenant's objects.
#[derive(Clone)]
struct Ids {
    slug: String,
    user_id: String,
    invitation_id: String,
    token_id: String,
    invitation_token: String,
    provider_id: String,
    chat_id: String,
    message_id: String,
    sso_id: String,
}

/// An invitation token of the right shape that no tenant issued.
const UNKNOWN_INVITATION: &str =
    "inv_00000000000000000000000000000000_unknowntokenunknowntokenunknowntokenxx";

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
        // Not to or from owner: that needs `ManageOwners` on top (see `owner_probes`).
        p if p.ends_with("/members/{user_id}") => json!({ "role": "member" }),
        p if p.ends_with("/invitations") => json!({ "role": "member" }),
        p if p.ends_with("/chat-settings") => {
            json!({ "system_prompt": "Be brief.", "members_choose_model": true })
        }
        "/tenants/{slug}" => json!({ "name": "Renamed" }),
        "/admin/tenants/{slug}" => json!({ "suspended": true }),
        "/admin/users/{id}" => json!({ "disabled": true }),
        // The defaults: the sweep's later tenants must still be creatable.
        "/admin/settings" => json!({ "signup": "open", "tenant_creation": "anyone" }),
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
        if !access.needs_sign_in() {
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

/// An enabled OpenID Connect connection of tenant `slug` (its issuer is a closed port).
async fn create_sso(app: &TestApp, owner: &As, slug: &str) -> String {
    let form: Vec<(&str, String)> = [
        ("slug", slug),
        ("name", "Sweep SSO"),
        ("kind", "oidc"),
        ("issuer", "http://127.0.0.1:9"),
        ("client_id", "sweep-app"),
        ("client_secret", "sweep-secret"),
        ("enabled", "on"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect();
    let r = app.server_fn(owner, "/api/sso/save", &form).await;
    assert_eq!(r.status, StatusCode::OK, "create SSO: {}", r.text());
    r.json()["id"].as_str().unwrap().to_string()
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
        invitation_token: UNKNOWN_INVITATION.into(),
        token_id: token["id"].as_str().unwrap().into(),
        sso_id: create_sso(app, &a_owner, "sweep-a").await,
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
        let expected = if *access == Access::SuperAdmin {
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

async fn every_server_function_refuses_anonymous_callers(app: TestApp) {
    let public = PUBLIC_SERVER_FNS;
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
            .header("origin", PUBLIC_ORIGIN)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::empty())
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

/// One form that satisfies every server function's arguments (extra fields are ignored),
/// aimed at the objects in `ids` with plausible values, so that a guard — not decoding or
/// validation — decides the answer. `id` is the object the function's area is about.
fn server_fn_form(path: &str, ids: &Ids) -> Vec<(&'static str, String)> {
    let id = if path.starts_with("/api/ai/") {
        &ids.provider_id
    } else if path.starts_with("/api/invitations/") {
        &ids.invitation_id
    } else if path.starts_with("/api/sso/") {
        &ids.sso_id
    } else if path == "/api/chat/message" {
        &ids.message_id
    } else {
        &ids.chat_id
    };
    let kind = if path.starts_with("/api/sso/") {
        "oidc"
    } else {
        "openai_compatible"
    };
    [
        ("slug", ids.slug.as_str()),
        ("id", id),
        ("chat_id", &ids.chat_id),
        ("message_id", &ids.message_id),
        ("user_id", &ids.user_id),
        // Not owner: that needs `ManageOwners` on top (the role sweep checks it apart).
        ("role", "member"),
        ("name", "Sweep"),
        ("kind", kind),
        ("base_url", "http://127.0.0.1:9/v1"),
        ("api_key", "sk-sweep"),
        ("models", "m"),
        ("enabled_models", ""),
        ("content", "hello"),
        ("client_message_id", "sweep-1"),
        ("title", "Renamed"),
        ("query", ""),
        ("suspended", "true"),
        ("disabled", "true"),
        ("platform_ai", "true"),
        ("max_users", "5"),
        // The defaults: the sweep's later tenants must still be creatable.
        ("signup", "open"),
        ("tenant_creation", "anyone"),
        ("token", &ids.invitation_token),
        ("client_id", "sweep-app"),
        ("client_secret", "sweep-secret"),
        ("directory_id", "00000000-0000-0000-0000-000000000000"),
        ("issuer", "http://127.0.0.1:9"),
        ("scopes", "openid"),
        ("role_claim", "roles"),
        ("role_mappings", "x = member"),
        ("jit", "on"),
        ("default_role", "member"),
        ("enabled", "on"),
        ("require_sso", "on"),
        ("domains", "sweep.example"),
        ("current_password", crate::support::api::PASSWORD),
        ("new_password", "another long passphrase"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect()
}

/// Members, providers, chats, messages, chat and SSO settings of tenant A, as text.
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
    let sso = app
        .server_fn(owner, "/api/sso/settings", &[("slug", "sweep-a")])
        .await;
    seen.push_str(&sso.text());
    seen
}

async fn every_server_function_refuses_another_tenants_member(app: TestApp) {
    let (a_owner, b_member, ids) = setup(&app).await;
    let before = tenant_a_as_its_owner_sees_it(&app, &a_owner, &ids.chat_id).await;
    let public = PUBLIC_SERVER_FNS;
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
        let r = &app
            .server_fn(&b_member, &path, &server_fn_form(&path, &ids))
            .await;
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

/// A personal API token limited to `slug`, created by `owner`.
async fn limited_token(app: &TestApp, owner: &As, slug: &str) -> As {
    let r = app
        .api(
            Method::POST,
            "/me/tokens",
            owner,
            Some(json!({ "name": "limited", "tenant": slug })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    As::Bearer(r.json()["token"].as_str().unwrap().to_string())
}

/// A token limited to one tenant acts in that tenant only: every endpoint and server
/// function that acts on the whole account (its password, tokens, sessions, profile, new
/// tenants) or on the platform refuses it with 403, and nothing of the account changes.
async fn a_tenant_limited_token_reaches_nothing_account_wide(app: TestApp) {
    let (a_owner, _, ids) = setup(&app).await;
    let limited = limited_token(&app, &a_owner, "sweep-a").await;
    let root = app.user("root@sweep.example").await;
    app.tenant(&root, "sweep-root").await;
    use sea_orm::ConnectionTrait;
    app.owner()
        .await
        .execute_unprepared(
            "UPDATE users SET is_super_admin = true WHERE email = 'root@sweep.example'",
        )
        .await
        .unwrap();
    let root_limited = limited_token(&app, &root, "sweep-root").await;
    let token_ids = || async {
        let tokens = app
            .api(Method::GET, "/me/tokens", &a_owner, None)
            .await
            .json();
        let mut ids: Vec<String> = tokens["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    let tokens_before = token_ids().await;
    assert_eq!(tokens_before.len(), 2);

    assert_eq!(
        app.api(Method::GET, "/tenants/sweep-a", &limited, None)
            .await
            .status,
        StatusCode::OK,
        "the token works in its tenant"
    );
    let endpoints = endpoints();
    let mut checked = 0;
    for (method, path, access) in table(&endpoints) {
        let who = match access {
            Access::Account => &limited,
            Access::SuperAdmin => &root_limited,
            _ => continue,
        };
        let r = app
            .api(
                method.clone(),
                &concrete(path, &ids),
                who,
                body_for(&method, path),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{method} {path} with a tenant-limited token: {}",
            r.text()
        );
        assert_eq!(r.json()["error"]["code"], "forbidden");
        checked += 1;
    }
    assert!(checked >= 6, "the account-wide endpoints were swept");
    let server_fns = NOT_TENANT_SCOPED
        .iter()
        .filter(|p| p.starts_with("/api/account/") || **p == "/api/tenants/create")
        .map(|path| (*path, &limited))
        .chain(
            SERVER_FN_ACCESS
                .iter()
                .filter(|(_, access)| *access == Access::SuperAdmin)
                .map(|(path, _)| (*path, &root_limited)),
        );
    for (path, who) in server_fns {
        let form = server_fn_form(path, &ids);
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app.server_fn(who, path, &form).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "server function {path} with a tenant-limited token: {}",
            r.text()
        );
    }
    assert_eq!(
        token_ids().await,
        tokens_before,
        "every token is still there"
    );
    assert_eq!(
        app.api(Method::GET, "/me", &a_owner, None).await.status,
        StatusCode::OK,
        "the session is still alive"
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
    let providers = &doc["paths"]["/api/v1/tenants/{slug}/providers"]["get"];
    assert_eq!(providers["x-parley-permission"], "ManageAi");
    assert!(
        providers["description"]
            .as_str()
            .unwrap()
            .contains("(admin, owner)"),
        "{providers}"
    );
    assert_eq!(
        doc["paths"]["/api/v1/admin/users"]["get"]["x-parley-super-admin"],
        true
    );
}

on_both_databases! {
    rest_sweep => every_endpoint_refuses_anonymous_and_foreign_callers;
    server_fn_sweep => every_server_function_refuses_anonymous_callers;
    server_fn_foreign_sweep => every_server_function_refuses_another_tenants_member;
    limited_token_sweep => a_tenant_limited_token_reaches_nothing_account_wide;
}
