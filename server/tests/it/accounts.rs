//! Accounts over the REST API: register, sign in and out, sessions, passwords, throttling.

use crate::support::{
    api::{session_cookie, As, PASSWORD},
    on_both_databases, TestApp,
};
use http::{Method, StatusCode};
use serde_json::json;

async fn sign_in_sets_a_safe_cookie_and_sign_out_ends_the_session(app: TestApp) {
    app.user("ada@example.com").await;
    let r = app
        .api(
            Method::POST,
            "/auth/login",
            &As::Anonymous,
            Some(json!({ "email": "ADA@example.com", "password": PASSWORD })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["user"]["email"], "ada@example.com");
    let set_cookie = r.header("set-cookie").to_string();
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set_cookie.contains(attr), "{set_cookie}");
    }
    let me = As::Cookie(session_cookie(&r));
    assert_eq!(
        app.api(Method::GET, "/me", &me, None).await.status,
        StatusCode::OK
    );

    let out = app.api(Method::POST, "/auth/logout", &me, None).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    // The old cookie is worthless: the session is gone on the server.
    assert_eq!(
        app.api(Method::GET, "/me", &me, None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn each_sign_in_gets_a_new_session_and_everywhere_ends_them_all(app: TestApp) {
    let first = app.user("bo@example.com").await;
    let second = app.login("bo@example.com").await;
    assert_ne!(
        format!("{first:?}"),
        format!("{second:?}"),
        "a new session id at each sign-in"
    );
    let r = app
        .api(Method::POST, "/auth/logout-everywhere", &second, None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.api(Method::GET, "/me", &first, None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.api(Method::GET, "/me", &second, None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn unknown_e_mail_and_wrong_password_answer_alike(app: TestApp) {
    app.user("cy@example.com").await;
    let wrong = app
        .api(
            Method::POST,
            "/auth/login",
            &As::Anonymous,
            Some(json!({ "email": "cy@example.com", "password": "not the password" })),
        )
        .await;
    let unknown = app
        .api(
            Method::POST,
            "/auth/login",
            &As::Anonymous,
            Some(json!({ "email": "nobody@example.com", "password": "not the password" })),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.json(), unknown.json());
}

async fn repeated_failures_are_throttled_with_retry_after(app: TestApp) {
    app.user("dee@example.com").await;
    let attempt = || {
        app.api(
            Method::POST,
            "/auth/login",
            &As::Anonymous,
            Some(json!({ "email": "dee@example.com", "password": "guess guess" })),
        )
    };
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(attempt().await.status);
    }
    assert!(
        statuses[..4].iter().all(|s| *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
    let limited = attempt().await;
    assert_eq!(
        limited.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{statuses:?}"
    );
    let retry: u64 = limited.header("retry-after").parse().unwrap();
    assert!(retry >= 1);
    assert_eq!(limited.json()["error"]["code"], "rate_limited");
    // Even the right password waits until the block ends.
    let right = app
        .api(
            Method::POST,
            "/auth/login",
            &As::Anonymous,
            Some(json!({ "email": "dee@example.com", "password": PASSWORD })),
        )
        .await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
}

async fn weak_passwords_and_bad_input_are_refused_with_the_field(app: TestApp) {
    for (body, field) in [
        (
            json!({ "email": "e@example.com", "password": "password1", "name": "E" }),
            "password",
        ),
        (
            json!({ "email": "e@example.com", "password": "short", "name": "E" }),
            "password",
        ),
        (
            json!({ "email": "not-an-email", "password": PASSWORD, "name": "E" }),
            "email",
        ),
        (
            json!({ "email": "e@example.com", "password": PASSWORD, "name": "  " }),
            "name",
        ),
    ] {
        let r = app
            .api(Method::POST, "/auth/register", &As::Anonymous, Some(body))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
        assert_eq!(r.json()["error"]["field"], field);
    }
    app.user("e@example.com").await;
    let again = app
        .api(
            Method::POST,
            "/auth/register",
            &As::Anonymous,
            Some(json!({ "email": "E@Example.com", "password": PASSWORD, "name": "E" })),
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "e-mail unique case-insensitively"
    );
}

async fn changing_the_password_ends_other_sessions(app: TestApp) {
    let here = app.user("fay@example.com").await;
    let elsewhere = app.login("fay@example.com").await;
    let wrong = app
        .api(
            Method::POST,
            "/me/password",
            &here,
            Some(json!({ "current_password": "nope nope", "new_password": "a fresh long secret" })),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong.json()["error"]["field"], "current_password");
    let ok = app
        .api(
            Method::POST,
            "/me/password",
            &here,
            Some(json!({ "current_password": PASSWORD, "new_password": "a fresh long secret" })),
        )
        .await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.text());
    assert_eq!(
        app.api(Method::GET, "/me", &here, None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.api(Method::GET, "/me", &elsewhere, None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn api_tokens_are_shown_once_limited_and_revocable(app: TestApp) {
    let owner = app.user("gus@example.com").await;
    app.tenant(&owner, "gus-co").await;
    app.tenant(&owner, "gus-two").await;
    let r = app
        .api(
            Method::POST,
            "/me/tokens",
            &owner,
            Some(json!({ "name": "ci", "tenant": "gus-co", "expires_in_days": 30 })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let token = r.json()["token"].as_str().unwrap().to_string();
    let id = r.json()["id"].as_str().unwrap().to_string();
    let bearer = As::Bearer(token.clone());

    let listed = app.api(Method::GET, "/me/tokens", &owner, None).await;
    assert!(
        !listed.text().contains(&token),
        "the secret is never listed"
    );
    assert_eq!(listed.json()["items"][0]["tenant"], "gus-co");

    let me = app.api(Method::GET, "/me", &bearer, None).await.json();
    assert_eq!(
        me["tenants"].as_array().unwrap().len(),
        1,
        "a limited token sees its tenant only"
    );
    assert_eq!(
        app.api(Method::GET, "/tenants/gus-co", &bearer, None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.api(Method::GET, "/tenants/gus-two", &bearer, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let revoked = app
        .api(Method::DELETE, &format!("/me/tokens/{id}"), &owner, None)
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.api(Method::GET, "/me", &bearer, None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

on_both_databases! {
    sign_in_and_out => sign_in_sets_a_safe_cookie_and_sign_out_ends_the_session;
    sign_out_everywhere => each_sign_in_gets_a_new_session_and_everywhere_ends_them_all;
    uniform_failures => unknown_e_mail_and_wrong_password_answer_alike;
    throttling => repeated_failures_are_throttled_with_retry_after;
    input_rules => weak_passwords_and_bad_input_are_refused_with_the_field;
    password_change => changing_the_password_ends_other_sessions;
    api_tokens => api_tokens_are_shown_once_limited_and_revocable;
}

async fn outdated_hashes_are_upgraded_at_sign_in(app: TestApp) {
    use argon2::{password_hash::SaltString, Argon2, Params, PasswordHasher};
    use sea_orm::{ConnectionTrait, Statement};
    app.user("old@example.com").await;
    let weak = Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        Params::new(4096, 3, 1, None).unwrap(),
    )
    .hash_password(
        PASSWORD.as_bytes(),
        &SaltString::from_b64("c29tZXNhbHRzb21lc2FsdA").unwrap(),
    )
    .unwrap()
    .to_string();
    let owner = app.owner().await;
    owner
        .execute_unprepared(&format!(
            "UPDATE users SET password_hash = '{weak}' WHERE email = 'old@example.com'"
        ))
        .await
        .unwrap();
    app.login("old@example.com").await;
    let row = owner
        .query_one(Statement::from_string(
            owner.get_database_backend(),
            "SELECT password_hash FROM users WHERE email = 'old@example.com'",
        ))
        .await
        .unwrap()
        .unwrap();
    let stored: String = row.try_get_by_index(0).unwrap();
    assert!(
        stored.contains("m=19456,t=2,p=1"),
        "rehashed with today's parameters: {stored}"
    );
    app.login("old@example.com").await;
}

on_both_databases! {
    rehash => outdated_hashes_are_upgraded_at_sign_in;
}
