//! Single sign-on against a test OpenID provider that signs real RS256 tokens
//! (`support::idp`), shaped like Entra ID: the happy path provisions and signs in with the
//! mapped role over PKCE; every forged, stale or misdirected answer ends on `/sso/problem`
//! with no session; identities are never linked by e-mail; roles follow the IdP at each
//! sign-in; "require SSO" closes the password path for members but not for super-admins;
//! the client secret never leaves the server; sign-out ends at the IdP.
//!
//! Every refused token is a valid one with exactly one thing wrong, so each test fails if
//! the check it names were dropped.

use crate::support::{
    api::{session_cookie, As},
    browser::{cookie_of, next_hop, now, set_cookies},
    idp::{self, TestIdp, TestKey},
    logs::CapturedLogs,
    on_both_databases, test_auth, Backend, TestApp, TestDb, TestResponse, PUBLIC_ORIGIN,
};
use axum::body::Body;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use http::{Method, Request, StatusCode};
use openidconnect::url::{form_urlencoded, Url};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const SLUG: &str = "acme";
/// The connection's Entra directory (tenant) id.
const DIRECTORY: &str = "5f1c1b9e-8c1a-4c53-9a51-3d0f4f7a2b10";
/// Another Entra directory, served by the same test IdP.
const OTHER_DIRECTORY: &str = "0b7e2c4a-1111-4e7b-8e0a-6c2d9f3e4a55";
const CLIENT_ID: &str = "6731de76-14a6-49ae-97bc-6eba6914391e";
const CLIENT_SECRET: &str = "test-client-secret-7f3a";
const MAPPINGS: &str = "Parley.Admin = admin\nParley.User = member";

/// Parley with tenant `acme`, its owner, and one enabled Entra connection to the test IdP
/// (JIT on, `Parley.Admin = admin`, `Parley.User = member`, no default role).
struct World {
    app: TestApp,
    idp: TestIdp,
    key: TestKey,
    owner: As,
    connection: String,
    db: DatabaseConnection,
}

/// A sign-in under way: what Parley sent the browser to the IdP with.
struct Attempt {
    state: String,
    nonce: String,
    code_challenge: String,
    /// `parley_sso=…`, the browser-binding cookie.
    cookie: String,
}

/// The settings form of the default connection, with `overrides`; an empty `jit` or
/// `enabled` is an unticked checkbox (not sent at all).
fn connection_form(overrides: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        ("slug", SLUG),
        ("id", ""),
        ("name", "Contoso Entra"),
        ("kind", "entra"),
        ("directory_id", DIRECTORY),
        ("issuer", ""),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
        ("scopes", "openid profile email"),
        ("role_claim", "roles"),
        ("role_mappings", MAPPINGS),
        ("jit", "on"),
        ("default_role", ""),
        ("enabled", "on"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (key, value) in overrides {
        match fields.iter_mut().find(|(k, _)| k == key) {
            Some(field) => field.1 = value.to_string(),
            None => fields.push((key.to_string(), value.to_string())),
        }
    }
    fields.retain(|(k, v)| !(matches!(k.as_str(), "jit" | "enabled") && v.is_empty()));
    fields
}

fn pairs(form: &[(&str, &str)]) -> Vec<(String, String)> {
    form.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

impl World {
    async fn new(db: Backend) -> Self {
        Self::with_secret(db, CLIENT_SECRET).await
    }

    async fn with_secret(db: Backend, secret: &str) -> Self {
        let key = TestKey::first();
        let idp = TestIdp::start(&[&key]).await;
        let (url, handle): (String, TestDb) = db.url().await;
        let mut auth = test_auth();
        auth.entra_authority = idp.base_url().to_string();
        let app = TestApp::with_auth(url, handle, auth).await;
        let owner = app.user("owner@acme.example").await;
        app.tenant(&owner, SLUG).await;
        let saved = app
            .server_fn(
                &owner,
                "/api/sso/save",
                &connection_form(&[("client_secret", secret)]),
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "save: {}", saved.text());
        let connection = saved.json()["id"].as_str().unwrap().to_string();
        assert_eq!(saved.json()["issuer"], idp.issuer(DIRECTORY));
        let db = app.owner().await;
        Self {
            app,
            idp,
            key,
            owner,
            connection,
            db,
        }
    }

    /// Changes the connection (`overrides` on the default form; the secret is kept).
    async fn reconfigure(&self, overrides: &[(&str, &str)]) {
        let mut all = vec![("id", self.connection.as_str()), ("client_secret", "")];
        all.extend_from_slice(overrides);
        let r = self
            .app
            .server_fn(&self.owner, "/api/sso/save", &connection_form(&all))
            .await;
        assert_eq!(r.status, StatusCode::OK, "reconfigure: {}", r.text());
    }

    async fn count(&self, sql: &str) -> i64 {
        let row = self
            .db
            .query_one(Statement::from_string(self.db.get_database_backend(), sql))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index(0).unwrap()
    }

    async fn sessions(&self) -> i64 {
        self.count("SELECT COUNT(*) FROM sessions").await
    }

    async fn users(&self) -> i64 {
        self.count("SELECT COUNT(*) FROM users").await
    }

    async fn identities(&self) -> i64 {
        self.count("SELECT COUNT(*) FROM sso_identities").await
    }

    async fn audited(&self, action: &str) -> i64 {
        self.count(&format!(
            "SELECT COUNT(*) FROM audit_events WHERE action = '{action}'"
        ))
        .await
    }

    /// The tenant role of `email`, as the owner sees the member list.
    async fn role_of(&self, email: &str) -> Option<String> {
        let r = self
            .app
            .api(
                Method::GET,
                &format!("/tenants/{SLUG}/members"),
                &self.owner,
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == email)
            .map(|m| m["role"].as_str().unwrap().to_string())
    }

    /// `who` invites a member (admins may, members may not).
    async fn invite(&self, who: &As) -> TestResponse {
        self.app
            .api(
                Method::POST,
                &format!("/tenants/{SLUG}/invitations"),
                who,
                Some(json!({ "role": "member" })),
            )
            .await
    }

    /// "Sign in with Contoso Entra": Parley redirects to the IdP with PKCE, state and nonce.
    async fn start(&self) -> Attempt {
        let r = self
            .app
            .get(&format!("/t/{SLUG}/sso/{}/start", self.connection))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "start: {}", r.text());
        let url = Url::parse(r.header("location")).unwrap();
        assert_eq!(
            url.as_str().split('?').next().unwrap(),
            format!("{}/{DIRECTORY}/oauth2/v2.0/authorize", self.idp.base_url())
        );
        let query = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
                .unwrap_or_else(|| panic!("no {name} in {url}"))
        };
        assert_eq!(query("response_type"), "code");
        assert_eq!(query("client_id"), CLIENT_ID);
        assert_eq!(
            query("redirect_uri"),
            format!("{PUBLIC_ORIGIN}/t/{SLUG}/sso/callback")
        );
        assert_eq!(query("code_challenge_method"), "S256");
        assert!(query("scope").split(' ').any(|s| s == "openid"));
        let cookie = set_cookies(&r)
            .into_iter()
            .find(|c| c.starts_with("parley_sso="))
            .unwrap_or_else(|| panic!("no browser cookie: {:?}", r.headers));
        assert!(cookie.contains(&format!("Path=/t/{SLUG}/sso")), "{cookie}");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        Attempt {
            state: query("state"),
            nonce: query("nonce"),
            code_challenge: query("code_challenge"),
            cookie: cookie.split(';').next().unwrap().to_string(),
        }
    }

    /// Claims of a valid Entra ID token for `attempt`.
    fn claims(&self, attempt: &Attempt, oid: &str, email: &str, roles: &[&str]) -> Value {
        let now = now();
        json!({
            "ver": "2.0",
            "iss": self.idp.issuer(DIRECTORY),
            "aud": CLIENT_ID,
            // Entra's `sub` is pairwise per app; the stable key is `oid`.
            "sub": format!("pairwise-{oid}"),
            "tid": DIRECTORY,
            "oid": oid,
            "nonce": attempt.nonce,
            "iat": now - 5,
            "exp": now + 3600,
            "email": email,
            "preferred_username": email,
            "name": "Ada Lovelace",
            "roles": roles,
        })
    }

    /// The IdP sends the browser back (with its cookie), answering the exchange with
    /// `id_token`.
    async fn callback(&self, attempt: &Attempt, id_token: String) -> TestResponse {
        self.idp.answer_next_with(id_token);
        self.return_from_idp(attempt, Some(&attempt.cookie)).await
    }

    async fn return_from_idp(&self, attempt: &Attempt, cookie: Option<&str>) -> TestResponse {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("code", "test-authorization-code")
            .append_pair("state", &attempt.state)
            .append_pair("session_state", "idp-session")
            .finish();
        let mut req = Request::get(format!("/t/{SLUG}/sso/callback?{query}"));
        if let Some(cookie) = cookie {
            req = req.header("cookie", cookie);
        }
        self.app.send(req.body(Body::empty()).unwrap()).await
    }

    /// A whole sign-in with a valid token for (`oid`, `email`, `roles`).
    async fn sign_in(&self, oid: &str, email: &str, roles: &[&str]) -> TestResponse {
        let attempt = self.start().await;
        let token = self.key.sign(&self.claims(&attempt, oid, email, roles));
        self.callback(&attempt, token).await
    }

    /// Asserts a completed sign-in and returns its session.
    fn signed_in(&self, r: &TestResponse) -> As {
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(
            r.header("location"),
            format!("/t/{SLUG}"),
            "{:?}",
            r.headers
        );
        As::Cookie(session_cookie(r))
    }

    /// Asserts a refused sign-in: the problem page with `code`, and no session cookie.
    fn refused(&self, what: &str, r: &TestResponse, code: &str) {
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{what}: {}", r.text());
        assert_eq!(
            r.header("location"),
            format!("/sso/problem?code={code}&tenant={SLUG}"),
            "{what}"
        );
        let cookies = set_cookies(r);
        assert!(
            !cookies.iter().any(|c| c.contains("parley_session=")),
            "{what}: a refused sign-in sets a session cookie: {cookies:?}"
        );
    }

    /// A sign-in answered with `token` is refused with `code`, creating nothing.
    async fn refuses(&self, what: &str, attempt: &Attempt, token: String, code: &str) {
        let (sessions, users, identities) = (
            self.sessions().await,
            self.users().await,
            self.identities().await,
        );
        let r = self.callback(attempt, token).await;
        self.refused(what, &r, code);
        assert_eq!(self.sessions().await, sessions, "{what}: sessions changed");
        assert_eq!(self.users().await, users, "{what}: users changed");
        assert_eq!(
            self.identities().await,
            identities,
            "{what}: identity bound"
        );
    }
}

// The happy path ----------------------------------------------------------------------------

async fn an_entra_user_is_provisioned_with_the_mapped_role(w: World) {
    let (sessions, users) = (w.sessions().await, w.users().await);
    let attempt = w.start().await;
    let oid = "00000000-0000-0000-0000-00000000ada1";
    let token = w
        .key
        .sign(&w.claims(&attempt, oid, "Ada@Contoso.example", &["Parley.Admin"]));
    let r = w.callback(&attempt, token).await;
    let ada = w.signed_in(&r);
    assert!(
        set_cookies(&r)
            .iter()
            .any(|c| c.starts_with("parley_sso=;") && c.contains("Max-Age=0")),
        "the browser cookie is cleared: {:?}",
        r.headers
    );
    assert_eq!(w.sessions().await, sessions + 1);
    assert_eq!(w.users().await, users + 1);

    // The code was exchanged with PKCE: the verifier whose S256 is the challenge we sent.
    let exchanges = w.idp.token_requests();
    assert_eq!(exchanges.len(), 1);
    let form = &exchanges[0].form;
    assert_eq!(form["grant_type"], "authorization_code");
    assert_eq!(form["code"], "test-authorization-code");
    assert_eq!(
        form["redirect_uri"],
        format!("{PUBLIC_ORIGIN}/t/{SLUG}/sso/callback")
    );
    let verifier = form
        .get("code_verifier")
        .expect("the exchange carries the PKCE verifier");
    assert_eq!(
        URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
        attempt.code_challenge
    );
    // The client authenticated with its secret.
    let basic = exchanges[0]
        .authorization
        .as_deref()
        .and_then(|a| a.strip_prefix("Basic "))
        .expect("client_secret_basic");
    let basic = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(basic)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(basic, format!("{CLIENT_ID}:{CLIENT_SECRET}"));

    // The session works, and the new account is an admin of the tenant.
    let me = w.app.api(Method::GET, "/me", &ada, None).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    assert_eq!(me.json()["email"], "ada@contoso.example");
    assert_eq!(me.json()["name"], "Ada Lovelace");
    let invited = w.invite(&ada).await;
    assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.text());
    assert_eq!(
        w.role_of("ada@contoso.example").await.as_deref(),
        Some("admin")
    );

    // The identity is keyed by Entra's object id, not by `sub` or the address.
    let row =
        w.db.query_one(Statement::from_string(
            w.db.get_database_backend(),
            "SELECT issuer, subject FROM sso_identities",
        ))
        .await
        .unwrap()
        .unwrap();
    let issuer: String = row.try_get_by_index(0).unwrap();
    let subject: String = row.try_get_by_index(1).unwrap();
    assert_eq!(issuer, w.idp.issuer(DIRECTORY));
    assert_eq!(subject, oid);
    assert_eq!(w.audited("sso.user_provisioned").await, 1);

    // Signing in again finds the same account.
    let again = w
        .sign_in(oid, "ada@contoso.example", &["Parley.Admin"])
        .await;
    w.signed_in(&again);
    assert_eq!(w.users().await, users + 1);
    assert_eq!(w.identities().await, 1);
}

// Forged, stale and misdirected tokens ------------------------------------------------------

/// Each token is the valid one with one thing wrong; the last, unchanged, signs in.
async fn every_id_token_check_refuses_a_token_that_fails_only_it(w: World) {
    let oid = "00000000-0000-0000-0000-0000000000b0";
    let email = "bob@contoso.example";
    let roles = ["Parley.Admin"];
    let valid = |attempt: &Attempt| w.claims(attempt, oid, email, &roles);
    let with = |attempt: &Attempt, name: &str, value: Value| {
        let mut claims = valid(attempt);
        claims[name] = value;
        claims
    };
    let without = |attempt: &Attempt, name: &str| {
        let mut claims = valid(attempt);
        claims.as_object_mut().unwrap().remove(name);
        claims
    };
    let stranger = TestKey::second();
    let now = now();

    let a = w.start().await;
    w.refuses("alg none", &a, idp::unsigned(&valid(&a)), "invalid_token")
        .await;

    let a = w.start().await;
    let token = idp::tamper_signature(&w.key.sign(&valid(&a)));
    w.refuses("tampered signature", &a, token, "invalid_token")
        .await;

    let a = w.start().await;
    let signed = w.key.sign(&with(&a, "oid", json!("someone-else")));
    let token = idp::swap_payload(&signed, &valid(&a));
    w.refuses("payload swapped after signing", &a, token, "invalid_token")
        .await;

    let a = w.start().await;
    let token = stranger.sign_as(&w.key.kid, &valid(&a));
    w.refuses(
        "signed by another key under a known kid",
        &a,
        token,
        "invalid_token",
    )
    .await;

    let a = w.start().await;
    let token = w.key.sign(&with(&a, "aud", json!("another-app")));
    w.refuses("wrong aud", &a, token, "invalid_token").await;

    let a = w.start().await;
    let token = w
        .key
        .sign(&with(&a, "iss", json!(w.idp.issuer(OTHER_DIRECTORY))));
    w.refuses("wrong issuer", &a, token, "invalid_token").await;

    let a = w.start().await;
    let token = w.key.sign(&with(&a, "tid", json!(OTHER_DIRECTORY)));
    w.refuses("tid of another directory", &a, token, "invalid_token")
        .await;

    let a = w.start().await;
    let token = w.key.sign(&without(&a, "tid"));
    w.refuses("no tid", &a, token, "invalid_token").await;

    let a = w.start().await;
    let token = w.key.sign(&without(&a, "nonce"));
    w.refuses("missing nonce", &a, token, "invalid_token").await;

    let a = w.start().await;
    let other = w.start().await;
    let token = w.key.sign(&with(&a, "nonce", json!(other.nonce)));
    w.refuses("another attempt's nonce", &a, token, "invalid_token")
        .await;

    let a = w.start().await;
    let mut claims = with(&a, "exp", json!(now - 60));
    claims["iat"] = json!(now - 1200);
    w.refuses("expired", &a, w.key.sign(&claims), "invalid_token")
        .await;

    let a = w.start().await;
    let mut claims = with(&a, "iat", json!(now + 3600));
    claims["exp"] = json!(now + 7200);
    w.refuses(
        "issued an hour in the future",
        &a,
        w.key.sign(&claims),
        "invalid_token",
    )
    .await;

    let a = w.start().await;
    let token = w.key.sign(&with(&a, "iat", json!(now - 3 * 3600)));
    w.refuses("issued three hours ago", &a, token, "invalid_token")
        .await;

    assert_eq!(w.audited("sso.sign_in_failed").await, 13);
    assert_eq!(
        w.idp.token_requests().len(),
        13,
        "each reached the exchange"
    );

    // Control: the same token, unchanged, signs in.
    let a = w.start().await;
    let r = w.callback(&a, w.key.sign(&valid(&a))).await;
    w.signed_in(&r);
}

async fn a_state_works_once(w: World) {
    let attempt = w.start().await;
    let oid = "00000000-0000-0000-0000-0000000000c1";
    let claims = w.claims(&attempt, oid, "carol@contoso.example", &["Parley.User"]);
    let r = w.callback(&attempt, w.key.sign(&claims)).await;
    w.signed_in(&r);
    let sessions = w.sessions().await;

    // The same answer again (a replayed callback URL, cookie and all).
    let r = w.callback(&attempt, w.key.sign(&claims)).await;
    w.refused("replayed state", &r, "expired");
    assert_eq!(w.sessions().await, sessions);
    assert_eq!(
        w.idp.token_requests().len(),
        1,
        "refused before any exchange"
    );
}

async fn a_callback_needs_the_browser_that_started_it(w: World) {
    let oid = "00000000-0000-0000-0000-0000000000d1";
    let sessions = w.sessions().await;

    // No cookie at all (say, a link sent to someone else).
    let attempt = w.start().await;
    w.idp.answer_next_with(w.key.sign(&w.claims(
        &attempt,
        oid,
        "dan@contoso.example",
        &["Parley.User"],
    )));
    let r = w.return_from_idp(&attempt, None).await;
    w.refused("no browser cookie", &r, "expired");

    // Another attempt's cookie.
    let attempt = w.start().await;
    let other = w.start().await;
    let r = w.return_from_idp(&attempt, Some(&other.cookie)).await;
    w.refused("another attempt's cookie", &r, "expired");

    assert_eq!(w.sessions().await, sessions);
    assert!(w.idp.token_requests().is_empty(), "no code was exchanged");
    assert_eq!(w.users().await, 1, "only the owner");

    // The refused attempt is used up: the right cookie afterwards does not revive it.
    let r = w.return_from_idp(&attempt, Some(&attempt.cookie)).await;
    w.refused("used attempt", &r, "expired");
}

/// A token naming a key the IdP does not publish: one refetch, then refused; another
/// within the minute fetches nothing.
async fn an_unknown_kid_refetches_the_keys_once(w: World) {
    let unpublished = TestKey::second();
    let oid = "00000000-0000-0000-0000-0000000000e1";
    let claims = |a: &Attempt| w.claims(a, oid, "eve@contoso.example", &["Parley.Admin"]);

    let attempt = w.start().await;
    let discovered = w.idp.jwks_fetches();
    assert_eq!(discovered, 1, "discovery fetched the keys");
    w.refuses(
        "unknown kid",
        &attempt,
        unpublished.sign(&claims(&attempt)),
        "invalid_token",
    )
    .await;
    assert_eq!(w.idp.jwks_fetches(), discovered + 1, "exactly one refetch");

    let attempt = w.start().await;
    w.refuses(
        "unknown kid again",
        &attempt,
        unpublished.sign(&claims(&attempt)),
        "invalid_token",
    )
    .await;
    assert_eq!(
        w.idp.jwks_fetches(),
        discovered + 1,
        "no second refetch within the minute"
    );

    // The published key still works, without a fetch.
    let attempt = w.start().await;
    let r = w.callback(&attempt, w.key.sign(&claims(&attempt))).await;
    w.signed_in(&r);
    assert_eq!(w.idp.jwks_fetches(), discovered + 1);
}

/// The IdP rotates to a key it publishes only now: the first token signed with it makes
/// Parley refetch once, and signs in.
async fn a_rotated_key_is_picked_up_with_one_refetch(w: World) {
    let rotated = TestKey::second();
    let oid = "00000000-0000-0000-0000-0000000000f1";
    let attempt = w.start().await;
    let discovered = w.idp.jwks_fetches();
    w.idp.publish(&[&w.key, &rotated]);
    let token = rotated.sign(&w.claims(&attempt, oid, "fay@contoso.example", &["Parley.User"]));
    let r = w.callback(&attempt, token).await;
    w.signed_in(&r);
    assert_eq!(w.idp.jwks_fetches(), discovered + 1);

    // The next sign-in with the new key needs no fetch.
    let attempt = w.start().await;
    let token = rotated.sign(&w.claims(&attempt, oid, "fay@contoso.example", &["Parley.User"]));
    w.signed_in(&w.callback(&attempt, token).await);
    assert_eq!(w.idp.jwks_fetches(), discovered + 1);
}

// Accounts and roles ------------------------------------------------------------------------

/// An address that belongs to a password account is not taken over by a new identity.
async fn the_same_email_with_a_new_subject_is_not_linked(w: World) {
    w.app.user("grace@contoso.example").await;
    let users = w.users().await;
    let attempt = w.start().await;
    let token = w.key.sign(&w.claims(
        &attempt,
        "00000000-0000-0000-0000-0000000000a7",
        "Grace@Contoso.example",
        &["Parley.Admin"],
    ));
    w.refuses(
        "e-mail of a password account",
        &attempt,
        token,
        "email_taken",
    )
    .await;
    assert_eq!(w.users().await, users);
    assert_eq!(w.identities().await, 0);
    assert_eq!(w.role_of("grace@contoso.example").await, None);
    // The account is untouched: its password still signs in.
    w.app.login("grace@contoso.example").await;
}

async fn no_matching_role_and_no_default_refuses(w: World) {
    let attempt = w.start().await;
    let token = w.key.sign(&w.claims(
        &attempt,
        "00000000-0000-0000-0000-0000000000a8",
        "heidi@contoso.example",
        &["Other.App.Role"],
    ));
    w.refuses("no matching role", &attempt, token, "no_role")
        .await;
    assert_eq!(
        w.count("SELECT COUNT(*) FROM users WHERE email = 'heidi@contoso.example'")
            .await,
        0
    );

    // With JIT off, an unknown identity is not provisioned even with a role.
    w.reconfigure(&[("jit", "")]).await;
    let attempt = w.start().await;
    let token = w.key.sign(&w.claims(
        &attempt,
        "00000000-0000-0000-0000-0000000000a9",
        "ivan@contoso.example",
        &["Parley.Admin"],
    ));
    w.refuses("JIT off", &attempt, token, "not_provisioned")
        .await;

    // A default role lets the unmatched identity in, with that role.
    w.reconfigure(&[("default_role", "viewer")]).await;
    let r = w
        .sign_in(
            "00000000-0000-0000-0000-0000000000a8",
            "heidi@contoso.example",
            &["Other.App.Role"],
        )
        .await;
    w.signed_in(&r);
    assert_eq!(
        w.role_of("heidi@contoso.example").await.as_deref(),
        Some("viewer")
    );
}

async fn roles_are_re_evaluated_at_every_sign_in(w: World) {
    let oid = "00000000-0000-0000-0000-0000000000aa";
    let email = "judy@contoso.example";
    w.signed_in(&w.sign_in(oid, email, &["Parley.Admin"]).await);
    assert_eq!(w.role_of(email).await.as_deref(), Some("admin"));

    // Changed at the IdP: changed here.
    let judy = w.signed_in(&w.sign_in(oid, email, &["Parley.User"]).await);
    assert_eq!(w.role_of(email).await.as_deref(), Some("member"));
    assert_eq!(w.audited("member.role_changed_by_sso").await, 1);
    let r = w.invite(&judy).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a member invites nobody");

    // Removed at the IdP: the membership goes, and the sign-in is refused.
    let sessions = w.sessions().await;
    let attempt = w.start().await;
    let r = w
        .callback(&attempt, w.key.sign(&w.claims(&attempt, oid, email, &[])))
        .await;
    w.refused("role removed", &r, "no_role");
    assert_eq!(w.sessions().await, sessions);
    assert_eq!(w.role_of(email).await, None);
    assert_eq!(w.audited("member.removed_by_sso").await, 1);
    assert_eq!(
        w.identities().await,
        1,
        "the identity stays, the access goes"
    );
}

// Policy, secrets, addresses, sign-out ------------------------------------------------------

async fn password_login(app: &TestApp, email: &str) -> TestResponse {
    app.api(
        Method::POST,
        "/auth/login",
        &As::Anonymous,
        Some(json!({ "email": email, "password": crate::support::api::PASSWORD })),
    )
    .await
}

async fn require_sso_closes_the_password_path_for_members(w: World) {
    let member = w.app.user("ken@acme.example").await;
    w.app.join(&w.owner, SLUG, &member, "member").await;
    let root = w.app.user("root@platform.example").await;
    w.app.join(&w.owner, SLUG, &root, "member").await;
    w.db.execute_unprepared(
        "UPDATE users SET is_super_admin = true WHERE email = 'root@platform.example'",
    )
    .await
    .unwrap();

    let r = w
        .app
        .server_fn(
            &w.owner,
            "/api/sso/require",
            &pairs(&[("slug", SLUG), ("require_sso", "on")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let sessions = w.sessions().await;
    let refused = password_login(&w.app, "ken@acme.example").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    assert_eq!(refused.json()["error"]["code"], "sso_required");
    assert!(set_cookies(&refused).is_empty());
    assert_eq!(w.sessions().await, sessions);
    let owner = password_login(&w.app, "owner@acme.example").await;
    assert_eq!(owner.status, StatusCode::FORBIDDEN, "{}", owner.text());
    // The super-admin keeps the password: the way back in when the IdP is broken.
    w.app.login("root@platform.example").await;

    // Switched off again: the member's password works again.
    let r = w
        .app
        .server_fn(&w.owner, "/api/sso/require", &pairs(&[("slug", SLUG)]))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    w.app.login("ken@acme.example").await;
}

/// The client secret goes to the IdP's token endpoint and nowhere else: not in answers,
/// not in the settings page, not in the logs.
async fn the_client_secret_never_leaves_the_server(db: Backend) {
    let (logs, _capture) = CapturedLogs::start();
    let random = uuid::Uuid::new_v4().simple().to_string();
    let canary = format!("canary-client-secret-{random}");
    let w = World::with_secret(db, &canary).await;
    let mut seen: Vec<(String, String)> = Vec::new();

    let settings = w
        .app
        .server_fn(&w.owner, "/api/sso/settings", &pairs(&[("slug", SLUG)]))
        .await;
    assert_eq!(settings.status, StatusCode::OK, "{}", settings.text());
    assert_eq!(
        settings.json()["connections"][0]["client_secret_hint"],
        format!("…{}", &random[random.len() - 4..])
    );
    seen.push(("settings".into(), settings.text()));
    let test = w
        .app
        .server_fn(
            &w.owner,
            "/api/sso/test",
            &pairs(&[("slug", SLUG), ("id", &w.connection)]),
        )
        .await;
    assert_eq!(test.status, StatusCode::OK, "{}", test.text());
    assert_eq!(test.json()["ok"], true, "{}", test.text());
    seen.push(("test".into(), test.text()));
    let form = connection_form(&[
        ("id", &w.connection),
        ("client_secret", ""),
        ("name", "Contoso"),
    ]);
    let kept = w.app.server_fn(&w.owner, "/api/sso/save", &form).await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.text());
    seen.push(("save without secret".into(), kept.text()));
    let again = w
        .app
        .server_fn(
            &w.owner,
            "/api/sso/save",
            &connection_form(&[("name", "Contoso"), ("client_secret", &canary)]),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text());
    seen.push(("conflicting save".into(), again.text()));
    let second = w
        .app
        .server_fn(
            &w.owner,
            "/api/sso/save",
            &connection_form(&[("name", "Contoso backup"), ("client_secret", &canary)]),
        )
        .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text());
    seen.push(("create".into(), second.text()));
    let second_id = second.json()["id"].as_str().unwrap().to_string();
    for (what, path, form) in [
        (
            "require",
            "/api/sso/require",
            pairs(&[("slug", SLUG), ("require_sso", "on")]),
        ),
        ("release", "/api/sso/require", pairs(&[("slug", SLUG)])),
        (
            "delete",
            "/api/sso/delete",
            pairs(&[("slug", SLUG), ("id", &second_id)]),
        ),
    ] {
        let r = w.app.server_fn(&w.owner, path, &form).await;
        assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.text());
        seen.push((what.into(), r.text()));
    }
    let login_page = w
        .app
        .server_fn(
            &As::Anonymous,
            "/api/sso/login-page",
            &pairs(&[("slug", SLUG)]),
        )
        .await;
    assert_eq!(login_page.status, StatusCode::OK, "{}", login_page.text());
    seen.push(("login page".into(), login_page.text()));
    let page = w
        .app
        .send(
            Request::get(format!("/t/{SLUG}/settings/sso"))
                .header("cookie", cookie_of(&w.owner))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let hint = format!("…{}", &random[random.len() - 4..]);
    assert!(
        page.text().contains(&hint),
        "the page shows the connection with its hint: {}",
        page.text()
    );
    seen.push(("settings page".into(), page.text()));

    // A sign-in that works and one that fails: both exchange the code with the secret.
    let r = w
        .sign_in(
            "00000000-0000-0000-0000-0000000000c0",
            "liz@contoso.example",
            &["Parley.User"],
        )
        .await;
    w.signed_in(&r);
    seen.push(("callback".into(), r.text()));
    let attempt = w.start().await;
    let r = w
        .callback(
            &attempt,
            idp::unsigned(&w.claims(&attempt, "x", "y@z.example", &[])),
        )
        .await;
    w.refused("unsigned", &r, "invalid_token");
    seen.push((
        "refused callback".into(),
        format!("{:?} {}", r.headers, r.text()),
    ));
    assert!(w
        .idp
        .token_requests()
        .iter()
        .all(|t| t.authorization.is_some()));

    for (what, body) in &seen {
        assert!(!body.contains(&random), "{what} leaks the secret: {body}");
    }
    let logged = logs.text();
    assert!(
        logged.contains("single sign-on refused"),
        "the capture sees the app's log lines:\n{logged}"
    );
    assert!(
        !logged.contains(&random),
        "a log line leaks the secret:\n{logged}"
    );
}

/// On a current-thread runtime so every task logs into the test's capture.
mod canary {
    #[tokio::test]
    async fn sqlite() {
        super::the_client_secret_never_leaves_the_server(crate::support::Backend::Sqlite).await;
    }

    #[tokio::test]
    async fn postgres() {
        super::the_client_secret_never_leaves_the_server(crate::support::Backend::Postgres).await;
    }
}

async fn an_issuer_at_an_internal_address_is_refused_at_save(w: World) {
    for issuer in [
        "http://169.254.169.254/",
        "http://[::ffff:169.254.169.254]/",
        "http://10.0.0.5/tenant/v2.0",
    ] {
        let form = connection_form(&[("kind", "oidc"), ("issuer", issuer), ("name", issuer)]);
        let r = w.app.server_fn(&w.owner, "/api/sso/save", &form).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{issuer}: {}", r.text());
        assert_eq!(r.json()["field"], "issuer", "{issuer}: {}", r.text());
    }
    // An Entra directory must be a GUID: no path tricks into the authority URL.
    let form = connection_form(&[("directory_id", "../../evil"), ("name", "Evil")]);
    let r = w.app.server_fn(&w.owner, "/api/sso/save", &form).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert_eq!(r.json()["field"], "directory_id");

    assert_eq!(
        w.count("SELECT COUNT(*) FROM sso_connections").await,
        1,
        "only the original connection"
    );
}

async fn logout_ends_the_session_here_and_at_the_idp(w: World) {
    let r = w
        .sign_in(
            "00000000-0000-0000-0000-0000000000ab",
            "mia@contoso.example",
            &["Parley.User"],
        )
        .await;
    let mia = w.signed_in(&r);
    let cookie = cookie_of(&mia);
    assert_eq!(
        w.app.api(Method::GET, "/me", &mia, None).await.status,
        StatusCode::OK
    );
    let sessions = w.sessions().await;

    let r = w
        .app
        .send(
            Request::post("/auth/logout")
                .header("origin", PUBLIC_ORIGIN)
                .header("cookie", cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let to = Url::parse(&next_hop(&r)).unwrap();
    assert_eq!(
        to.as_str().split('?').next().unwrap(),
        format!("{}/{DIRECTORY}/oauth2/v2.0/logout", w.idp.base_url())
    );
    let query: Vec<(String, String)> = to.query_pairs().into_owned().collect();
    assert!(
        query.contains(&("client_id".into(), CLIENT_ID.into())),
        "{to}"
    );
    assert!(
        query.contains(&(
            "post_logout_redirect_uri".into(),
            format!("{PUBLIC_ORIGIN}/login?signed_out=1")
        )),
        "{to}"
    );
    assert!(set_cookies(&r)
        .iter()
        .any(|c| c.starts_with("parley_session=;") && c.contains("Max-Age=0")));
    assert_eq!(w.sessions().await, sessions - 1);

    // The old cookie is dead.
    let me = w.app.api(Method::GET, "/me", &mia, None).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED, "{}", me.text());

    // A password session signs out at home only.
    let r = w
        .app
        .send(
            Request::post("/auth/logout")
                .header("origin", PUBLIC_ORIGIN)
                .header("cookie", cookie_of(&w.owner))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), "/login");
}

/// "Link" on the account page: a signed-in, same-origin form post.
async fn link(w: &World, who: &As) -> TestResponse {
    w.app
        .send(
            Request::post(format!("/t/{SLUG}/sso/{}/link", w.connection))
                .header("origin", PUBLIC_ORIGIN)
                .header("cookie", cookie_of(who))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::empty())
                .unwrap(),
        )
        .await
}

/// Linking is the one way an existing account gets an identity: its signed-in owner asks
/// for it. Afterwards that identity signs in as the account; it cannot be linked twice.
async fn a_signed_in_user_links_their_identity_explicitly(w: World) {
    let grace = w.app.user("grace@contoso.example").await;
    let oid = "00000000-0000-0000-0000-0000000000c1";
    let linked_by = |r: TestResponse| {
        let to = Url::parse(&next_hop(&r)).unwrap();
        let query = |name: &str| {
            to.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
                .unwrap()
        };
        let cookie = set_cookies(&r)
            .into_iter()
            .find(|c| c.starts_with("parley_sso="))
            .expect("browser cookie");
        Attempt {
            state: query("state"),
            nonce: query("nonce"),
            code_challenge: query("code_challenge"),
            cookie: cookie.split(';').next().unwrap().to_string(),
        }
    };

    // The same address as the account, but that alone never links: the request does.
    let attempt = linked_by(link(&w, &grace).await);
    let token = w
        .key
        .sign(&w.claims(&attempt, oid, "grace@contoso.example", &["Parley.User"]));
    let r = w.callback(&attempt, token).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.header("location"), "/account");
    assert_eq!(w.identities().await, 1);
    assert_eq!(w.audited("sso.identity_linked").await, 1);

    // The identity now signs in as Grace, with the mapped role.
    let r = w
        .sign_in(oid, "grace@contoso.example", &["Parley.User"])
        .await;
    let session = w.signed_in(&r);
    let me = w.app.api(Method::GET, "/me", &session, None).await.json();
    assert_eq!(me["email"], "grace@contoso.example", "{me}");
    assert_eq!(
        w.role_of("grace@contoso.example").await.as_deref(),
        Some("member")
    );

    // Another account cannot take the same identity over.
    let heidi = w.app.user("heidi@example.com").await;
    let attempt = linked_by(link(&w, &heidi).await);
    let token = w
        .key
        .sign(&w.claims(&attempt, oid, "grace@contoso.example", &["Parley.User"]));
    w.refuses(
        "identity linked elsewhere",
        &attempt,
        token,
        "linked_elsewhere",
    )
    .await;
    assert_eq!(w.identities().await, 1);

    // Anonymous link requests go to sign-in, not to the IdP.
    let r = w
        .app
        .send(
            Request::post(format!("/t/{SLUG}/sso/{}/link", w.connection))
                .header("origin", PUBLIC_ORIGIN)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.header("location").starts_with("/login"),
        "{:?}",
        r.headers
    );
}

on_both_databases! {
    with World::new;
    happy_path => an_entra_user_is_provisioned_with_the_mapped_role;
    token_checks => every_id_token_check_refuses_a_token_that_fails_only_it;
    replayed_state => a_state_works_once;
    browser_binding => a_callback_needs_the_browser_that_started_it;
    unknown_kid => an_unknown_kid_refetches_the_keys_once;
    key_rotation => a_rotated_key_is_picked_up_with_one_refetch;
    email_taken => the_same_email_with_a_new_subject_is_not_linked;
    no_role => no_matching_role_and_no_default_refuses;
    roles_follow_the_idp => roles_are_re_evaluated_at_every_sign_in;
    require_sso => require_sso_closes_the_password_path_for_members;
    internal_issuer => an_issuer_at_an_internal_address_is_refused_at_save;
    logout => logout_ends_the_session_here_and_at_the_idp;
    link => a_signed_in_user_links_their_identity_explicitly;
}
