//! REST API v1 (`/api/v1`, contract in API.md). The router is built from one table of
//! endpoints, which also produces the OpenAPI document and drives the auth sweep test:
//! a route cannot exist without being listed, a listed route is swept, and the permission
//! it declares is checked against the role matrix for every role.

mod admin;
mod auth;
mod chats;
mod envelope;
pub mod extract;
mod me;
mod openapi;
mod providers;
mod tenants;

use app::backend::state::AppState;
use app::roles::Permission;
use axum::{
    routing::{delete, get, patch, post, MethodRouter},
    Router,
};
use http::Method;
use serde::Serialize;
use tower_http::compression::CompressionLayer;

pub const PREFIX: &str = "/api/v1";

/// Who may call an endpoint: exactly what its handler checks, so that the auth sweep can
/// hold every endpoint to the role matrix (`app::roles`) and the OpenAPI document can state
/// it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (sign-up, sign-in, the API description).
    Public,
    /// A signed-in caller (session cookie or personal API token) acting for themselves:
    /// who they are, signing out this session, an invitation they were given.
    SignedIn,
    /// A signed-in caller acting on their whole account — password, tokens, every
    /// session, a new tenant — with a session or an API token that has no tenant limit
    /// (`Caller::account_wide`); a token limited to one tenant: 403.
    Account,
    /// A signed-in member of the tenant named by `{slug}` whose role there holds this
    /// permission (`TenantCtx::require`). Not a member: 404; a role without it: 403.
    Tenant(Permission),
    /// A platform super-admin (`SystemCtx::for_super_admin`), not through a token limited to
    /// one tenant; anyone else signed in: 403.
    SuperAdmin,
}

impl Access {
    /// Whether an anonymous call is refused (401).
    pub fn needs_sign_in(self) -> bool {
        self != Self::Public
    }
}

pub struct Endpoint {
    pub method: Method,
    /// Relative to `PREFIX`, in axum's `{param}` syntax (as OpenAPI).
    pub path: &'static str,
    pub access: Access,
    pub summary: &'static str,
    route: MethodRouter<AppState>,
    /// Answers with a stream that stays open (server-sent events).
    streams: bool,
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
            streams: false,
        }
    }

    /// Marks an endpoint whose answer may be a long-lived stream. Its responses are not
    /// compressed: tower-http skips event streams anyway, but its response body (sized for
    /// every encoder, ~6 KiB) would still be held for as long as each stream stays open.
    fn streaming(mut self) -> Self {
        self.streams = true;
        self
    }
}

use Access::{Account, Public, SignedIn, SuperAdmin, Tenant};

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
            Account,
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
            Account,
            "Change the password (ends other sessions)",
            post(me::change_password),
        ),
        Endpoint::new(
            Method::POST,
            "/me/tokens",
            Account,
            "Create a personal API token (shown once)",
            post(me::create_token),
        ),
        Endpoint::new(
            Method::GET,
            "/me/tokens",
            Account,
            "List personal API tokens (never the secret)",
            get(me::tokens),
        ),
        Endpoint::new(
            Method::DELETE,
            "/me/tokens/{id}",
            Account,
            "Revoke a personal API token",
            delete(me::revoke_token),
        ),
        Endpoint::new(
            Method::POST,
            "/tenants",
            Account,
            "Create a tenant; the caller becomes its owner",
            post(tenants::create),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}",
            Tenant(Permission::ViewTenant),
            "A tenant (viewer+)",
            get(tenants::get),
        ),
        Endpoint::new(
            Method::PATCH,
            "/tenants/{slug}",
            Tenant(Permission::UpdateTenant),
            "Update a tenant (admin+)",
            patch(tenants::update),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}/members",
            Tenant(Permission::ViewTenant),
            "Members (viewer+)",
            get(tenants::members),
        ),
        Endpoint::new(
            Method::PATCH,
            "/tenants/{slug}/members/{user_id}",
            Tenant(Permission::ManageMembers),
            "Change a member's role (admin+, owner for owners)",
            patch(tenants::change_role),
        ),
        Endpoint::new(
            Method::DELETE,
            "/tenants/{slug}/members/{user_id}",
            // Someone else; one's own id is leaving, `LeaveTenant` (the sweep checks both).
            Tenant(Permission::ManageMembers),
            "Remove a member, or leave (own id)",
            delete(tenants::remove_member),
        ),
        Endpoint::new(
            Method::POST,
            "/tenants/{slug}/invitations",
            Tenant(Permission::ManageInvitations),
            "Invite someone (admin+)",
            post(tenants::invite),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}/invitations",
            Tenant(Permission::ManageInvitations),
            "Pending invitations (admin+)",
            get(tenants::invitations),
        ),
        Endpoint::new(
            Method::DELETE,
            "/tenants/{slug}/invitations/{id}",
            Tenant(Permission::ManageInvitations),
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
            SuperAdmin,
            "All tenants, `?q=` to search (super-admin)",
            get(admin::tenants),
        ),
        Endpoint::new(
            Method::PATCH,
            "/admin/tenants/{slug}",
            SuperAdmin,
            "Suspend or reactivate a tenant, set or clear its member limit (super-admin)",
            patch(admin::suspend_tenant),
        ),
        Endpoint::new(
            Method::GET,
            "/admin/users",
            SuperAdmin,
            "All users, `?q=` to search (super-admin)",
            get(admin::users),
        ),
        Endpoint::new(
            Method::PATCH,
            "/admin/users/{id}",
            SuperAdmin,
            "Disable or enable a user (super-admin)",
            patch(admin::disable_user),
        ),
        Endpoint::new(
            Method::GET,
            "/admin/settings",
            SuperAdmin,
            "Platform settings: sign-up mode, who may create tenants (super-admin)",
            get(admin::settings),
        ),
        Endpoint::new(
            Method::PUT,
            "/admin/settings",
            SuperAdmin,
            "Change the platform settings (super-admin)",
            axum::routing::put(admin::update_settings),
        ),
        Endpoint::new(
            Method::POST,
            "/admin/users/{id}/password-reset",
            SuperAdmin,
            "Give a user a new one-time password, shown once (super-admin)",
            post(admin::reset_password),
        ),
        Endpoint::new(
            Method::POST,
            "/tenants/{slug}/providers",
            Tenant(Permission::ManageAi),
            "Add an AI provider; the key is sealed and never returned (admin+)",
            post(providers::create),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}/providers",
            Tenant(Permission::ManageAi),
            "AI providers (admin+)",
            get(providers::index),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}/providers/{id}",
            Tenant(Permission::ManageAi),
            "One AI provider (admin+)",
            get(providers::show),
        ),
        Endpoint::new(
            Method::PATCH,
            "/tenants/{slug}/providers/{id}",
            Tenant(Permission::ManageAi),
            "Change a provider, its key (`\"\"` removes it) or its enabled models (admin+)",
            patch(providers::update),
        ),
        Endpoint::new(
            Method::DELETE,
            "/tenants/{slug}/providers/{id}",
            Tenant(Permission::ManageAi),
            "Remove a provider (admin+)",
            delete(providers::delete),
        ),
        Endpoint::new(
            Method::POST,
            "/tenants/{slug}/providers/{id}/test",
            Tenant(Permission::ManageAi),
            "Test the connection and refresh the provider's model list (admin+)",
            post(providers::test),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}/models",
            Tenant(Permission::UseWorkspace),
            "The models the caller may pick (member+)",
            get(providers::models),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}/chat-settings",
            Tenant(Permission::UseWorkspace),
            "Chat defaults and member policy (member+)",
            get(providers::settings),
        ),
        Endpoint::new(
            Method::PUT,
            "/tenants/{slug}/chat-settings",
            Tenant(Permission::ManageAi),
            "Change chat defaults and member policy (admin+)",
            axum::routing::put(providers::update_settings),
        ),
        Endpoint::new(
            Method::POST,
            "/tenants/{slug}/chats",
            Tenant(Permission::UseWorkspace),
            "Start a chat (member+)",
            post(chats::create),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}/chats",
            Tenant(Permission::UseWorkspace),
            "The caller's chats, `?q=` searches titles and messages (member+)",
            get(chats::index),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}/chats/{id}",
            Tenant(Permission::UseWorkspace),
            "One of the caller's chats",
            get(chats::show),
        ),
        Endpoint::new(
            Method::PATCH,
            "/tenants/{slug}/chats/{id}",
            Tenant(Permission::UseWorkspace),
            "Rename, pin, or change a chat's model or system prompt",
            patch(chats::update),
        ),
        Endpoint::new(
            Method::DELETE,
            "/tenants/{slug}/chats/{id}",
            Tenant(Permission::UseWorkspace),
            "Delete a chat (restorable for a day)",
            delete(chats::delete),
        ),
        Endpoint::new(
            Method::POST,
            "/tenants/{slug}/chats/{id}/restore",
            Tenant(Permission::UseWorkspace),
            "Undo deleting a chat",
            post(chats::restore),
        ),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}/chats/{id}/messages",
            Tenant(Permission::UseWorkspace),
            "Messages, oldest first; `?cursor=` pages back",
            get(chats::messages),
        ),
        Endpoint::new(
            Method::POST,
            "/tenants/{slug}/chats/{id}/messages",
            Tenant(Permission::UseWorkspace),
            "Send a message; `\"stream\": true` answers with server-sent events: `message`, `delta` `{text}`, `retrying` `{seconds}` while the provider is busy, then `done` or `error`",
            post(chats::send),
        )
        .streaming(),
        Endpoint::new(
            Method::POST,
            "/tenants/{slug}/chats/{id}/regenerate",
            Tenant(Permission::UseWorkspace),
            "Answer the last question again; with `content`, edit it first",
            post(chats::regenerate),
        )
        .streaming(),
        Endpoint::new(
            Method::GET,
            "/tenants/{slug}/chats/{id}/messages/{message_id}/events",
            Tenant(Permission::UseWorkspace),
            "Follow an answer as server-sent events (the text so far, then new text; `retrying` `{seconds}` while the provider is busy)",
            get(chats::follow),
        )
        .streaming(),
        Endpoint::new(
            Method::POST,
            "/tenants/{slug}/chats/{id}/messages/{message_id}/stop",
            Tenant(Permission::UseWorkspace),
            "Stop an answer; the text so far is kept as `stopped`",
            post(chats::stop),
        ),
    ]
}

/// The API router for a table of endpoints (tests add their own to prove the sweep).
pub fn router(endpoints: Vec<Endpoint>) -> Router<AppState> {
    let api = endpoints.into_iter().fold(Router::new(), |router, e| {
        let route = if e.streams {
            e.route
        } else {
            e.route.layer(CompressionLayer::new())
        };
        router.route(e.path, route)
    });
    let api = api
        .fallback(envelope::unknown_endpoint)
        .layer(axum::middleware::map_response(envelope::wrap_bare_errors));
    Router::new().nest(PREFIX, api)
}

/// The list shape of API.md: `{"items": [...], "next_cursor": null}`.
pub fn list<T: Serialize>(items: Vec<T>) -> serde_json::Value {
    serde_json::json!({ "items": items, "next_cursor": null })
}
