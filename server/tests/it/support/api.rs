//! A REST client for tests: register and sign in users, call endpoints as them.

use super::{TestApp, TestResponse, PUBLIC_ORIGIN};
use axum::body::Body;
use http::{Method, Request, StatusCode};
use serde_json::{json, Value};

pub const PASSWORD: &str = "violet kettle drums 42";

/// How a request authenticates.
#[derive(Debug, Clone)]
pub enum As {
    Anonymous,
    Cookie(String),
    Bearer(String),
}

impl TestApp {
    /// Calls the REST API (`path` relative to `/api/v1`) like a same-origin browser or a
    /// token client would.
    pub async fn api(
        &self,
        method: Method,
        path: &str,
        who: &As,
        body: Option<Value>,
    ) -> TestResponse {
        self.send(api_request(method, path, who, body)).await
    }

    /// Registers `email` and signs in; returns the cookie to send.
    pub async fn user(&self, email: &str) -> As {
        let r = self
            .api(
                Method::POST,
                "/auth/register",
                &As::Anonymous,
                Some(json!({ "email": email, "password": PASSWORD, "name": email.split('@').next().unwrap() })),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "register {email}: {}",
            r.text()
        );
        self.login(email).await
    }

    pub async fn login(&self, email: &str) -> As {
        let r = self
            .api(
                Method::POST,
                "/auth/login",
                &As::Anonymous,
                Some(json!({ "email": email, "password": PASSWORD })),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "login {email}: {}", r.text());
        As::Cookie(session_cookie(&r))
    }

    /// Creates a tenant owned by `owner`.
    pub async fn tenant(&self, owner: &As, slug: &str) {
        let r = self
            .api(
                Method::POST,
                "/tenants",
                owner,
                Some(json!({ "slug": slug, "name": format!("{slug} Inc.") })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "create {slug}: {}", r.text());
    }

    /// `owner` invites with `role`; `who` accepts. Returns nothing; asserts success.
    pub async fn join(&self, owner: &As, slug: &str, who: &As, role: &str) {
        let r = self
            .api(
                Method::POST,
                &format!("/tenants/{slug}/invitations"),
                owner,
                Some(json!({ "role": role })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "invite: {}", r.text());
        let token = r.json()["token"].as_str().unwrap().to_string();
        let r = self
            .api(
                Method::POST,
                &format!("/invitations/{token}/accept"),
                who,
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "accept: {}", r.text());
    }

    /// Calls a server function with a form, as the browser's form post does.
    pub async fn server_fn<K: AsRef<str>, V: AsRef<str>>(
        &self,
        who: &As,
        path: &str,
        form: &[(K, V)],
    ) -> TestResponse {
        self.send(server_fn_request(path, who, form)).await
    }

    pub async fn user_id(&self, who: &As) -> String {
        self.api(Method::GET, "/me", who, None).await.json()["id"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

/// A server function called as the browser's same-origin form post does.
pub fn server_fn_request<K: AsRef<str>, V: AsRef<str>>(
    path: &str,
    who: &As,
    form: &[(K, V)],
) -> Request<Body> {
    let body = openidconnect::url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let req = with_credential(
        Request::post(path)
            .header("origin", PUBLIC_ORIGIN)
            .header("content-type", "application/x-www-form-urlencoded"),
        who,
    );
    req.body(Body::from(body)).unwrap()
}

/// `name=value` of the session cookie a response sets.
pub fn session_cookie(r: &TestResponse) -> String {
    let set = r
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("parley_session="))
        .unwrap_or_else(|| panic!("no session cookie in {:?}", r.headers));
    set.split(';').next().unwrap().to_string()
}

/// The request `TestApp::api` sends (`path` relative to `/api/v1`).
pub fn api_request(method: Method, path: &str, who: &As, body: Option<Value>) -> Request<Body> {
    let req = with_credential(
        Request::builder()
            .method(method)
            .uri(format!("/api/v1{path}"))
            .header("origin", PUBLIC_ORIGIN),
        who,
    );
    let req = match body {
        Some(json) => req
            .header("content-type", "application/json")
            .body(Body::from(json.to_string())),
        None => req.body(Body::empty()),
    };
    req.unwrap()
}

fn with_credential(req: http::request::Builder, who: &As) -> http::request::Builder {
    match who {
        As::Anonymous => req,
        As::Cookie(cookie) => req.header("cookie", cookie),
        As::Bearer(token) => req.header("authorization", format!("Bearer {token}")),
    }
}
