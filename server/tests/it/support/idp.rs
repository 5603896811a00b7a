//! A test OpenID provider shaped like Microsoft Entra ID, on 127.0.0.1: per-directory
//! discovery (`/{tid}/v2.0/.well-known/openid-configuration`), a key set the test can swap
//! and whose fetches it can count, a token endpoint answering with whatever ID token the
//! test scripted for the next exchange (and recording each request, so a test can check
//! PKCE), and a logout endpoint.
//!
//! Tokens are real compact JWTs signed RS256 with the test-only keys in `fixtures/`; the
//! broken ones (`alg: none`, a tampered signature) are built by hand.

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Form, Json, Router,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use openidconnect::{
    core::{CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey},
    JsonWebKeyId, PrivateSigningKey,
};
use serde_json::{json, Value};
use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
};
use tokio::{net::TcpListener, task::JoinHandle};

/// An RSA signing key of the test IdP. The PEM files are throw-away keys generated for
/// these tests only; they sign nothing anywhere else.
pub struct TestKey {
    signer: CoreRsaPrivateSigningKey,
    pub kid: String,
}

impl TestKey {
    fn from_pem(pem: &str, kid: &str) -> Self {
        let signer = CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new(kid.into())))
            .expect("the test key fixture is a PKCS#1 RSA key");
        Self {
            signer,
            kid: kid.into(),
        }
    }

    /// The key the IdP publishes from the start.
    pub fn first() -> Self {
        Self::from_pem(
            include_str!("fixtures/test-only-idp-key-1.pem"),
            "test-only-key-1",
        )
    }

    /// A second key: for rotation, or for a `kid` the IdP does not publish.
    pub fn second() -> Self {
        Self::from_pem(
            include_str!("fixtures/test-only-idp-key-2.pem"),
            "test-only-key-2",
        )
    }

    /// The public half as a JWK.
    pub fn jwk(&self) -> Value {
        serde_json::to_value(self.signer.as_verification_key()).unwrap()
    }

    /// `claims` as an RS256 JWT naming this key.
    pub fn sign(&self, claims: &Value) -> String {
        self.sign_as(&self.kid, claims)
    }

    /// `claims` signed with this key, but with the header naming key id `kid`.
    pub fn sign_as(&self, kid: &str, claims: &Value) -> String {
        let header = json!({ "alg": "RS256", "typ": "JWT", "kid": kid });
        let input = format!("{}.{}", encode(&header), encode(claims));
        let signature = self
            .signer
            .sign(
                &CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
                input.as_bytes(),
            )
            .unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }
}

fn encode(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

/// `claims` as an unsecured JWT: `alg: none` and an empty signature.
pub fn unsigned(claims: &Value) -> String {
    let header = json!({ "alg": "none", "typ": "JWT" });
    format!("{}.{}.", encode(&header), encode(claims))
}

/// `jwt` with one bit of its signature flipped.
pub fn tamper_signature(jwt: &str) -> String {
    let (input, signature) = jwt.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
    bytes[10] ^= 0x01;
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// `jwt` with its payload replaced by `claims`, the original signature kept.
pub fn swap_payload(jwt: &str, claims: &Value) -> String {
    let mut parts = jwt.split('.');
    let header = parts.next().unwrap();
    let signature = parts.nth(1).unwrap();
    format!("{header}.{}.{signature}", encode(claims))
}

/// One request the token endpoint received.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub form: HashMap<String, String>,
    pub authorization: Option<String>,
}

#[derive(Default)]
struct Shared {
    base: String,
    keys: Mutex<Vec<Value>>,
    jwks_fetches: AtomicUsize,
    next_id_token: Mutex<Option<String>>,
    id_tokens_by_code: Mutex<HashMap<String, String>>,
    token_requests: Mutex<Vec<TokenRequest>>,
}

/// A running test IdP; stops when dropped.
pub struct TestIdp {
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl TestIdp {
    /// Starts on a free port, publishing `keys`.
    pub async fn start(keys: &[&TestKey]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Shared {
            base,
            keys: Mutex::new(keys.iter().map(|k| k.jwk()).collect()),
            ..Shared::default()
        });
        let app = Router::new()
            .route(
                "/{tid}/v2.0/.well-known/openid-configuration",
                get(discovery),
            )
            .route("/{tid}/discovery/v2.0/keys", get(jwks))
            .route("/{tid}/oauth2/v2.0/token", post(token))
            .route("/{tid}/oauth2/v2.0/logout", get(|| async { "Signed out." }))
            .with_state(Arc::clone(&shared));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { shared, task }
    }

    /// `http://127.0.0.1:PORT`: what Parley is configured with as Entra's authority.
    pub fn base_url(&self) -> &str {
        &self.shared.base
    }

    /// The issuer of directory `tid`, exactly as its discovery document and tokens name it.
    pub fn issuer(&self, tid: &str) -> String {
        issuer(&self.shared.base, tid)
    }

    /// Replaces the published key set (a key rotation).
    pub fn publish(&self, keys: &[&TestKey]) {
        *self.shared.keys.lock().unwrap() = keys.iter().map(|k| k.jwk()).collect();
    }

    /// How often the key set was fetched (by discovery or on its own).
    pub fn jwks_fetches(&self) -> usize {
        self.shared.jwks_fetches.load(Ordering::SeqCst)
    }

    /// The ID token the next code exchange answers with (once).
    pub fn answer_next_with(&self, id_token: String) {
        *self.shared.next_id_token.lock().unwrap() = Some(id_token);
    }

    /// The ID token the exchange of `code` answers with (once), for sign-ins that run at
    /// the same time.
    pub fn answer_code_with(&self, code: &str, id_token: String) {
        self.shared
            .id_tokens_by_code
            .lock()
            .unwrap()
            .insert(code.to_owned(), id_token);
    }

    pub fn token_requests(&self) -> Vec<TokenRequest> {
        self.shared.token_requests.lock().unwrap().clone()
    }
}

impl Drop for TestIdp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn issuer(base: &str, tid: &str) -> String {
    format!("{base}/{tid}/v2.0")
}

async fn discovery(State(shared): State<Arc<Shared>>, Path(tid): Path<String>) -> Json<Value> {
    let base = &shared.base;
    Json(json!({
        "issuer": issuer(base, &tid),
        "authorization_endpoint": format!("{base}/{tid}/oauth2/v2.0/authorize"),
        "token_endpoint": format!("{base}/{tid}/oauth2/v2.0/token"),
        "jwks_uri": format!("{base}/{tid}/discovery/v2.0/keys"),
        "end_session_endpoint": format!("{base}/{tid}/oauth2/v2.0/logout"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "tid", "oid", "email", "name", "roles"],
    }))
}

async fn jwks(State(shared): State<Arc<Shared>>) -> Json<Value> {
    shared.jwks_fetches.fetch_add(1, Ordering::SeqCst);
    let keys = shared.keys.lock().unwrap().clone();
    Json(json!({ "keys": keys }))
}

async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let for_code = form
        .get("code")
        .and_then(|code| shared.id_tokens_by_code.lock().unwrap().remove(code));
    shared.token_requests.lock().unwrap().push(TokenRequest {
        form,
        authorization,
    });
    let next = for_code.or_else(|| shared.next_id_token.lock().unwrap().take());
    match next {
        Some(id_token) => Json(json!({
            "access_token": "test-access-token",
            "token_type": "Bearer",
            "expires_in": 3600,
            "id_token": id_token,
        }))
        .into_response(),
        None => (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "invalid_grant" })),
        )
            .into_response(),
    }
}
