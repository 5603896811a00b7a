//! REST API v1 (`/api/v1`, contract in API.md). The router is built from one table of
//! endpoints, which also produces the OpenAPI document and drives the auth sweep test:
//! a route cannot exist without being listed, and a listed route is swept.

mod admin;
mod auth;
mod chats;
pub mod extract;
mod me;
mod openapi;
mod providers;
mod tenants;

use app::backend::state::AppState;
use axum::{
    routing::{delete, get, patch, post, MethodRouter},
    Router,
};
use http::Method;
use serde::Serialize;

pub const PREFIX: &str = "/api/v1";

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (sign-up, sign-in, the API description).
    Public,
    /// A signed-in caller: session cookie or personal API token.
    SignedIn,
}

pub struct Endpoint {
    pub method: Method,
    /// Relative to `PREFIX`, in axum's `{param}` syntax (as OpenAPI).
    pub path: &'static str,
    pub access: Access,
    pub summary: &'static str,
    route: MethodRouter<AppState>,
}

impl Endpoint {
    pub fn new(
        method: Method,
        path: &'static str,
        access: Access,
        summary: &'static str,
        route: MethodRouter<AppState>,
    ) -> Self {
        Self {
            method,
            path,
            access,
            summary,
            route,
        }
    }
}

use Access::{Public, SignedIn};

/// Every REST endpoint.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            Method::GET,
            "/openapi.json",
            Public,
            "This API's OpenAPI 3.1 document",
            get(openapi::document),
        ),
        Endpoint::new(
            Method::POST,
            "/auth/register",
            Public,
            "Create an account",
            post(auth::register),
        ),
        Endpoint::new(
            Method::POST,
            "/auth/login",
            Public,
            "Sign in and receive the session cookie",
            post(auth::login),
        ),
        Endpoint::new(
            Method::POST,
            "/auth/logout",
            SignedIn,
            "End this session",
            post(auth::logout),
        ),
        Endpoint::new(
            Method::POST,
            "/auth/logout-everywhere",
            SignedIn,
            "End every session of the caller",
            post(auth::logout_everywhere),
        ),
        Endpoint::new(
            Method::GET,
            "/me",
            SignedIn,
            "The caller and their tenants",
            get(me::me),
        ),
        Endpoint::new(
            Method::POST,
            "/me/password",
            SignedIn,
            "Change the password (ends other sessions)",
            post(me::change_password),
        ),
        Endpoint::new(
            Method::POST,
            "/me/tokens",
            SignedIn,
            "Create a personal API token (shown once)",
            post(me::create_token),
        ),
        Endpoint::new(
            Method::GET,
            "/me/tokens",
            SignedIn,
            "List personal API tokens (never the secret)",
            get(me::tokens),
        ),
        Endpoint::new(
            Method::DELETE,
            "/me/tokens/{id}",
            SignedIn,
            "Revoke a personal API token",
            delete(me::revoke_token),
        ),
        Endpoint::new(
            Method::POST,
            "/tenants",
            SignedIn,
            "Create a tenant; the caller becomes its owner",
            post(tenants::create),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}",
            SignedIn,
            "A tenant (viewer+)",
            get(tenants::get),
        ),
        Endpoint::new(
            Method::PATCH,
            "/tenants/{slug}",
            SignedIn,
            "Update a tenant (admin+)",
            patch(tenants::update),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}/members",
            SignedIn,
            "Members (viewer+)",
            get(tenants::members),
        ),
        Endpoint::new(
            Method::PATCH,
            "/tenants/{slug}/members/{user_id}",
            SignedIn,
            "Change a member's role (admin+, owner for owners)",
            patch(tenants::change_role),
        ),
        Endpoint::new(
            Method::DELETE,
            "/tenants/{slug}/members/{user_id}",
            SignedIn,
            "Remove a member, or leave (own id)",
            delete(tenants::remove_member),
        ),
        Endpoint::new(
            Method::POST,
            "/tenants/{slug}/invitations",
            SignedIn,
            "Invite someone (admin+)",
            post(tenants::invite),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}/invitations",
            SignedIn,
            "Pending invitations (admin+)",
            get(tenants::invitations),
        ),
        Endpoint::new(
            Method::DELETE,
            "/tenants/{slug}/invitations/{id}",
            SignedIn,
            "Revoke an invitation (admin+)",
            delete(tenants::revoke_invitation),
        ),
        Endpoint::new(
            Method::POST,
            "/invitations/{token}/accept",
            SignedIn,
            "Accept an invitation",
            post(tenants::accept),
        ),
        Endpoint::new(
            Method::GET,
            "/admin/tenants",
            SignedIn,
            "All tenants, `?q=` to search (super-admin)",
            get(admin::tenants),
        ),
        Endpoint::new(
            Method::PATCH,
            "/admin/tenants/{slug}",
            SignedIn,
            "Suspend or reactivate a tenant, set or clear its member limit (super-admin)",
            patch(admin::suspend_tenant),
        ),
        Endpoint::new(
            Method::GET,
            "/admin/users",
            SignedIn,
            "All users, `?q=` to search (super-admin)",
            get(admin::users),
        ),
        Endpoint::new(
            Method::PATCH,
            "/admin/users/{id}",
            SignedIn,
            "Disable or enable a user (super-admin)",
            patch(admin::disable_user),
        ),
        Endpoint::new(
            Method::GET,
            "/admin/settings",
            SignedIn,
            "Platform settings: sign-up mode, who may create tenants (super-admin)",
            get(admin::settings),
        ),
        Endpoint::new(
            Method::PUT,
            "/admin/settings",
            SignedIn,
            "Change the platform settings (super-admin)",
            axum::routing::put(admin::update_settings),
        ),
        Endpoint::new(
            Method::POST,
            "/admin/users/{id}/password-reset",
            SignedIn,
            "Give a user a new one-time password, shown once (super-admin)",
            post(admin::reset_password),
        ),
        Endpoint::new(
            Method::POST,
            "/tenants/{slug}/providers",
            SignedIn,
            "Add an AI provider; the key is sealed and never returned (admin+)",
            post(providers::create),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}/providers",
            SignedIn,
            "AI providers (admin+)",
            get(providers::index),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}/providers/{id}",
            SignedIn,
            "One AI provider (admin+)",
            get(providers::show),
        ),
        Endpoint::new(
            Method::PATCH,
            "/tenants/{slug}/providers/{id}",
            SignedIn,
            "Change a provider, its key (`\"\"` removes it) or its enabled models (admin+)",
            patch(providers::update),
        ),
        Endpoint::new(
            Method::DELETE,
            "/tenants/{slug}/providers/{id}",
            SignedIn,
            "Remove a provider (admin+)",
            delete(providers::delete),
        ),
        Endpoint::new(
            Method::POST,
            "/tenants/{slug}/providers/{id}/test",
            SignedIn,
            "Test the connection and refresh the provider's model list (admin+)",
            post(providers::test),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}/models",
            SignedIn,
            "The models the caller may pick (member+)",
            get(providers::models),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}/chat-settings",
            SignedIn,
            "Chat defaults and member policy (member+)",
            get(providers::settings),
        ),
        Endpoint::new(
            Method::PUT,
            "/tenants/{slug}/chat-settings",
            SignedIn,
            "Change chat defaults and member policy (admin+)",
            axum::routing::put(providers::update_settings),
        ),
        Endpoint::new(
            Method::POST,
            "/tenants/{slug}/chats",
            SignedIn,
            "Start a chat (member+)",
            post(chats::create),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}/chats",
            SignedIn,
            "The caller's chats, `?q=` searches titles and messages (member+)",
            get(chats::index),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}/chats/{id}",
            SignedIn,
            "One of the caller's chats",
            get(chats::show),
        ),
        Endpoint::new(
            Method::PATCH,
            "/tenants/{slug}/chats/{id}",
            SignedIn,
            "Rename, pin, or change a chat's model or system prompt",
            patch(chats::update),
        ),
        Endpoint::new(
            Method::DELETE,
            "/tenants/{slug}/chats/{id}",
            SignedIn,
            "Delete a chat (restorable for a day)",
            delete(chats::delete),
        ),
        Endpoint::new(
            Method::POST,
            "/tenants/{slug}/chats/{id}/restore",
            SignedIn,
            "Undo deleting a chat",
            post(chats::restore),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}/chats/{id}/messages",
            SignedIn,
            "Messages, oldest first; `?cursor=` pages back",
            get(chats::messages),
        ),
        Endpoint::new(
            Method::POST,
            "/tenants/{slug}/chats/{id}/messages",
            SignedIn,
            "Send a message; `\"stream\": true` answers with server-sent events",
            post(chats::send),
        ),
        Endpoint::new(
            Method::POST,
            "/tenants/{slug}/chats/{id}/regenerate",
            SignedIn,
            "Answer the last question again; with `content`, edit it first",
            post(chats::regenerate),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}/chats/{id}/messages/{message_id}/events",
            SignedIn,
            "Follow an answer as server-sent events (the text so far, then new text)",
            get(chats::follow),
        ),
        Endpoint::new(
            Method::POST,
            "/tenants/{slug}/chats/{id}/messages/{message_id}/stop",
            SignedIn,
            "Stop an answer; the text so far is kept as `stopped`",
            post(chats::stop),
        ),
    ]
}

/// The API router for a table of endpoints (tests add their own to prove the sweep).
pub fn router(endpoints: Vec<Endpoint>) -> Router<AppState> {
    let api = endpoints
        .into_iter()
        .fold(Router::new(), |router, e| router.route(e.path, e.route));
    Router::new().nest(PREFIX, api)
}

/// The list shape of API.md: `{"items": [...], "next_cursor": null}`.
pub fn list<T: Serialize>(items: Vec<T>) -> serde_json::Value {
    serde_json::json!({ "items": items, "next_cursor": null })
}
