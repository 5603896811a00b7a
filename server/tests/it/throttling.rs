//! Throttles hold under bursts: parallel password guesses get no more evaluations than the
//! same guesses made one by one, the current password of a password change is throttled
//! like sign-in, and sign-ups are throttled per client address and answer a taken address
//! no faster than a new one.

use crate::support::{
    api::{As, PASSWORD},
    on_both_databases, postgres_url, sqlite_url, test_auth, TestApp, TestDb, TestResponse,
};
use app::backend::state::AuthSettings;
use app::backend::{auth::throttle::FREE_PER_ACCOUNT, state::DEFAULT_SIGNUPS_PER_ADDRESS};
use futures_util::future::join_all;
use http::{Method, StatusCode};
use serde_json::json;
use std::time::{Duration, Instant};

const GUESSES: usize = 60;

async fn sign_in(app: &TestApp, email: &str, password: &str) -> TestResponse {
    let body = json!({ "email": email, "password": password });
    app.api(Method::POST, "/auth/login", &As::Anonymous, Some(body))
        .await
}

fn count(responses: &[TestResponse], status: StatusCode) -> usize {
    responses.iter().filter(|r| r.status == status).count()
}

async fn a_burst_of_guesses_gets_no_more_evaluations_than_guesses_one_by_one(app: TestApp) {
    app.user("burst@example.com").await;
    app.user("patient@example.com").await;

    let guesses: Vec<String> = (0..GUESSES).map(|i| format!("wrong guess {i}")).collect();
    let burst = join_all(
        guesses
            .iter()
            .map(|guess| sign_in(&app, "burst@example.com", guess)),
    )
    .await;
    let mut one_by_one = Vec::new();
    for guess in &guesses {
        one_by_one.push(sign_in(&app, "patient@example.com", guess).await);
    }

    let evaluated = usize::try_from(FREE_PER_ACCOUNT).unwrap() + 1;
    assert_eq!(count(&one_by_one, StatusCode::UNAUTHORIZED), evaluated);
    assert_eq!(
        count(&burst, StatusCode::UNAUTHORIZED),
        count(&one_by_one, StatusCode::UNAUTHORIZED),
        "a burst is evaluated as often as the same guesses one by one"
    );
    assert_eq!(
        count(&burst, StatusCode::TOO_MANY_REQUESTS),
        GUESSES - evaluated
    );
    for refused in burst
        .iter()
        .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
    {
        assert!(refused.header("retry-after").parse::<u64>().unwrap() >= 1);
        assert_eq!(refused.json()["error"]["code"], "rate_limited");
    }
    // The right password waits for the block like any guess.
    assert_eq!(
        sign_in(&app, "burst@example.com", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

async fn successes_do_not_build_up_a_block(app: TestApp) {
    app.user("often@example.com").await;
    // Far more right sign-ins than the address's free failures: none counts against it.
    for _ in 0..30 {
        app.login("often@example.com").await;
    }
    let guesses = join_all((0..3).map(|_| sign_in(&app, "often@example.com", "wrong guess"))).await;
    assert_eq!(count(&guesses, StatusCode::UNAUTHORIZED), 3);
    app.login("often@example.com").await;
}

async fn the_current_password_of_a_password_change_is_throttled(app: TestApp) {
    let session = app.user("thief@example.com").await;
    let change = |current: String| {
        app.api(
            Method::POST,
            "/me/password",
            &session,
            Some(json!({ "current_password": current, "new_password": "a brand new passphrase" })),
        )
    };
    let guesses = join_all((0..20).map(|i| change(format!("guess {i}")))).await;
    let evaluated = usize::try_from(FREE_PER_ACCOUNT).unwrap() + 1;
    assert_eq!(count(&guesses, StatusCode::BAD_REQUEST), evaluated);
    assert_eq!(
        count(&guesses, StatusCode::TOO_MANY_REQUESTS),
        20 - evaluated
    );
    // Blocked for the right password too, and for sign-in (one counter per account).
    assert_eq!(
        change(PASSWORD.into()).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        sign_in(&app, "thief@example.com", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Nothing changed: the old password still stands once the block is over.
    assert_eq!(
        app.api(Method::GET, "/me", &session, None).await.status,
        StatusCode::OK
    );
}

on_both_databases! {
    burst_of_guesses => a_burst_of_guesses_gets_no_more_evaluations_than_guesses_one_by_one;
    successes => successes_do_not_build_up_a_block;
    password_change => the_current_password_of_a_password_change_is_throttled;
}

/// An app with the default sign-up throttle (test apps lift it).
async fn with_default_signup_throttle((url, db): (String, TestDb)) -> TestApp {
    TestApp::with_auth(
        url,
        db,
        AuthSettings {
            signups_per_address: DEFAULT_SIGNUPS_PER_ADDRESS,
            ..test_auth()
        },
    )
    .await
}

async fn register(app: &TestApp, email: &str) -> TestResponse {
    app.api(
        Method::POST,
        "/auth/register",
        &As::Anonymous,
        Some(json!({ "email": email, "password": PASSWORD, "name": "Newcomer" })),
    )
    .await
}

async fn sign_ups_from_one_address_are_throttled(app: TestApp) {
    let mut statuses = Vec::new();
    for i in 0..30 {
        statuses.push(register(&app, &format!("n{i}@example.com")).await.status);
    }
    let free = usize::try_from(DEFAULT_SIGNUPS_PER_ADDRESS).unwrap();
    assert!(
        statuses[..=free].iter().all(|s| *s == StatusCode::CREATED),
        "{statuses:?}"
    );
    assert!(
        statuses[free + 1..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let refused = register(&app, "late@example.com").await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.header("retry-after").parse::<u64>().unwrap() >= 1);
    // Nobody was created while refused.
    let late = app
        .api(
            Method::POST,
            "/auth/login",
            &As::Anonymous,
            Some(json!({ "email": "late@example.com", "password": PASSWORD })),
        )
        .await;
    assert_eq!(late.status, StatusCode::UNAUTHORIZED, "{}", late.text());
}

/// A taken address costs the server as much as a new one, so its answer comes no sooner.
async fn a_taken_address_answers_no_faster_than_a_new_one(app: TestApp) {
    app.user("taken@example.com").await;
    let mut new = Vec::new();
    let mut taken = Vec::new();
    for i in 0..7 {
        let started = Instant::now();
        let r = register(&app, &format!("fresh{i}@example.com")).await;
        new.push(started.elapsed());
        assert_eq!(r.status, StatusCode::CREATED);
        let started = Instant::now();
        let r = register(&app, "taken@example.com").await;
        taken.push(started.elapsed());
        assert_eq!(r.status, StatusCode::CONFLICT);
    }
    let (new, taken) = (median(new), median(taken));
    // Without the equal work a taken address answered about 30 times sooner; the margin
    // leaves room for a busy machine.
    assert!(
        taken * 2 >= new,
        "taken address {taken:?} against new address {new:?} (medians)"
    );
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

async fn look_alike_addresses_are_refused(app: TestApp) {
    // «pаypal» with a Cyrillic «а».
    let r = register(&app, "p\u{430}ypal@example.com").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert_eq!(r.json()["error"]["field"], "email");
    let r = register(&app, "josé@example.com").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
}

on_both_databases! {
    timing => a_taken_address_answers_no_faster_than_a_new_one;
    look_alikes => look_alike_addresses_are_refused;
}

mod sign_up_throttle {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let app = super::with_default_signup_throttle(super::sqlite_url().await).await;
        super::sign_ups_from_one_address_are_throttled(app).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let app = super::with_default_signup_throttle(super::postgres_url().await).await;
        super::sign_ups_from_one_address_are_throttled(app).await;
    }
}
