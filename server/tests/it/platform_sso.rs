//! Platform single sign-on (`PARLEY_PLATFORM_SSO_*`) against the signing test IdP, shaped
//! like Entra ID: the admin role makes and keeps a super-admin and its loss takes the right
//! away (never the last one's); nobody else gets in unless their account was linked by its
//! signed-in owner; tokens get the same checks as a tenant's; the secret stays here.

use crate::support::{
    api::{session_cookie, As},
    browser::{cookie_of, next_hop, now, set_cookies},
    idp::{self, TestIdp, TestKey},
    logs::CapturedLogs,
    on_both_databases, test_auth, Backend, TestApp, TestDb, TestResponse, PUBLIC_ORIGIN,
};
use app::backend::auth::oidc::PlatformConnection;
use axum::body::Body;
use http::{Method, Request, StatusCode};
use openidconnect::url::{form_urlencoded, Url};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{json, Value};

const DIRECTORY: &str = "9a0c3e7d-2b41-4f0e-8d6a-51c2e3f4a5b6";
const CLIENT_ID: &str = "b5e0f2d1-7c3a-4e9b-a1d2-3f4e5a6b7c8d";
const ADMIN_ROLE: &str = "Parley.PlatformAdmin";

/// Parley with platform SSO pointed at the test IdP's Entra-shaped directory.
struct World {
    app: TestApp,
    idp: TestIdp,
    key: TestKey,
    db: DatabaseConnection,
}

/// A sign-in under way: what Parley sent the browser to the IdP with.
struct Attempt {
    state: String,
    nonce: String,
    /// `parley_sso=…`, the browser-binding cookie.
    cookie: String,
}

impl World {
    async fn new(db: Backend) -> Self {
        Self::with_secret(db, "platform-secret-5d1e").await
    }

    async fn with_secret(db: Backend, secret: &str) -> Self {
        let key = TestKey::first();
        let idp = TestIdp::start(&[&key]).await;
        let (url, handle): (String, TestDb) = db.url().await;
        let mut auth = test_auth();
        auth.entra_authority = idp.base_url().to_string();
        auth.platform_sso = Some(PlatformConnection {
            name: "Contoso".into(),
            issuer: idp.issuer(DIRECTORY),
            directory_id: Some(DIRECTORY.into()),
            client_id: CLIENT_ID.into(),
            client_secret: secret.to_string().into(),
            scopes: "openid profile email".into(),
            role_claim: "roles".into(),
            admin_role: ADMIN_ROLE.into(),
        });
        let app = TestApp::with_auth(url, handle, auth).await;
        let db = app.owner().await;
        Self { app, idp, key, db }
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
        self.count("SELECT COUNT(*) FROM platform_sso_identities")
            .await
    }

    async fn audited(&self, action: &str) -> i64 {
        self.count(&format!(
            "SELECT COUNT(*) FROM platform_audit_events WHERE action = '{action}'"
        ))
        .await
    }

    async fn make_super_admin(&self, email: &str, on: bool) {
        self.db
            .execute_unprepared(&format!(
                "UPDATE users SET is_super_admin = {on} WHERE email = '{email}'"
            ))
            .await
            .unwrap();
    }

    /// Lists tenants on the platform admin page (super-admins only).
    async fn admin_page(&self, who: &As) -> TestResponse {
        self.app
            .send(
                Request::post("/api/admin/tenants")
                    .header("origin", PUBLIC_ORIGIN)
                    .header("cookie", cookie_of(who))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from("query="))
                    .unwrap(),
            )
            .await
    }

    async fn is_super_admin(&self, who: &As) -> bool {
        let me = self.app.api(Method::GET, "/me", who, None).await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.text());
        me.json()["is_super_admin"].as_bool().unwrap()
    }

    /// Reads the attempt out of the answer that sends the browser to the IdP.
    fn attempt_of(&self, r: &TestResponse) -> Attempt {
        let url = Url::parse(&next_hop(r)).unwrap();
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
        assert_eq!(query("client_id"), CLIENT_ID);
        assert_eq!(
            query("redirect_uri"),
            format!("{PUBLIC_ORIGIN}/sso/callback")
        );
        assert_eq!(query("code_challenge_method"), "S256");
        let cookie = set_cookies(r)
            .into_iter()
            .find(|c| c.starts_with("parley_sso="))
            .unwrap_or_else(|| panic!("no browser cookie: {:?}", r.headers));
        assert!(cookie.contains("Path=/sso;"), "{cookie}");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        Attempt {
            state: query("state"),
            nonce: query("nonce"),
            cookie: cookie.split(';').next().unwrap().to_string(),
        }
    }

    /// "Sign in with Contoso" on the sign-in page.
    async fn start(&self) -> Attempt {
        let r = self.app.get("/sso/platform/start").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "start: {}", r.text());
        self.attempt_of(&r)
    }

    fn claims(&self, attempt: &Attempt, oid: &str, email: &str, roles: &[&str]) -> Value {
        let now = now();
        json!({
            "ver": "2.0",
            "iss": self.idp.issuer(DIRECTORY),
            "aud": CLIENT_ID,
            "sub": format!("pairwise-{oid}"),
            "tid": DIRECTORY,
            "oid": oid,
            "nonce": attempt.nonce,
            "iat": now - 5,
            "exp": now + 3600,
            "email": email,
            "name": "Platform Person",
            "roles": roles,
        })
    }

    async fn callback(&self, attempt: &Attempt, id_token: String) -> TestResponse {
        self.idp.answer_next_with(id_token);
        self.return_from_idp(attempt, Some(&attempt.cookie)).await
    }

    async fn return_from_idp(&self, attempt: &Attempt, cookie: Option<&str>) -> TestResponse {
        self.return_with_code(attempt, cookie, "platform-authorization-code")
            .await
    }

    async fn return_with_code(
        &self,
        attempt: &Attempt,
        cookie: Option<&str>,
        code: &str,
    ) -> TestResponse {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("code", code)
            .append_pair("state", &attempt.state)
            .finish();
        let mut req = Request::get(format!("/sso/callback?{query}"));
        if let Some(cookie) = cookie {
            req = req.header("cookie", cookie);
        }
        self.app.send(req.body(Body::empty()).unwrap()).await
    }

    async fn sign_in(&self, oid: &str, email: &str, roles: &[&str]) -> TestResponse {
        let attempt = self.start().await;
        let token = self.key.sign(&self.claims(&attempt, oid, email, roles));
        self.callback(&attempt, token).await
    }

    /// Asserts a completed sign-in that lands on `to`, and returns its session.
    fn signed_in(&self, r: &TestResponse, to: &str) -> As {
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(r.header("location"), to, "{:?}", r.headers);
        As::Cookie(session_cookie(r))
    }

    /// A sign-in answered with `token` is refused with `code`, creating nothing.
    async fn refuses(&self, what: &str, attempt: &Attempt, token: String, code: &str) {
        let before = (
            self.sessions().await,
            self.users().await,
            self.identities().await,
        );
        let r = self.callback(attempt, token).await;
        refused(what, &r, code);
        let after = (
            self.sessions().await,
            self.users().await,
            self.identities().await,
        );
        assert_eq!(
            after, before,
            "{what}: sessions, users or identities changed"
        );
    }

    /// "Link" on the account page: a signed-in, same-origin form post.
    async fn link(&self, who: &As) -> Attempt {
        let r = self
            .app
            .send(
                Request::post("/sso/platform/link")
                    .header("origin", PUBLIC_ORIGIN)
                    .header("cookie", cookie_of(who))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        self.attempt_of(&r)
    }
}

/// Asserts the platform problem page with `code`, and no session cookie.
fn refused(what: &str, r: &TestResponse, code: &str) {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{what}: {}", r.text());
    assert_eq!(
        r.header("location"),
        format!("/sso/problem?code={code}&platform=1"),
        "{what}"
    );
    let cookies = set_cookies(r);
    assert!(
        !cookies.iter().any(|c| c.contains("parley_session=")),
        "{what}: a refused sign-in sets a session cookie: {cookies:?}"
    );
}

async fn the_admin_role_signs_in_a_new_super_admin(w: World) {
    // The sign-in page offers the button.
    let button = w
        .app
        .send(
            Request::post("/api/sso/platform-button")
                .header("origin", PUBLIC_ORIGIN)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(button.status, StatusCode::OK, "{}", button.text());
    assert_eq!(button.json(), json!("Contoso"));

    let (sessions, users) = (w.sessions().await, w.users().await);
    let oid = "00000000-0000-0000-0000-0000000000e1";
    let r = w.sign_in(oid, "Eve@Contoso.example", &[ADMIN_ROLE]).await;
    let eve = w.signed_in(&r, "/admin");
    assert!(
        set_cookies(&r)
            .iter()
            .any(|c| c.starts_with("parley_sso=;") && c.contains("Max-Age=0")),
        "the browser cookie is cleared: {:?}",
        r.headers
    );
    assert_eq!(w.sessions().await, sessions + 1);
    assert_eq!(w.users().await, users + 1);
    assert!(w.is_super_admin(&eve).await);
    let me = w.app.api(Method::GET, "/me", &eve, None).await.json();
    assert_eq!(me["email"], "eve@contoso.example");
    // Super-admin pages answer.
    let tenants = w.admin_page(&eve).await;
    assert_eq!(tenants.status, StatusCode::OK, "{}", tenants.text());

    let row =
        w.db.query_one(Statement::from_string(
            w.db.get_database_backend(),
            "SELECT issuer, subject FROM platform_sso_identities",
        ))
        .await
        .unwrap()
        .unwrap();
    let issuer: String = row.try_get_by_index(0).unwrap();
    let subject: String = row.try_get_by_index(1).unwrap();
    assert_eq!(issuer, w.idp.issuer(DIRECTORY));
    assert_eq!(subject, oid, "keyed by Entra's object id");
    assert_eq!(w.audited("platform_sso.user_provisioned").await, 1);
    assert_eq!(w.audited("platform_sso.super_admin_granted").await, 1);

    // Again: the same account, no second user.
    let again = w.sign_in(oid, "eve@contoso.example", &[ADMIN_ROLE]).await;
    w.signed_in(&again, "/admin");
    assert_eq!(w.users().await, users + 1);
    assert_eq!(w.identities().await, 1);
}

async fn without_the_admin_role_an_unknown_identity_is_refused(w: World) {
    let attempt = w.start().await;
    let token = w.key.sign(&w.claims(
        &attempt,
        "00000000-0000-0000-0000-0000000000e2",
        "mallory@contoso.example",
        &["Parley.User"],
    ));
    w.refuses("no admin role", &attempt, token, "no_role").await;
    assert_eq!(w.audited("platform_sso.sign_in_failed").await, 1);
}

/// The platform connection goes through the same verification as a tenant's: a token with
/// one thing wrong is refused, and a state works once, in the browser that started it.
async fn tokens_and_attempts_are_checked_as_for_tenants(w: World) {
    let oid = "00000000-0000-0000-0000-0000000000e3";
    let email = "ivan@contoso.example";
    let expired = now() - 600;
    let cases = [
        ("wrong audience", "aud", json!("another-app")),
        (
            "another directory",
            "tid",
            json!("0b7e2c4a-1111-4e7b-8e0a-6c2d9f3e4a55"),
        ),
        ("wrong nonce", "nonce", json!("replayed")),
        ("expired", "exp", json!(expired)),
    ];
    for (what, claim, value) in cases {
        let attempt = w.start().await;
        let mut claims = w.claims(&attempt, oid, email, &[ADMIN_ROLE]);
        claims[claim] = value;
        let token = w.key.sign(&claims);
        w.refuses(what, &attempt, token, "invalid_token").await;
    }
    let attempt = w.start().await;
    let claims = w.claims(&attempt, oid, email, &[ADMIN_ROLE]);
    w.refuses(
        "alg none",
        &attempt,
        idp::unsigned(&claims),
        "invalid_token",
    )
    .await;

    // Another browser (no cookie) cannot finish this attempt, and it is then used up.
    let attempt = w.start().await;
    let r = w.return_from_idp(&attempt, None).await;
    refused("no browser cookie", &r, "expired");
    let token = w.key.sign(&w.claims(&attempt, oid, email, &[ADMIN_ROLE]));
    w.refuses("replayed state", &attempt, token, "expired")
        .await;

    // A tenant's attempt is not the platform's: the state is unknown here.
    assert_eq!(w.users().await, 0);
}

async fn an_existing_email_is_never_taken_over(w: World) {
    let alice = w.app.user("alice@contoso.example").await;
    let attempt = w.start().await;
    let token = w.key.sign(&w.claims(
        &attempt,
        "00000000-0000-0000-0000-0000000000e4",
        "alice@contoso.example",
        &[ADMIN_ROLE],
    ));
    w.refuses("same e-mail, new subject", &attempt, token, "email_taken")
        .await;
    assert!(!w.is_super_admin(&alice).await);
}

/// The super-admin right follows the IdP's role at each sign-in, except that the platform
/// keeps its last enabled super-admin.
async fn the_admin_role_is_re_evaluated_at_every_sign_in(w: World) {
    let oid = "00000000-0000-0000-0000-0000000000e5";
    let email = "olga@contoso.example";
    let r = w.sign_in(oid, email, &[ADMIN_ROLE]).await;
    let olga = w.signed_in(&r, "/admin");
    assert!(w.is_super_admin(&olga).await);

    // Another super-admin exists: losing the role takes the right away.
    w.app.user("root@platform.example").await;
    w.make_super_admin("root@platform.example", true).await;
    let r = w.sign_in(oid, email, &["Parley.User"]).await;
    let olga = w.signed_in(&r, "/");
    assert!(!w.is_super_admin(&olga).await);
    assert_eq!(w.audited("platform_sso.super_admin_revoked").await, 1);
    let admin = w.admin_page(&olga).await;
    assert_eq!(admin.status, StatusCode::FORBIDDEN, "{}", admin.text());

    // The role back: the right back.
    let r = w.sign_in(oid, email, &[ADMIN_ROLE]).await;
    let olga = w.signed_in(&r, "/admin");
    assert!(w.is_super_admin(&olga).await);
    assert_eq!(w.audited("platform_sso.super_admin_granted").await, 2);

    // The only super-admin left keeps the right (audited), or nobody could administer.
    w.make_super_admin("root@platform.example", false).await;
    let r = w.sign_in(oid, email, &[]).await;
    let olga = w.signed_in(&r, "/admin");
    assert!(w.is_super_admin(&olga).await);
    assert_eq!(w.audited("platform_sso.last_super_admin_kept").await, 1);
}

/// An existing account gets a platform identity only when its signed-in owner links it;
/// then the identity signs in as that account, and no other account can take it.
async fn a_signed_in_user_links_their_account(w: World) {
    let bob = w.app.user("bob@contoso.example").await;
    let oid = "00000000-0000-0000-0000-0000000000e6";
    let attempt = w.link(&bob).await;
    let token = w
        .key
        .sign(&w.claims(&attempt, oid, "bob@contoso.example", &[]));
    let r = w.callback(&attempt, token).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.header("location"), "/account");
    assert_eq!(w.identities().await, 1);
    assert_eq!(w.audited("platform_sso.identity_linked").await, 1);

    // The account page shows it linked.
    let list = w
        .app
        .send(
            Request::post("/api/account/sso")
                .header("origin", PUBLIC_ORIGIN)
                .header("cookie", cookie_of(&bob))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    let platform = &list.json()[0];
    assert_eq!(platform["link_url"], "/sso/platform/link", "{platform}");
    assert_eq!(platform["linked"], true, "{platform}");

    // Linked, Bob signs in through the platform without the admin role, as himself.
    let r = w.sign_in(oid, "bob@contoso.example", &[]).await;
    let session = w.signed_in(&r, "/");
    assert_eq!(
        w.app.api(Method::GET, "/me", &session, None).await.json()["email"],
        "bob@contoso.example"
    );
    assert!(!w.is_super_admin(&session).await);

    // Another account cannot link the same identity.
    let heidi = w.app.user("heidi@example.com").await;
    let attempt = w.link(&heidi).await;
    let token = w
        .key
        .sign(&w.claims(&attempt, oid, "bob@contoso.example", &[]));
    w.refuses("linked elsewhere", &attempt, token, "linked_elsewhere")
        .await;

    // Anonymous link requests go to sign-in, not to the IdP.
    let r = w
        .app
        .send(
            Request::post("/sso/platform/link")
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

async fn logout_ends_the_session_here_and_at_the_idp(w: World) {
    let r = w
        .sign_in(
            "00000000-0000-0000-0000-0000000000e7",
            "pat@contoso.example",
            &[ADMIN_ROLE],
        )
        .await;
    let pat = w.signed_in(&r, "/admin");
    let r = w
        .app
        .send(
            Request::post("/auth/logout")
                .header("origin", PUBLIC_ORIGIN)
                .header("cookie", cookie_of(&pat))
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
    assert!(to
        .query_pairs()
        .any(|(k, v)| k == "client_id" && v == CLIENT_ID));
    let me = w.app.api(Method::GET, "/me", &pat, None).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED, "{}", me.text());
}

on_both_databases! {
    with World::new;
    admin_role_signs_in => the_admin_role_signs_in_a_new_super_admin;
    no_admin_role => without_the_admin_role_an_unknown_identity_is_refused;
    token_checks => tokens_and_attempts_are_checked_as_for_tenants;
    no_takeover => an_existing_email_is_never_taken_over;
    role_re_evaluated => the_admin_role_is_re_evaluated_at_every_sign_in;
    linking => a_signed_in_user_links_their_account;
    logout => logout_ends_the_session_here_and_at_the_idp;
    simultaneous => simultaneous_first_sign_ins_all_succeed;
}

/// First sign-ins at the same moment each read and then write in one transaction: on SQLite
/// they must take turns, not fail the late ones with "database is locked" (`try_again`).
async fn simultaneous_first_sign_ins_all_succeed(w: World) {
    const PEOPLE: i64 = 8;
    let users = w.users().await;
    let mut returns = Vec::new();
    for i in 0..PEOPLE {
        let attempt = w.start().await;
        let oid = format!("00000000-0000-0000-0000-0000000001{i:02}");
        let email = format!("operator{i}@contoso.example");
        let token = w.key.sign(&w.claims(&attempt, &oid, &email, &[ADMIN_ROLE]));
        let code = format!("platform-code-{i}");
        w.idp.answer_code_with(&code, token);
        returns.push((attempt, code));
    }
    let answers = futures_util::future::join_all(
        returns
            .iter()
            .map(|(attempt, code)| w.return_with_code(attempt, Some(&attempt.cookie), code)),
    )
    .await;
    for r in &answers {
        w.signed_in(r, "/admin");
    }
    assert_eq!(w.users().await, users + PEOPLE);
    assert_eq!(w.identities().await, PEOPLE);
}

/// Without `PARLEY_PLATFORM_SSO_*` there is no button and the start says so in words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_configuration_there_is_no_platform_sign_in() {
    let app = TestApp::sqlite().await;
    let button = app
        .send(
            Request::post("/api/sso/platform-button")
                .header("origin", PUBLIC_ORIGIN)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(button.status, StatusCode::OK, "{}", button.text());
    assert_eq!(button.json(), Value::Null);
    let r = app.get("/sso/platform/start").await;
    refused("not configured", &r, "not_configured");
    let page = app.get("/login").await;
    assert!(!page.text().contains("/sso/platform/start"));
}

/// The client secret goes to the token endpoint and nowhere else: not in the sign-in
/// page, not in any answer of a whole sign-in, not in the logs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_platform_client_secret_never_leaves_the_server() {
    let (logs, _capture) = CapturedLogs::start();
    let secret = format!("canary-{}", uuid::Uuid::new_v4().simple());
    let w = World::with_secret(Backend::Sqlite, &secret).await;
    let page = w.app.get("/login").await;
    assert!(
        page.text().contains("/sso/platform/start"),
        "the button is there"
    );
    let start = w.app.get("/sso/platform/start").await;
    let attempt = w.attempt_of(&start);
    let token = w.key.sign(&w.claims(
        &attempt,
        "00000000-0000-0000-0000-0000000000e8",
        "sam@contoso.example",
        &[ADMIN_ROLE],
    ));
    let done = w.callback(&attempt, token).await;
    w.signed_in(&done, "/admin");
    // A failed exchange is logged: with the IdP's error code, never its body.
    let attempt = w.start().await;
    let failed = w.return_from_idp(&attempt, Some(&attempt.cookie)).await;
    refused("exchange refused", &failed, "misconfigured");

    let exchange = &w.idp.token_requests()[0];
    assert!(
        exchange
            .authorization
            .as_deref()
            .is_some_and(|a| a.starts_with("Basic ")),
        "the secret went to the token endpoint"
    );
    for (what, text) in [
        ("sign-in page", page.text()),
        ("start", format!("{:?} {}", start.headers, start.text())),
        ("callback", format!("{:?} {}", done.headers, done.text())),
        ("failure", format!("{:?} {}", failed.headers, failed.text())),
        ("logs", logs.text()),
    ] {
        assert!(!text.contains(&secret), "the secret is in the {what}");
    }
}
