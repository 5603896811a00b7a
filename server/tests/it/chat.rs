//! The AI chat backend through the REST API, against the fake OpenAI provider
//! (`parley-test-provider`) over real HTTP: answers are stored before and while they stream
//! and always end as `complete`, `stopped` or `error` (never stuck `streaming`); retries
//! happen only before the first token; keys never leave the server; another tenant's chats,
//! providers and models stay out of reach; tenant-given addresses cannot reach internal hosts.

use crate::support::{
    api::{api_request, As},
    logs::CapturedLogs,
    on_both_databases,
    sse::{SseEvent, SseStream},
    strict_policy, test_policy, TestApp, TestResponse,
};
use http::{Method, StatusCode};
use parley_test_provider::{
    answer::{answer, tokens},
    behaviour::Behaviour,
    Handle, Options, RecordedRequest,
};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// The key the fake provider demands (a plain test key; the canary test uses its own).
const UPSTREAM_KEY: &str = "sk-upstream-test-key";

async fn upstream() -> Handle {
    upstream_with_key(UPSTREAM_KEY).await
}

async fn upstream_with_key(key: &str) -> Handle {
    Handle::start(Options {
        api_key: Some(key.into()),
        ..Options::default()
    })
    .await
    .unwrap()
}

/// The chat completions the provider received (model listings left out).
fn completions(upstream: &Handle) -> Vec<RecordedRequest> {
    upstream
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/chat/completions")
        .collect()
}

/// What the fake provider answers to `message`, and in which tokens it streams it.
fn expected_answer(message: &str) -> String {
    answer(&Behaviour::parse(message))
}

fn first_tokens(message: &str, n: usize) -> String {
    tokens(&expected_answer(message))[..n].concat()
}

/// Polls `condition` until it holds; fails the test after ten seconds.
async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A tenant with an owner (`admin`), a member, and one provider pointing at `upstream`
/// whose listed models were enabled by a connection test.
struct Workspace {
    slug: String,
    admin: As,
    member: As,
    provider_id: String,
    /// `<provider id>/parley-echo`
    echo: String,
    /// `<provider id>/parley-echo-mini`
    mini: String,
}

impl Workspace {
    fn chats(&self) -> String {
        format!("/tenants/{}/chats", self.slug)
    }

    fn chat(&self, id: &str) -> String {
        format!("/tenants/{}/chats/{id}", self.slug)
    }

    fn provider(&self, id: &str) -> String {
        format!("/tenants/{}/providers/{id}", self.slug)
    }
}

async fn workspace(app: &TestApp, slug: &str, upstream: &Handle) -> Workspace {
    let admin = app.user(&format!("admin@{slug}.example")).await;
    app.tenant(&admin, slug).await;
    let member = app.user(&format!("member@{slug}.example")).await;
    app.join(&admin, slug, &member, "member").await;
    let provider_id = create_provider(
        app,
        &admin,
        slug,
        json!({ "name": "Echo", "kind": "openai_compatible",
                "base_url": upstream.base_url(), "api_key": UPSTREAM_KEY }),
    )
    .await;
    let test = app
        .api(
            Method::POST,
            &format!("/tenants/{slug}/providers/{provider_id}/test"),
            &admin,
            None,
        )
        .await;
    assert_eq!(test.status, StatusCode::OK, "{}", test.text());
    assert_eq!(test.json()["ok"], true, "{}", test.text());
    upstream.clear_requests();
    Workspace {
        slug: slug.into(),
        admin,
        member,
        echo: format!("{provider_id}/parley-echo"),
        mini: format!("{provider_id}/parley-echo-mini"),
        provider_id,
    }
}

async fn create_provider(app: &TestApp, admin: &As, slug: &str, body: Value) -> String {
    let r = app
        .api(
            Method::POST,
            &format!("/tenants/{slug}/providers"),
            admin,
            Some(body),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "create provider: {}",
        r.text()
    );
    r.json()["id"].as_str().unwrap().to_string()
}

async fn new_chat(app: &TestApp, ws: &Workspace, who: &As) -> String {
    let r = app
        .api(Method::POST, &ws.chats(), who, Some(json!({})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_str().unwrap().to_string()
}

async fn send(app: &TestApp, ws: &Workspace, who: &As, chat: &str, body: Value) -> TestResponse {
    app.api(
        Method::POST,
        &format!("{}/messages", ws.chat(chat)),
        who,
        Some(body),
    )
    .await
}

/// Sends without streaming; returns `{user_message, assistant_message}`.
async fn say(app: &TestApp, ws: &Workspace, who: &As, chat: &str, body: Value) -> Value {
    let r = send(app, ws, who, chat, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

/// Sends `content` and asks for a stream: checks that it opens with the stored question and
/// returns it, read past that first `message` event.
async fn send_streamed(
    app: &TestApp,
    ws: &Workspace,
    who: &As,
    chat: &str,
    content: &str,
) -> (SseStream, Value) {
    let mut stream = app
        .api_stream(
            Method::POST,
            &format!("{}/messages", ws.chat(chat)),
            who,
            Some(json!({ "content": content, "stream": true })),
        )
        .await;
    assert_eq!(stream.status, StatusCode::OK);
    let first = stream.next().await.unwrap();
    assert_eq!(first.event, "message", "the question comes first");
    let question = first.json();
    assert_eq!(question["content"], content);
    (stream, question)
}

async fn messages(app: &TestApp, ws: &Workspace, who: &As, chat: &str) -> Vec<Value> {
    let r = app
        .api(
            Method::GET,
            &format!("{}/messages", ws.chat(chat)),
            who,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["items"].as_array().unwrap().clone()
}

/// The stored answer once it has left `streaming`.
async fn settled(app: &TestApp, ws: &Workspace, who: &As, chat: &str, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let stored = messages(app, ws, who, chat)
            .await
            .into_iter()
            .find(|m| m["id"] == id)
            .unwrap_or_else(|| panic!("message {id} is stored"));
        if stored["status"] != "streaming" {
            return stored;
        }
        assert!(Instant::now() < deadline, "{id} still streaming: {stored}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The id of the answer currently streaming in `chat`.
async fn streaming_answer(app: &TestApp, ws: &Workspace, who: &As, chat: &str) -> String {
    let items = messages(app, ws, who, chat).await;
    let last = items.last().unwrap();
    assert_eq!(last["role"], "assistant");
    assert_eq!(last["status"], "streaming", "{last}");
    last["id"].as_str().unwrap().to_string()
}

fn text_of(events: &[SseEvent]) -> String {
    events
        .iter()
        .filter(|e| e.event == "delta")
        .map(|e| e.json()["text"].as_str().unwrap().to_string())
        .collect()
}

fn assert_sentence(error: &Value) {
    let message = error["message"].as_str().unwrap();
    assert!(
        message.len() > 20 && message.ends_with('.'),
        "a sentence for people: {error}"
    );
    for internal in [
        "reqwest",
        "hyper",
        "error sending",
        "{\"error\"",
        "Incorrect API key",
    ] {
        assert!(
            !message.contains(internal),
            "no internal or upstream text: {error}"
        );
    }
}

// 1 ---------------------------------------------------------------------------------------

async fn an_admin_connects_a_provider_and_a_member_gets_an_answer(app: TestApp) {
    let up = upstream().await;
    let admin = app.user("admin@acme.example").await;
    app.tenant(&admin, "acme").await;
    let member = app.user("member@acme.example").await;
    app.join(&admin, "acme", &member, "member").await;

    let created = app
        .api(
            Method::POST,
            "/tenants/acme/providers",
            &admin,
            Some(json!({ "name": "Echo", "kind": "openai_compatible",
                         "base_url": up.base_url(), "api_key": UPSTREAM_KEY })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let provider = created.json();
    assert_eq!(provider["kind"], "openai_compatible");
    assert_eq!(provider["base_url"], up.base_url());
    assert_eq!(provider["api_key_hint"], "…-key");
    assert!(provider.get("api_key").is_none());
    assert_eq!(
        provider["models"],
        json!([]),
        "nothing listed before a test"
    );
    let pid = provider["id"].as_str().unwrap();

    // Only admins manage providers.
    let denied = app
        .api(
            Method::POST,
            &format!("/tenants/acme/providers/{pid}/test"),
            &member,
            None,
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert!(up.requests().is_empty(), "a refused test sends nothing");

    let test = app
        .api(
            Method::POST,
            &format!("/tenants/acme/providers/{pid}/test"),
            &admin,
            None,
        )
        .await;
    assert_eq!(test.status, StatusCode::OK, "{}", test.text());
    let test = test.json();
    assert_eq!(test["ok"], true, "{test}");
    assert_eq!(test["models"], json!(["parley-echo", "parley-echo-mini"]));
    assert!(test["message"].as_str().unwrap().contains("2 models"));
    let listed = up.requests();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].path, "/v1/models");
    assert_eq!(
        listed[0].auth.as_deref(),
        Some(format!("Bearer {UPSTREAM_KEY}").as_str())
    );

    let models = app
        .api(Method::GET, "/tenants/acme/models", &member, None)
        .await;
    assert_eq!(models.status, StatusCode::OK, "{}", models.text());
    let echo = format!("{pid}/parley-echo");
    let ids: Vec<Value> = models.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].clone())
        .collect();
    assert_eq!(ids, [json!(echo), json!(format!("{pid}/parley-echo-mini"))]);

    let chat = app
        .api(
            Method::POST,
            "/tenants/acme/chats",
            &member,
            Some(json!({})),
        )
        .await;
    assert_eq!(chat.status, StatusCode::CREATED, "{}", chat.text());
    assert_eq!(chat.json()["title"], "New chat");
    let chat_id = chat.json()["id"].as_str().unwrap().to_string();

    up.clear_requests();
    let sent = app
        .api(
            Method::POST,
            &format!("/tenants/acme/chats/{chat_id}/messages"),
            &member,
            Some(json!({ "content": "Hello there", "model": echo })),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
    let sent = sent.json();
    let question = &sent["user_message"];
    assert_eq!(question["role"], "user");
    assert_eq!(question["content"], "Hello there");
    assert_eq!(question["status"], "complete");
    let reply = &sent["assistant_message"];
    assert_eq!(reply["role"], "assistant");
    assert_eq!(reply["status"], "complete", "{reply}");
    assert_eq!(reply["content"], "You said: Hello there.");
    assert_eq!(reply["model"], echo);
    // The fake provider counts words: 2 in the prompt, 4 tokens in the answer.
    assert_eq!(
        reply["usage"],
        json!({ "prompt_tokens": 2, "completion_tokens": 4 })
    );
    assert!(reply["latency_ms"].as_i64().unwrap() >= 0, "{reply}");
    assert!(reply["error"].is_null());

    let calls = completions(&up);
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].auth.as_deref(),
        Some(format!("Bearer {UPSTREAM_KEY}").as_str())
    );
    assert_eq!(calls[0].model.as_deref(), Some("parley-echo"));
    assert!(
        calls[0].stream,
        "answers are always streamed from the provider"
    );
    let body = calls[0].body.as_ref().unwrap();
    assert_eq!(
        body["messages"],
        json!([{ "role": "user", "content": "Hello there" }])
    );

    let listed = app
        .api(
            Method::GET,
            &format!("/tenants/acme/chats/{chat_id}/messages"),
            &member,
            None,
        )
        .await
        .json();
    assert_eq!(listed["items"], json!([question, reply]), "oldest first");
    assert_eq!(listed["next_cursor"], Value::Null);
    let chat = app
        .api(
            Method::GET,
            &format!("/tenants/acme/chats/{chat_id}"),
            &member,
            None,
        )
        .await
        .json();
    assert_eq!(
        chat["title"], "Hello there",
        "titled after the first message"
    );
}

/// A chat whose first answer failed takes its title from the first exchange that succeeds,
/// whether that is a new question or the failed one edited.
async fn a_chat_is_titled_by_its_first_successful_exchange(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;
    let title = |chat: String| {
        let app = &app;
        let path = ws.chat(&chat);
        let member = ws.member.clone();
        async move {
            app.api(Method::GET, &path, &member, None).await.json()["title"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };

    let chat = new_chat(&app, &ws, &ws.member).await;
    let failed = say(
        &app,
        &ws,
        &ws.member,
        &chat,
        json!({ "content": "Broken /fail:500" }),
    )
    .await;
    assert_eq!(failed["assistant_message"]["status"], "error");
    assert_eq!(title(chat.clone()).await, "New chat");
    say(
        &app,
        &ws,
        &ws.member,
        &chat,
        json!({ "content": "Real question" }),
    )
    .await;
    assert_eq!(title(chat.clone()).await, "Real question");
    say(
        &app,
        &ws,
        &ws.member,
        &chat,
        json!({ "content": "Later question" }),
    )
    .await;
    assert_eq!(
        title(chat.clone()).await,
        "Real question",
        "the first success stays"
    );

    let edited = new_chat(&app, &ws, &ws.member).await;
    say(
        &app,
        &ws,
        &ws.member,
        &edited,
        json!({ "content": "Broken /fail:500" }),
    )
    .await;
    let again = app
        .api(
            Method::POST,
            &format!("{}/regenerate", ws.chat(&edited)),
            &ws.member,
            Some(json!({ "content": "Fixed question" })),
        )
        .await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text());
    assert_eq!(title(edited).await, "Fixed question");
}

// 2 ---------------------------------------------------------------------------------------

async fn a_streamed_answer_arrives_as_deltas_that_add_up_to_the_stored_one(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;
    let chat = new_chat(&app, &ws, &ws.member).await;
    let content = "Stream me please /slow:20 /words:8";
    let (mut stream, question) = send_streamed(&app, &ws, &ws.member, &chat, content).await;
    assert!(
        stream.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream"),
        "{:?}",
        stream.headers
    );
    assert_eq!(question["role"], "user");
    assert_eq!(question["status"], "complete");

    let events = stream.rest().await;
    let (last, deltas) = events.split_last().unwrap();
    assert!(
        deltas.iter().all(|e| e.event == "delta"),
        "only deltas before the end: {events:?}"
    );
    assert!(deltas.len() >= 2, "several deltas: {events:?}");
    assert_eq!(last.event, "done");
    let done = last.json();
    assert_eq!(done["status"], "complete");
    assert_eq!(done["role"], "assistant");
    assert_eq!(text_of(deltas), done["content"].as_str().unwrap());
    assert_eq!(done["content"], expected_answer(content));
    assert_eq!(
        done["usage"]["completion_tokens"],
        tokens(&expected_answer(content)).len()
    );

    let stored = messages(&app, &ws, &ws.member, &chat).await;
    assert_eq!(stored, vec![question, done]);
    assert_eq!(completions(&up).len(), 1);
}

/// Compression is applied per endpoint: JSON is compressed, event streams are not (and do
/// not carry a compressor's body for as long as they are open).
async fn json_answers_are_compressed_and_streams_are_not(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;
    let chat = new_chat(&app, &ws, &ws.member).await;
    let with_br = |method: Method, path: String, body: Option<Value>| {
        let mut request = api_request(method, &path, &ws.member, body);
        request
            .headers_mut()
            .insert("accept-encoding", "br".parse().unwrap());
        request
    };

    let streamed = app
        .send(with_br(
            Method::POST,
            format!("{}/messages", ws.chat(&chat)),
            Some(json!({ "content": "Hello there /words:30", "stream": true })),
        ))
        .await;
    assert_eq!(streamed.status, StatusCode::OK, "{}", streamed.text());
    assert!(streamed
        .header("content-type")
        .starts_with("text/event-stream"));
    assert_eq!(
        streamed.header("content-encoding"),
        "",
        "streams are sent as they are"
    );
    assert!(
        streamed.text().contains("event: done"),
        "{}",
        streamed.text()
    );

    let listed = app
        .send(with_br(
            Method::GET,
            format!("{}/messages", ws.chat(&chat)),
            None,
        ))
        .await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.header("content-encoding"), "br");
}

// 3 ---------------------------------------------------------------------------------------

async fn provider_errors_end_as_stored_errors_with_a_clear_sentence(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;
    let wrong_key = create_provider(
        &app,
        &ws.admin,
        "acme",
        json!({ "name": "Wrong key", "kind": "openai_compatible", "base_url": up.base_url(),
                "api_key": "sk-not-the-right-key", "models": ["parley-echo"] }),
    )
    .await;
    // A model the admin typed in but the provider does not know.
    let patched = app
        .api(
            Method::PATCH,
            &ws.provider(&ws.provider_id),
            &ws.admin,
            Some(json!({ "models": ["no-such-model"] })),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text());
    let unknown_model = format!("{}/no-such-model", ws.provider_id);

    // (message, model, code, words in the sentence, provider requests)
    let cases = [
        (
            "Who am I?",
            format!("{wrong_key}/parley-echo"),
            "provider_unauthorized",
            "401",
            1,
        ),
        (
            "Which model?",
            unknown_model,
            "provider_model_not_found",
            "no-such-model",
            1,
        ),
        (
            "Too many /fail:429:30",
            ws.echo.clone(),
            "provider_rate_limited",
            "30 seconds",
            1, // waiting 30 s is not worth holding the message: no retry
        ),
        (
            "Too many again /fail:429:1",
            ws.echo.clone(),
            "provider_rate_limited",
            "429",
            4, // Retry-After honoured, three retries
        ),
        (
            "Broken /fail:500",
            ws.echo.clone(),
            "provider_unavailable",
            "HTTP 500",
            4,
        ),
        (
            "Refused /fail:400",
            ws.echo.clone(),
            "provider_rejected",
            "HTTP 400",
            1,
        ),
    ];
    for (content, model, code, words, requests) in cases {
        let chat = new_chat(&app, &ws, &ws.member).await;
        up.clear_requests();
        let started = Instant::now();
        let sent = say(
            &app,
            &ws,
            &ws.member,
            &chat,
            json!({ "content": content, "model": model }),
        )
        .await;
        let reply = &sent["assistant_message"];
        assert_eq!(reply["status"], "error", "{content}: {reply}");
        assert_eq!(reply["error"]["code"], code, "{content}: {reply}");
        assert!(
            reply["error"]["message"].as_str().unwrap().contains(words),
            "{content}: {reply}"
        );
        assert_sentence(&reply["error"]);
        assert_eq!(reply["content"], "");
        assert_eq!(
            completions(&up).len(),
            requests,
            "{content}: provider requests"
        );
        if content.contains("/fail:429:1") {
            assert!(
                started.elapsed() >= Duration::from_secs(3),
                "Retry-After: 1 honoured between the attempts"
            );
        }
        let stored = messages(&app, &ws, &ws.member, &chat).await;
        assert_eq!(&stored[1], reply, "{content}: stored as answered");
        assert_eq!(stored[0]["status"], "complete", "the question is kept");
    }
}

async fn broken_streams_end_as_stored_errors_keeping_the_text_so_far(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;

    // Cut after three tokens, followed as a stream: the deltas, then an `error` event.
    let cut = "Cut me off here /cut:3";
    let chat = new_chat(&app, &ws, &ws.member).await;
    let (mut stream, _) = send_streamed(&app, &ws, &ws.member, &chat, cut).await;
    let events = stream.rest().await;
    let (last, deltas) = events.split_last().unwrap();
    assert_eq!(last.event, "error", "{events:?}");
    let error = last.json();
    assert_eq!(error["code"], "provider_stream_cut");
    assert!(error["message"].as_str().unwrap().contains("kept"));
    assert_sentence(&error);
    assert_eq!(text_of(deltas), first_tokens(cut, 3));
    let id = error["message_id"].as_str().unwrap();
    let stored = settled(&app, &ws, &ws.member, &chat, id).await;
    assert_eq!(stored["status"], "error");
    assert_eq!(stored["error"]["code"], "provider_stream_cut");
    assert_eq!(stored["content"], first_tokens(cut, 3), "partial text kept");
    assert_eq!(completions(&up).len(), 1);

    // (message, code, text kept)
    let cases = [
        (
            "Garbage /malformed",
            "provider_bad_response",
            first_tokens("Garbage /malformed", 2),
        ),
        // Silent before the first byte: the read timeout (3 s in tests) ends the wait.
        ("Anyone there? /hang", "provider_timeout", String::new()),
    ];
    for (content, code, kept) in cases {
        let chat = new_chat(&app, &ws, &ws.member).await;
        up.clear_requests();
        let sent = say(&app, &ws, &ws.member, &chat, json!({ "content": content })).await;
        let reply = &sent["assistant_message"];
        assert_eq!(reply["status"], "error", "{content}: {reply}");
        assert_eq!(reply["error"]["code"], code, "{content}: {reply}");
        assert_sentence(&reply["error"]);
        assert_eq!(reply["content"], kept, "{content}");
        assert_eq!(completions(&up).len(), 1, "{content}: not retried");
        let stored = messages(&app, &ws, &ws.member, &chat).await;
        assert_eq!(&stored[1], reply, "{content}");
    }
}

/// Silent after two tokens: the read timeout ends the wait, the text so far is kept.
async fn a_provider_falling_silent_mid_answer(app: &TestApp) -> Value {
    let up = upstream().await;
    let ws = workspace(app, "acme", &up).await;
    let chat = new_chat(app, &ws, &ws.member).await;
    let content = "Then silence /hang-after:2";
    let sent = say(app, &ws, &ws.member, &chat, json!({ "content": content })).await;
    let reply = sent["assistant_message"].clone();
    assert_eq!(reply["status"], "error", "{reply}");
    assert_eq!(
        reply["content"],
        first_tokens(content, 2),
        "text so far kept"
    );
    assert_sentence(&reply["error"]);
    assert_eq!(completions(&up).len(), 1, "not retried");
    assert_eq!(messages(app, &ws, &ws.member, &chat).await[1], reply);
    eventually("Parley closed the silent stream", || up.open_streams() == 0).await;
    reply
}

/// A stall after the first tokens is the read timeout firing, and says so.
async fn a_provider_falling_silent_mid_answer_ends_as_an_error(app: TestApp) {
    let reply = a_provider_falling_silent_mid_answer(&app).await;
    assert_eq!(reply["error"]["code"], "provider_timeout", "{reply}");
}

// 4 ---------------------------------------------------------------------------------------

async fn retries_happen_only_before_the_first_token(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;

    let flaky = "Second time lucky /fail-once:500";
    let chat = new_chat(&app, &ws, &ws.member).await;
    let sent = say(&app, &ws, &ws.member, &chat, json!({ "content": flaky })).await;
    assert_eq!(sent["assistant_message"]["status"], "complete");
    assert_eq!(sent["assistant_message"]["content"], expected_answer(flaky));
    assert_eq!(completions(&up).len(), 2, "one retry after the 500");

    up.clear_requests();
    let limited = "Patience /fail-once:429:1";
    let sent = say(&app, &ws, &ws.member, &chat, json!({ "content": limited })).await;
    assert_eq!(sent["assistant_message"]["status"], "complete");
    assert_eq!(
        sent["assistant_message"]["content"],
        expected_answer(limited)
    );
    assert_eq!(completions(&up).len(), 2);
    assert!(
        sent["assistant_message"]["latency_ms"].as_i64().unwrap() >= 1000,
        "waited for Retry-After: {}",
        sent["assistant_message"]
    );

    up.clear_requests();
    let cut = "No second chance /cut:2";
    let sent = say(&app, &ws, &ws.member, &chat, json!({ "content": cut })).await;
    assert_eq!(sent["assistant_message"]["status"], "error");
    assert_eq!(
        sent["assistant_message"]["error"]["code"],
        "provider_stream_cut"
    );
    assert_eq!(sent["assistant_message"]["content"], first_tokens(cut, 2));
    assert_eq!(
        completions(&up).len(),
        1,
        "a stream that broke after tokens is not retried"
    );
}

/// While a busy provider is waited for, the stream says so (`retrying` with the seconds of
/// its `Retry-After`) before any text; the answer then streams as usual.
async fn a_busy_provider_is_announced_in_the_stream_before_the_retry(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;
    let chat = new_chat(&app, &ws, &ws.member).await;
    let content = "Patience in the stream /fail-once:429:2";
    let (mut stream, _) = send_streamed(&app, &ws, &ws.member, &chat, content).await;
    let first = stream.next().await.unwrap();
    assert_eq!(first.event, "retrying", "{first:?}");
    assert_eq!(first.json(), json!({ "seconds": 2 }));
    let rest = stream.rest().await;
    assert_eq!(text_of(&rest), expected_answer(content));
    assert_eq!(rest.last().unwrap().event, "done");
    assert!(
        rest.iter().all(|e| e.event != "retrying"),
        "one wait, told once"
    );
}

/// The chat page's new chat is stored with its first message, never empty: a refused first
/// message leaves no chat behind, whether refused before the chat is made or after.
async fn a_new_chat_is_stored_with_its_first_message_or_not_at_all(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;
    let start = |content: &str, client_id: &str| {
        let form = [
            ("slug", ws.slug.clone()),
            ("content", content.to_string()),
            ("model", String::new()),
            ("client_message_id", client_id.to_string()),
        ];
        let app = &app;
        let member = ws.member.clone();
        async move { app.server_fn(&member, "/api/chat/start", &form).await }
    };
    let listed = || async {
        app.api(Method::GET, &ws.chats(), &ws.member, None)
            .await
            .json()["items"]
            .as_array()
            .unwrap()
            .len()
    };

    let empty = start("   ", "first-try").await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST, "{}", empty.text());
    let bad_id = start("A fine question", "").await;
    assert_eq!(bad_id.status, StatusCode::BAD_REQUEST, "{}", bad_id.text());
    assert_eq!(listed().await, 0, "refused first messages store no chat");

    let started = start("Hello new chat", "first-message").await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text());
    let chat = started.json()["id"].as_str().unwrap().to_string();
    assert_eq!(listed().await, 1);
    let stored = messages(&app, &ws, &ws.member, &chat).await;
    assert_eq!(stored.len(), 2, "the question and its answer");
    assert_eq!(stored[0]["content"], "Hello new chat");
    let answer = stored[1]["id"].as_str().unwrap().to_string();
    assert_eq!(
        settled(&app, &ws, &ws.member, &chat, &answer).await["status"],
        "complete"
    );
}

// 5 ---------------------------------------------------------------------------------------

async fn stop_keeps_the_text_so_far_and_cancels_the_upstream_request(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;
    let chat = new_chat(&app, &ws, &ws.member).await;
    let content = "Tell me a long story /slow:100 /words:60";
    let full = expected_answer(content);
    let (mut stream, _) = send_streamed(&app, &ws, &ws.member, &chat, content).await;
    let first = stream.next().await.unwrap();
    assert_eq!(first.event, "delta");
    let id = streaming_answer(&app, &ws, &ws.member, &chat).await;
    assert_eq!(up.open_streams(), 1);

    let stop_path = format!("{}/messages/{id}/stop", ws.chat(&chat));
    let stopped = app.api(Method::POST, &stop_path, &ws.member, None).await;
    assert_eq!(stopped.status, StatusCode::OK, "{}", stopped.text());
    let stopped = stopped.json();
    assert_eq!(stopped["status"], "stopped");
    let text = stopped["content"].as_str().unwrap();
    assert!(
        !text.is_empty() && text.len() < full.len() && full.starts_with(text),
        "a prefix of the answer: {text:?}"
    );

    // The open stream ends with the stopped answer; nothing was lost on the way.
    let mut events = vec![first];
    events.extend(stream.rest().await);
    let (last, deltas) = events.split_last().unwrap();
    assert_eq!(last.event, "done");
    assert_eq!(last.json(), stopped);
    assert_eq!(text_of(deltas), text);

    eventually("the upstream stream is closed", || up.open_streams() == 0).await;
    let stored = settled(&app, &ws, &ws.member, &chat, &id).await;
    assert_eq!(stored, stopped);
    let again = app.api(Method::POST, &stop_path, &ws.member, None).await;
    assert_eq!(again.json(), stopped, "stopping twice changes nothing");
    assert_eq!(completions(&up).len(), 1);
}

// 6 ---------------------------------------------------------------------------------------

async fn closing_the_stream_stops_the_answer_and_events_replay_it(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;
    let chat = new_chat(&app, &ws, &ws.member).await;
    let content = "Keep talking /slow:100 /words:60";
    let full = expected_answer(content);
    let (mut stream, _) = send_streamed(&app, &ws, &ws.member, &chat, content).await;
    assert_eq!(stream.next().await.unwrap().event, "delta");
    let id = streaming_answer(&app, &ws, &ws.member, &chat).await;
    drop(stream); // the client goes away

    let stored = settled(&app, &ws, &ws.member, &chat, &id).await;
    assert_eq!(stored["status"], "stopped", "{stored}");
    let text = stored["content"].as_str().unwrap();
    assert!(
        !text.is_empty() && text.len() < full.len() && full.starts_with(text),
        "{text:?}"
    );
    eventually("the upstream stream is closed", || up.open_streams() == 0).await;

    let mut follow = app
        .api_stream(
            Method::GET,
            &format!("{}/messages/{id}/events", ws.chat(&chat)),
            &ws.member,
            None,
        )
        .await;
    assert_eq!(follow.status, StatusCode::OK);
    let events = follow.rest().await;
    let (last, deltas) = events.split_last().unwrap();
    assert_eq!(last.event, "done", "{events:?}");
    assert_eq!(last.json(), stored);
    assert_eq!(text_of(deltas), text);
}

// 7 ---------------------------------------------------------------------------------------

async fn sends_at_once_to_one_chat_are_all_stored_in_turn(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;
    let chat = new_chat(&app, &ws, &ws.member).await;
    // Each reads the chat's latest message before it writes: all but one lose the race
    // for the next `seq` at least once and start over.
    let said = ["First words", "Second words", "Third words", "Fourth words"];
    let pairs = futures_util::future::join_all(
        said.map(|content| say(&app, &ws, &ws.member, &chat, json!({ "content": content }))),
    )
    .await;
    let stored = messages(&app, &ws, &ws.member, &chat).await;
    let seqs: Vec<i64> = stored.iter().map(|m| m["seq"].as_i64().unwrap()).collect();
    assert_eq!(
        seqs,
        (1..=8).collect::<Vec<_>>(),
        "no exchange lost or interleaved"
    );
    for pair in &pairs {
        let question = pair["user_message"]["seq"].as_i64().unwrap();
        assert_eq!(
            pair["assistant_message"]["seq"].as_i64(),
            Some(question + 1)
        );
        let said = pair["user_message"]["content"].as_str().unwrap();
        assert_eq!(
            pair["assistant_message"]["status"], "complete",
            "{said}: {pair}"
        );
        let stored_question = &stored[usize::try_from(question - 1).unwrap()];
        assert_eq!(stored_question["content"], said);
    }
}

/// The model is shown the chat so far: answers that failed are left out, and a long chat
/// is cut to its latest 40 messages, the new question last.
async fn the_model_sees_the_latest_conversation_without_failed_answers(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;
    let chat = new_chat(&app, &ws, &ws.member).await;
    let first = say(
        &app,
        &ws,
        &ws.member,
        &chat,
        json!({ "content": "First question" }),
    )
    .await;
    assert_eq!(first["assistant_message"]["status"], "complete");
    let failed = say(
        &app,
        &ws,
        &ws.member,
        &chat,
        json!({ "content": "Refused /fail:401" }),
    )
    .await;
    assert_eq!(failed["assistant_message"]["status"], "error", "{failed}");
    say(
        &app,
        &ws,
        &ws.member,
        &chat,
        json!({ "content": "Third question" }),
    )
    .await;
    let sent = completions(&up);
    assert_eq!(
        sent.last().unwrap().body.as_ref().unwrap()["messages"],
        json!([
            { "role": "user", "content": "First question" },
            { "role": "assistant", "content": expected_answer("First question") },
            { "role": "user", "content": "Refused /fail:401" },
            { "role": "user", "content": "Third question" },
        ])
    );

    let long = new_chat(&app, &ws, &ws.member).await;
    for n in 1..=21 {
        let content = format!("Question {n}");
        say(&app, &ws, &ws.member, &long, json!({ "content": content })).await;
    }
    let sent = completions(&up);
    let shown = sent.last().unwrap().body.as_ref().unwrap()["messages"]
        .as_array()
        .unwrap()
        .clone();
    // 41 messages with the new question: the first question is the one left out.
    assert_eq!(shown.len(), 40);
    assert_eq!(
        shown[0],
        json!({ "role": "assistant", "content": expected_answer("Question 1") })
    );
    assert_eq!(shown[1], json!({ "role": "user", "content": "Question 2" }));
    assert_eq!(
        shown[39],
        json!({ "role": "user", "content": "Question 21" })
    );
}

async fn sending_twice_with_one_client_message_id_answers_once(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;
    let chat = new_chat(&app, &ws, &ws.member).await;
    let body = json!({ "content": "Only once please", "client_message_id": "cm-42" });
    let first = say(&app, &ws, &ws.member, &chat, body.clone()).await;
    assert_eq!(first["assistant_message"]["status"], "complete");
    let second = say(&app, &ws, &ws.member, &chat, body.clone()).await;
    assert_eq!(second, first, "the same pair");
    assert_eq!(completions(&up).len(), 1, "one provider request");

    // A retry that asks for a stream gets the stored pair too.
    let mut body = body;
    body["stream"] = json!(true);
    let mut stream = app
        .api_stream(
            Method::POST,
            &format!("{}/messages", ws.chat(&chat)),
            &ws.member,
            Some(body),
        )
        .await;
    let events = stream.rest().await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0].event, "message");
    assert_eq!(events[0].json(), first["user_message"]);
    assert_eq!(events[1].event, "done");
    assert_eq!(events[1].json(), first["assistant_message"]);
    assert_eq!(completions(&up).len(), 1);
    assert_eq!(messages(&app, &ws, &ws.member, &chat).await.len(), 2);

    let other = say(
        &app,
        &ws,
        &ws.member,
        &chat,
        json!({ "content": "Only once please", "client_message_id": "cm-43" }),
    )
    .await;
    assert_ne!(other["user_message"]["id"], first["user_message"]["id"]);
    assert_eq!(completions(&up).len(), 2);

    let bad = send(
        &app,
        &ws,
        &ws.member,
        &chat,
        json!({ "content": "x", "client_message_id": "has spaces" }),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["error"]["field"], "client_message_id");
}

// 8 ---------------------------------------------------------------------------------------

/// A provider key must never come back: not in any answer, not in the logs.
async fn a_canary_key_never_leaves_the_server(app: TestApp) {
    let (logs, _capture) = CapturedLogs::start();
    let secret = uuid::Uuid::new_v4().simple().to_string();
    let canary = format!("sk-canary-{secret}");
    let wrong_secret = uuid::Uuid::new_v4().simple().to_string();
    let wrong = format!("sk-canary-{wrong_secret}");
    let up = upstream_with_key(&canary).await;
    let admin = app.user("admin@acme.example").await;
    app.tenant(&admin, "acme").await;
    let member = app.user("member@acme.example").await;
    app.join(&admin, "acme", &member, "member").await;

    let mut seen: Vec<(String, String)> = Vec::new();
    let mut call = |what: &str, r: &TestResponse| {
        assert!(r.status.is_success(), "{what}: {} {}", r.status, r.text());
        seen.push((what.to_string(), r.text()));
    };
    let created = app
        .api(
            Method::POST,
            "/tenants/acme/providers",
            &admin,
            Some(json!({ "name": "Canary", "kind": "openai_compatible",
                         "base_url": up.base_url(), "api_key": canary })),
        )
        .await;
    call("create", &created);
    assert_eq!(
        created.json()["api_key_hint"],
        format!("…{}", &secret[secret.len() - 4..])
    );
    let pid = created.json()["id"].as_str().unwrap().to_string();
    let provider = format!("/tenants/acme/providers/{pid}");
    call(
        "test",
        &app.api(Method::POST, &format!("{provider}/test"), &admin, None)
            .await,
    );
    call(
        "list",
        &app.api(Method::GET, "/tenants/acme/providers", &admin, None)
            .await,
    );
    call("get", &app.api(Method::GET, &provider, &admin, None).await);
    call(
        "rename",
        &app.api(
            Method::PATCH,
            &provider,
            &admin,
            Some(json!({ "name": "Canary 2" })),
        )
        .await,
    );
    call(
        "models",
        &app.api(Method::GET, "/tenants/acme/models", &member, None)
            .await,
    );
    call(
        "settings",
        &app.api(Method::GET, "/tenants/acme/chat-settings", &member, None)
            .await,
    );
    let chat = app
        .api(
            Method::POST,
            "/tenants/acme/chats",
            &member,
            Some(json!({})),
        )
        .await;
    call("chat", &chat);
    let chat = format!(
        "/tenants/acme/chats/{}",
        chat.json()["id"].as_str().unwrap()
    );
    let sent = app
        .api(
            Method::POST,
            &format!("{chat}/messages"),
            &member,
            Some(json!({ "content": "What is my key?" })),
        )
        .await;
    call("send", &sent);
    assert_eq!(sent.json()["assistant_message"]["status"], "complete");
    let streamed = app
        .api_stream(
            Method::POST,
            &format!("{chat}/messages"),
            &member,
            Some(json!({ "content": "And now? /words:5", "stream": true })),
        )
        .await;
    assert_eq!(streamed.status, StatusCode::OK);
    seen.push(("stream".into(), streamed.text().await));
    let mut call = |what: &str, r: &TestResponse| {
        assert!(r.status.is_success(), "{what}: {} {}", r.status, r.text());
        seen.push((what.to_string(), r.text()));
    };
    call(
        "messages",
        &app.api(Method::GET, &format!("{chat}/messages"), &member, None)
            .await,
    );
    call(
        "chats",
        &app.api(Method::GET, "/tenants/acme/chats", &member, None)
            .await,
    );

    // A wrong key: refused by the provider, and neither key is echoed.
    let wrong_id = {
        let r = app
            .api(
                Method::POST,
                "/tenants/acme/providers",
                &admin,
                Some(json!({ "name": "Wrong", "kind": "openai_compatible",
                             "base_url": up.base_url(), "api_key": wrong, "models": ["parley-echo"] })),
            )
            .await;
        call("create wrong", &r);
        r.json()["id"].as_str().unwrap().to_string()
    };
    let test = app
        .api(
            Method::POST,
            &format!("/tenants/acme/providers/{wrong_id}/test"),
            &admin,
            None,
        )
        .await;
    call("test wrong", &test);
    assert_eq!(test.json()["ok"], false);
    assert!(test.json()["message"].as_str().unwrap().contains("401"));
    let refused = app
        .api(
            Method::POST,
            &format!("{chat}/messages"),
            &member,
            Some(json!({ "content": "Try this one", "model": format!("{wrong_id}/parley-echo") })),
        )
        .await;
    call("send wrong", &refused);
    assert_eq!(
        refused.json()["assistant_message"]["error"]["code"],
        "provider_unauthorized"
    );

    // The keys were really used...
    let auths: Vec<String> = up.requests().into_iter().filter_map(|r| r.auth).collect();
    assert!(auths.contains(&format!("Bearer {canary}")));
    assert!(auths.contains(&format!("Bearer {wrong}")));
    // ...and came back nowhere.
    assert!(seen.len() >= 15);
    for (what, body) in &seen {
        for secret in [&secret, &wrong_secret] {
            assert!(
                !body.contains(secret.as_str()),
                "{what} leaks a key: {body}"
            );
        }
    }
    let logged = logs.text();
    assert!(
        logged.contains("provider call failed") && logged.contains("request{"),
        "the capture sees the app's log lines:\n{logged}"
    );
    for secret in [&secret, &wrong_secret] {
        assert!(
            !logged.contains(secret.as_str()),
            "a log line leaks a key:\n{logged}"
        );
    }
}

/// On a current-thread runtime so every task logs into the test's capture.
mod canary {
    #[tokio::test]
    async fn sqlite() {
        super::a_canary_key_never_leaves_the_server(crate::support::TestApp::sqlite().await).await;
    }

    #[tokio::test]
    async fn postgres() {
        super::a_canary_key_never_leaves_the_server(crate::support::TestApp::postgres().await)
            .await;
    }
}

// 9 ---------------------------------------------------------------------------------------

async fn another_tenant_reaches_no_chat_provider_or_model(app: TestApp) {
    let up_a = upstream().await;
    let up_b = upstream().await;
    let a = workspace(&app, "tenant-a", &up_a).await;
    let b = workspace(&app, "tenant-b", &up_b).await;
    let chat = new_chat(&app, &a, &a.member).await;
    let sent = say(
        &app,
        &a,
        &a.member,
        &chat,
        json!({ "content": "A's secret plan" }),
    )
    .await;
    let message = sent["assistant_message"]["id"].as_str().unwrap();
    let before = messages(&app, &a, &a.member, &chat).await;
    up_a.clear_requests();

    let mut attempts: Vec<(Method, String, Option<Value>)> = Vec::new();
    for slug in ["tenant-a", "tenant-b"] {
        let chat_path = format!("/tenants/{slug}/chats/{chat}");
        let provider_path = format!("/tenants/{slug}/providers/{}", a.provider_id);
        attempts.extend([
            (Method::GET, chat_path.clone(), None),
            (
                Method::PATCH,
                chat_path.clone(),
                Some(json!({ "title": "pwned" })),
            ),
            (Method::DELETE, chat_path.clone(), None),
            (Method::POST, format!("{chat_path}/restore"), None),
            (Method::GET, format!("{chat_path}/messages"), None),
            (
                Method::POST,
                format!("{chat_path}/messages"),
                Some(json!({ "content": "hello" })),
            ),
            (
                Method::POST,
                format!("{chat_path}/messages"),
                Some(json!({ "content": "hello", "stream": true })),
            ),
            (
                Method::POST,
                format!("{chat_path}/regenerate"),
                Some(json!({})),
            ),
            (
                Method::POST,
                format!("{chat_path}/regenerate"),
                Some(json!({ "content": "edited" })),
            ),
            (
                Method::GET,
                format!("{chat_path}/messages/{message}/events"),
                None,
            ),
            (
                Method::POST,
                format!("{chat_path}/messages/{message}/stop"),
                None,
            ),
            (Method::GET, provider_path.clone(), None),
            (
                Method::PATCH,
                provider_path.clone(),
                Some(json!({ "name": "pwned" })),
            ),
            (Method::DELETE, provider_path.clone(), None),
            (Method::POST, format!("{provider_path}/test"), None),
        ]);
    }
    for who in [&b.admin, &b.member] {
        for (method, path, body) in &attempts {
            let r = app.api(method.clone(), path, who, body.clone()).await;
            // In their own tenant, members may not manage providers at all: 403 whatever
            // the id, which confirms nothing.
            let expected = if std::ptr::eq(who, &b.member)
                && path.starts_with("/tenants/tenant-b/providers/")
            {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(r.status, expected, "{method} {path}: {}", r.text());
            assert!(!r.text().contains("secret plan"), "{path}");
        }
    }
    // Chats are private inside a tenant too: A's admin does not see A's member's chat.
    for (method, path, body) in attempts.iter().filter(|(_, p, _)| p.contains("/chats/")) {
        if path.starts_with("/tenants/tenant-a/") {
            let r = app.api(method.clone(), path, &a.admin, body.clone()).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{method} {path}");
        }
    }

    // Tenant A's model ids mean nothing in tenant B.
    let b_chat = new_chat(&app, &b, &b.member).await;
    for model in [&a.echo, &format!("{}/no-such", a.provider_id)] {
        let r = send(
            &app,
            &b,
            &b.member,
            &b_chat,
            json!({ "content": "hi", "model": model }),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
        assert_eq!(r.json()["error"]["field"], "model");
        let r = app
            .api(
                Method::POST,
                &b.chats(),
                &b.member,
                Some(json!({ "model": model })),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
        let r = app
            .api(
                Method::PATCH,
                &b.chat(&b_chat),
                &b.member,
                Some(json!({ "model": model })),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
        let r = app
            .api(
                Method::PUT,
                "/tenants/tenant-b/chat-settings",
                &b.admin,
                Some(json!({ "default_model": model })),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
        assert_eq!(r.json()["error"]["field"], "model");
    }
    let models = app
        .api(Method::GET, "/tenants/tenant-b/models", &b.admin, None)
        .await
        .json();
    assert!(
        models["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["provider_id"] == b.provider_id.as_str()),
        "{models}"
    );

    assert!(up_a.requests().is_empty(), "nothing reached A's provider");
    assert!(
        completions(&up_b).is_empty(),
        "nothing was sent to B's provider either"
    );
    assert_eq!(messages(&app, &a, &a.member, &chat).await, before);
    let provider = app
        .api(Method::GET, &a.provider(&a.provider_id), &a.admin, None)
        .await;
    assert_eq!(provider.status, StatusCode::OK);
    assert_eq!(provider.json()["name"], "Echo");
}

// 10 --------------------------------------------------------------------------------------

/// A local listener that must never see a connection.
struct Trap {
    listener: std::net::TcpListener,
    port: u16,
}

impl Trap {
    fn on(ip: &str) -> Self {
        let listener = std::net::TcpListener::bind((ip, 0)).unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        Self { listener, port }
    }

    /// The kernel completes TCP handshakes into the backlog by itself: an empty backlog
    /// after the calls means no connection was ever made.
    fn assert_untouched(&self) {
        match self.listener.accept() {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            other => panic!("the trap on port {} was reached: {other:?}", self.port),
        }
    }
}

async fn internal_addresses_are_refused_and_never_contacted(app: TestApp) {
    // `app` allows plain http to 127.0.0.1 (test providers live there); `strict` is another
    // instance on the same database with production's policy.
    let strict = app.sibling(strict_policy()).await;
    let admin = app.user("admin@acme.example").await;
    app.tenant(&admin, "acme").await;
    let loopback = Trap::on("127.0.0.1");
    let other_loopback = Trap::on("127.0.0.2");
    let (p, q) = (loopback.port, other_loopback.port);

    let refused = [
        "http://169.254.169.254/latest/meta-data/".to_string(),
        "http://[::ffff:169.254.169.254]/".into(),
        "http://10.0.0.1/v1".into(),
        "http://192.168.1.10/v1".into(),
        "http://100.64.0.1/v1".into(),
        "http://[fd00::1]/v1".into(),
        "http://[::1]:1/".into(),
        format!("http://127.0.0.1:{p}/v1"),
        format!("http://127.0.0.2:{q}/v1"),
        format!("http://0x7f000001:{p}/v1"),
        format!("http://2130706433:{p}/v1"),
        format!("http://127.1:{p}/v1"),
        format!("http://[::ffff:127.0.0.1]:{p}/v1"),
        format!("https://127.0.0.1:{p}/v1"),
    ];
    for (instance, urls) in [
        (&strict, &refused[..]),
        // The test policy allows exactly 127.0.0.1, nothing else private.
        (&app, &refused[..7]),
        (&app, &refused[8..9]),
        (&app, &refused[12..13]),
    ] {
        for url in urls {
            let r = instance
                .api(
                    Method::POST,
                    "/tenants/acme/providers",
                    &admin,
                    Some(
                        json!({ "name": "Internal", "kind": "openai_compatible", "base_url": url }),
                    ),
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{url}: {}", r.text());
            let error = &r.json()["error"];
            assert_eq!(error["field"], "base_url", "{url}");
            assert!(
                error["message"]
                    .as_str()
                    .unwrap()
                    .contains("private or reserved network"),
                "{url}: {error}"
            );
        }
    }
    for (url, words) in [
        (format!("http://localhost:{p}/v1"), "over https"),
        ("file:///etc/passwd".to_string(), "https://"),
        (
            "http://user:pw@example.com/v1".into(),
            "user name or password",
        ),
        ("not a url".into(), "not a valid URL"),
    ] {
        let r = strict
            .api(
                Method::POST,
                "/tenants/acme/providers",
                &admin,
                Some(json!({ "name": "Odd", "kind": "openai_compatible", "base_url": url })),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{url}: {}", r.text());
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains(words),
            "{url}: {}",
            r.text()
        );
    }
    let listed = strict
        .api(Method::GET, "/tenants/acme/providers", &admin, None)
        .await;
    assert_eq!(listed.json()["items"], json!([]), "nothing was saved");

    // A host name is checked where it resolves: `localhost` passes the URL check over
    // https, then the guarded resolver refuses its loopback address.
    let by_name = create_provider(
        &strict,
        &admin,
        "acme",
        json!({ "name": "By name", "kind": "openai_compatible",
                "base_url": format!("https://localhost:{p}/v1"), "models": ["m"] }),
    )
    .await;
    // A provider saved while the policy allowed it, used by an instance whose policy does
    // not: the address is checked again at every call.
    let saved_before = create_provider(
        &app,
        &admin,
        "acme",
        json!({ "name": "Saved before", "kind": "openai_compatible",
                "base_url": format!("http://127.0.0.1:{p}/v1"), "models": ["m"] }),
    )
    .await;
    let patched = strict
        .api(
            Method::PATCH,
            &format!("/tenants/acme/providers/{by_name}"),
            &admin,
            Some(json!({ "base_url": "http://169.254.169.254/" })),
        )
        .await;
    assert_eq!(
        patched.status,
        StatusCode::BAD_REQUEST,
        "{}",
        patched.text()
    );

    let chat = strict
        .api(Method::POST, "/tenants/acme/chats", &admin, Some(json!({})))
        .await
        .json();
    let chat = chat["id"].as_str().unwrap();
    for (id, words) in [
        (&by_name, "localhost resolves to"),
        (&saved_before, "127.0.0.1"),
    ] {
        let test = strict
            .api(
                Method::POST,
                &format!("/tenants/acme/providers/{id}/test"),
                &admin,
                None,
            )
            .await;
        assert_eq!(test.status, StatusCode::OK, "{}", test.text());
        assert_eq!(test.json()["ok"], false, "{}", test.text());
        assert!(
            test.json()["message"].as_str().unwrap().contains(words),
            "{}",
            test.text()
        );
        let sent = strict
            .api(
                Method::POST,
                &format!("/tenants/acme/chats/{chat}/messages"),
                &admin,
                Some(json!({ "content": "hello", "model": format!("{id}/m") })),
            )
            .await;
        // Refused before anything is stored, or stored as an error: either way no packet.
        match sent.status {
            StatusCode::CREATED => {
                let reply = &sent.json()["assistant_message"];
                assert_eq!(reply["status"], "error", "{reply}");
                assert_eq!(reply["error"]["code"], "provider_address_refused");
            }
            status => {
                assert!(
                    status == StatusCode::BAD_GATEWAY || status.is_client_error(),
                    "{status}: {}",
                    sent.text()
                );
                assert!(
                    sent.text().contains("private or reserved network"),
                    "{}",
                    sent.text()
                );
            }
        }
    }
    loopback.assert_untouched();
    other_loopback.assert_untouched();
    let never_streaming = strict
        .api(
            Method::GET,
            &format!("/tenants/acme/chats/{chat}/messages"),
            &admin,
            None,
        )
        .await
        .json();
    assert!(
        never_streaming["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["status"] != "streaming"),
        "{never_streaming}"
    );
}

// 11 --------------------------------------------------------------------------------------

async fn regenerate_and_edit_replace_the_last_exchange(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;
    let chat = new_chat(&app, &ws, &ws.member).await;
    let regenerate = format!("{}/regenerate", ws.chat(&chat));

    let nothing = app
        .api(Method::POST, &regenerate, &ws.member, Some(json!({})))
        .await;
    assert_eq!(
        nothing.status,
        StatusCode::CONFLICT,
        "nothing to regenerate"
    );

    let first = say(
        &app,
        &ws,
        &ws.member,
        &chat,
        json!({ "content": "First question" }),
    )
    .await;
    let again = app
        .api(
            Method::POST,
            &regenerate,
            &ws.member,
            Some(json!({ "model": ws.mini })),
        )
        .await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text());
    let again = again.json();
    assert_eq!(again["user_message"], first["user_message"]);
    let reply = &again["assistant_message"];
    assert_ne!(reply["id"], first["assistant_message"]["id"]);
    assert_eq!(reply["status"], "complete");
    assert_eq!(reply["content"], "You said: First question.");
    assert_eq!(reply["model"], ws.mini);
    let stored = messages(&app, &ws, &ws.member, &chat).await;
    assert_eq!(stored, vec![first["user_message"].clone(), reply.clone()]);
    let calls = completions(&up);
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[1].model.as_deref(), Some("parley-echo-mini"));

    let edited = app
        .api(
            Method::POST,
            &regenerate,
            &ws.member,
            Some(json!({ "content": "Second question" })),
        )
        .await;
    assert_eq!(edited.status, StatusCode::CREATED, "{}", edited.text());
    let edited = edited.json();
    assert_eq!(edited["user_message"]["content"], "Second question");
    assert_eq!(
        edited["assistant_message"]["content"],
        "You said: Second question."
    );
    let stored = messages(&app, &ws, &ws.member, &chat).await;
    assert_eq!(
        stored,
        vec![
            edited["user_message"].clone(),
            edited["assistant_message"].clone()
        ],
        "the old question and answer are gone"
    );
    // The provider saw only the edited question.
    let body = completions(&up)[2].body.clone().unwrap();
    assert_eq!(
        body["messages"],
        json!([{ "role": "user", "content": "Second question" }])
    );

    // While an answer streams, neither may start.
    let (stream, _) =
        send_streamed(&app, &ws, &ws.member, &chat, "Slowly /slow:50 /words:40").await;
    let id = streaming_answer(&app, &ws, &ws.member, &chat).await;
    for body in [json!({}), json!({ "content": "changed my mind" })] {
        let busy = app
            .api(Method::POST, &regenerate, &ws.member, Some(body))
            .await;
        assert_eq!(busy.status, StatusCode::CONFLICT, "{}", busy.text());
        assert_eq!(busy.json()["error"]["code"], "conflict");
    }
    let stopped = app
        .api(
            Method::POST,
            &format!("{}/messages/{id}/stop", ws.chat(&chat)),
            &ws.member,
            None,
        )
        .await;
    assert_eq!(stopped.json()["status"], "stopped");
    drop(stream);

    // Regenerating a stopped answer, streamed.
    let mut stream = app
        .api_stream(
            Method::POST,
            &regenerate,
            &ws.member,
            Some(json!({ "stream": true })),
        )
        .await;
    assert_eq!(stream.status, StatusCode::OK);
    let events = stream.rest().await;
    assert_eq!(events[0].event, "message");
    let done = events.last().unwrap();
    assert_eq!(done.event, "done", "{events:?}");
    assert_eq!(
        done.json()["content"],
        expected_answer("Slowly /slow:50 /words:40")
    );
    assert_eq!(messages(&app, &ws, &ws.member, &chat).await.len(), 4);
}

// 12 --------------------------------------------------------------------------------------

async fn only_admins_pick_models_when_the_policy_says_so(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;
    let settings = "/tenants/acme/chat-settings";
    let r = app
        .api(
            Method::PUT,
            settings,
            &ws.member,
            Some(json!({ "members_choose_model": false })),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "members change no policy");
    let r = app
        .api(
            Method::PUT,
            settings,
            &ws.admin,
            Some(json!({ "default_model": ws.echo, "members_choose_model": false })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let seen = app
        .api(Method::GET, settings, &ws.member, None)
        .await
        .json();
    assert_eq!(seen["members_choose_model"], false);
    assert_eq!(seen["default_model"], ws.echo);

    let models = app
        .api(Method::GET, "/tenants/acme/models", &ws.member, None)
        .await
        .json();
    assert_eq!(models["items"].as_array().unwrap().len(), 1);
    assert_eq!(models["items"][0]["id"], ws.echo);

    let chat = new_chat(&app, &ws, &ws.member).await;
    let refused = send(
        &app,
        &ws,
        &ws.member,
        &chat,
        json!({ "content": "Use the other one", "model": ws.mini }),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::BAD_REQUEST,
        "{}",
        refused.text()
    );
    assert_eq!(refused.json()["error"]["code"], "validation");
    assert_eq!(refused.json()["error"]["field"], "model");
    assert!(refused.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("only admins"));
    let r = app
        .api(
            Method::POST,
            &ws.chats(),
            &ws.member,
            Some(json!({ "model": ws.mini })),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "nor as the chat's model");
    assert!(completions(&up).is_empty());
    assert!(
        messages(&app, &ws, &ws.member, &chat).await.is_empty(),
        "a refused message is not stored"
    );

    let default = say(
        &app,
        &ws,
        &ws.member,
        &chat,
        json!({ "content": "Default is fine" }),
    )
    .await;
    assert_eq!(default["assistant_message"]["model"], ws.echo);
    let named = say(
        &app,
        &ws,
        &ws.member,
        &chat,
        json!({ "content": "Named default", "model": ws.echo }),
    )
    .await;
    assert_eq!(named["assistant_message"]["status"], "complete");

    let admin_chat = new_chat(&app, &ws, &ws.admin).await;
    let admin = say(
        &app,
        &ws,
        &ws.admin,
        &admin_chat,
        json!({ "content": "Admins choose", "model": ws.mini }),
    )
    .await;
    assert_eq!(admin["assistant_message"]["status"], "complete");
    assert_eq!(admin["assistant_message"]["model"], ws.mini);
    let models: Vec<Option<String>> = completions(&up).into_iter().map(|r| r.model).collect();
    assert_eq!(
        models,
        [
            Some("parley-echo".into()),
            Some("parley-echo".into()),
            Some("parley-echo-mini".into())
        ]
    );
}

// 13 --------------------------------------------------------------------------------------

fn chat_ids(r: &TestResponse) -> Vec<String> {
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

async fn a_send_moves_its_chat_to_the_top_and_the_answer_ending_does_not(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;
    let older = new_chat(&app, &ws, &ws.member).await;
    let newer = new_chat(&app, &ws, &ws.member).await;
    let sidebar = || async { app.api(Method::GET, &ws.chats(), &ws.member, None).await };
    assert_eq!(chat_ids(&sidebar().await), [newer.clone(), older.clone()]);

    let sent = say(
        &app,
        &ws,
        &ws.member,
        &older,
        json!({ "content": "Hello there" }),
    )
    .await;
    let listed = sidebar().await;
    assert_eq!(
        chat_ids(&listed),
        [older.clone(), newer.clone()],
        "the chat sent to comes first"
    );
    assert_eq!(
        listed.json()["items"][0]["updated_at"],
        sent["assistant_message"]["created_at"],
        "active as of its newest message"
    );

    // A slow answer ends well after it was stored: the chat stays as of the send.
    let sent = say(
        &app,
        &ws,
        &ws.member,
        &newer,
        json!({ "content": "Slowly /slow:30 /words:10" }),
    )
    .await;
    let answer = &sent["assistant_message"];
    assert_eq!(answer["status"], "complete", "{answer}");
    assert!(answer["latency_ms"].as_i64().unwrap() >= 200, "{answer}");
    let listed = sidebar().await;
    assert_eq!(chat_ids(&listed), [newer.clone(), older.clone()]);
    assert_eq!(
        listed.json()["items"][0]["updated_at"],
        answer["created_at"]
    );
}

async fn a_chat_opens_at_its_newest_messages_and_pages_back(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;
    let chat = new_chat(&app, &ws, &ws.member).await;
    let page = |query: &'static str| {
        let path = format!("{}/messages{query}", ws.chat(&chat));
        let who = &ws.member;
        let app = &app;
        async move {
            let r = app.api(Method::GET, &path, who, None).await;
            assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text());
            let body = r.json();
            let seqs: Vec<i64> = body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["seq"].as_i64().unwrap())
                .collect();
            (seqs, body["next_cursor"].clone())
        }
    };
    assert_eq!(page("").await, (vec![], Value::Null), "an empty chat opens");
    for n in 1..=4 {
        say(
            &app,
            &ws,
            &ws.member,
            &chat,
            json!({ "content": format!("Message {n}") }),
        )
        .await;
    }
    assert_eq!(page("?limit=3").await, (vec![6, 7, 8], json!("6")));
    assert_eq!(page("?limit=3&cursor=6").await, (vec![3, 4, 5], json!("3")));
    assert_eq!(page("?limit=3&cursor=3").await, (vec![1, 2], Value::Null));
    assert_eq!(page("?limit=8").await, ((1..=8).collect(), Value::Null));
    assert_eq!(page("").await, ((1..=8).collect(), Value::Null));
    let first = page("?limit=1").await;
    assert_eq!(first, (vec![8], json!("8")));

    // Someone else's chat, or no chat, is not found: not an empty page.
    for (path, who) in [
        (format!("{}/messages", ws.chat(&chat)), &ws.admin),
        (
            format!("{}/messages", ws.chat(&uuid::Uuid::new_v4().to_string())),
            &ws.member,
        ),
    ] {
        let r = app.api(Method::GET, &path, who, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text());
    }
}

async fn a_deleted_chat_can_be_restored_by_its_owner(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;
    let chat = new_chat(&app, &ws, &ws.member).await;
    say(
        &app,
        &ws,
        &ws.member,
        &chat,
        json!({ "content": "Keep me" }),
    )
    .await;
    let other = new_chat(&app, &ws, &ws.member).await;

    let deleted = app
        .api(Method::DELETE, &ws.chat(&chat), &ws.member, None)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.api(Method::GET, &ws.chat(&chat), &ws.member, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let all = app.api(Method::GET, &ws.chats(), &ws.member, None).await;
    assert_eq!(chat_ids(&all), vec![other.clone()]);
    let r = app
        .api(
            Method::GET,
            &format!("{}/messages", ws.chat(&chat)),
            &ws.member,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = send(&app, &ws, &ws.member, &chat, json!({ "content": "hello?" })).await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "a deleted chat takes no message"
    );

    let by_admin = app
        .api(
            Method::POST,
            &format!("{}/restore", ws.chat(&chat)),
            &ws.admin,
            None,
        )
        .await;
    assert_eq!(
        by_admin.status,
        StatusCode::NOT_FOUND,
        "only the owner restores"
    );
    let restored = app
        .api(
            Method::POST,
            &format!("{}/restore", ws.chat(&chat)),
            &ws.member,
            None,
        )
        .await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.text());
    assert_eq!(restored.json()["title"], "Keep me");
    let stored = messages(&app, &ws, &ws.member, &chat).await;
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[1]["content"], "You said: Keep me.");
    let all = app.api(Method::GET, &ws.chats(), &ws.member, None).await;
    assert_eq!(chat_ids(&all).len(), 2);
    assert_eq!(completions(&up).len(), 1);
}

async fn search_finds_own_chats_by_title_and_message_text(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;
    let chat = app
        .api(
            Method::POST,
            &ws.chats(),
            &ws.member,
            Some(json!({ "title": "Groceries" })),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    say(
        &app,
        &ws,
        &ws.member,
        &chat,
        json!({ "content": "Do I need a Zucchini for ratatouille?" }),
    )
    .await;
    let other = new_chat(&app, &ws, &ws.member).await;
    say(
        &app,
        &ws,
        &ws.member,
        &other,
        json!({ "content": "Something else entirely" }),
    )
    .await;
    let admins = new_chat(&app, &ws, &ws.admin).await;
    say(
        &app,
        &ws,
        &ws.admin,
        &admins,
        json!({ "content": "zucchini bread" }),
    )
    .await;
    let search = |q: &str| format!("{}?q={q}", ws.chats());

    let by_title = app
        .api(Method::GET, &search("grocer"), &ws.member, None)
        .await;
    assert_eq!(chat_ids(&by_title), vec![chat.clone()], "by title");
    let found = app
        .api(Method::GET, &search("zucCHINI"), &ws.member, None)
        .await;
    assert_eq!(
        chat_ids(&found),
        vec![chat.clone()],
        "by message text, case-insensitive, own chats only"
    );
    let wildcard = app.api(Method::GET, &search("%25"), &ws.member, None).await;
    assert!(chat_ids(&wildcard).is_empty(), "`%` is a literal character");

    let deleted = app
        .api(Method::DELETE, &ws.chat(&chat), &ws.member, None)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let found = app
        .api(Method::GET, &search("zucchini"), &ws.member, None)
        .await;
    assert!(chat_ids(&found).is_empty(), "deleted chats are not found");
    let restored = app
        .api(
            Method::POST,
            &format!("{}/restore", ws.chat(&chat)),
            &ws.member,
            None,
        )
        .await;
    assert_eq!(restored.status, StatusCode::OK);
    let found = app
        .api(Method::GET, &search("zucchini"), &ws.member, None)
        .await;
    assert_eq!(chat_ids(&found), vec![chat]);
}

// 15 --------------------------------------------------------------------------------------

/// Each instance keeps a tenant's AI configuration in memory; a change made through another
/// instance (a second app on the same database) applies to the very next send.
async fn a_configuration_change_on_one_instance_applies_at_once_on_another(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;
    let chat = new_chat(&app, &ws, &ws.member).await;
    let first = say(
        &app,
        &ws,
        &ws.member,
        &chat,
        json!({ "content": "Before", "model": ws.mini }),
    )
    .await;
    let id = first["assistant_message"]["id"].as_str().unwrap();
    assert_eq!(
        settled(&app, &ws, &ws.member, &chat, id).await["status"],
        "complete"
    );

    let other = app.sibling(test_policy()).await;
    let r = other
        .api(
            Method::PUT,
            "/tenants/acme/chat-settings",
            &ws.admin,
            Some(
                json!({ "default_model": ws.echo, "members_choose_model": false,
                         "system_prompt": "Answer in French." }),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());

    let refused = send(
        &app,
        &ws,
        &ws.member,
        &chat,
        json!({ "content": "Again", "model": ws.mini }),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::BAD_REQUEST,
        "{}",
        refused.text()
    );
    assert_eq!(refused.json()["error"]["field"], "model");
    up.clear_requests();
    let after = say(&app, &ws, &ws.member, &chat, json!({ "content": "After" })).await;
    let id = after["assistant_message"]["id"].as_str().unwrap();
    assert_eq!(
        settled(&app, &ws, &ws.member, &chat, id).await["model"],
        ws.echo
    );
    let sent = completions(&up);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].body.as_ref().unwrap()["messages"][0],
        json!({ "role": "system", "content": "Answer in French." })
    );

    let deleted = other
        .api(
            Method::DELETE,
            &ws.provider(&ws.provider_id),
            &ws.admin,
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text());
    let gone = send(
        &app,
        &ws,
        &ws.member,
        &chat,
        json!({ "content": "And now?" }),
    )
    .await;
    assert_eq!(gone.status, StatusCode::BAD_REQUEST, "{}", gone.text());
    assert_eq!(gone.json()["error"]["field"], "model");
    assert_eq!(
        completions(&up).len(),
        1,
        "the deleted provider is not called"
    );
}

// 16 --------------------------------------------------------------------------------------

/// A usage row as the database holds it: (model, requests, errors, prompt tokens,
/// completion tokens, latency total, day).
type UsageRow = (String, i64, i64, i64, i64, i64, String);

async fn usage_rows(app: &TestApp) -> Vec<UsageRow> {
    use sea_orm::ConnectionTrait;
    let owner = app.owner().await;
    let rows = owner
        .query_all(sea_orm::Statement::from_string(
            owner.get_database_backend(),
            "SELECT model, requests, errors, prompt_tokens, completion_tokens, latency_ms_total,
                    day
               FROM usage_daily ORDER BY model",
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            (
                r.try_get_by_index(0).unwrap(),
                r.try_get_by_index(1).unwrap(),
                r.try_get_by_index(2).unwrap(),
                r.try_get_by_index(3).unwrap(),
                r.try_get_by_index(4).unwrap(),
                r.try_get_by_index(5).unwrap(),
                r.try_get_by_index(6).unwrap(),
            )
        })
        .collect()
}

/// The day's row for `model`, summed from the stored answers.
fn usage_of(answers: &[Value], model: &str, day: &str) -> UsageRow {
    let sum = |f: &dyn Fn(&Value) -> &Value| -> i64 {
        answers.iter().map(|a| f(a).as_i64().unwrap_or(0)).sum()
    };
    (
        model.to_string(),
        answers.len() as i64,
        answers.iter().filter(|a| a["status"] == "error").count() as i64,
        sum(&|a| &a["usage"]["prompt_tokens"]),
        sum(&|a| &a["usage"]["completion_tokens"]),
        sum(&|a| &a["latency_ms"]),
        day.to_string(),
    )
}

async fn every_answer_is_counted_once_in_the_days_usage(app: TestApp) {
    let up = upstream().await;
    let ws = workspace(&app, "acme", &up).await;
    let day = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let chat = new_chat(&app, &ws, &ws.member).await;
    say(
        &app,
        &ws,
        &ws.member,
        &chat,
        json!({ "content": "Hello there" }),
    )
    .await;
    // Retried three times upstream, counted once.
    say(
        &app,
        &ws,
        &ws.member,
        &chat,
        json!({ "content": "Broken /fail:500" }),
    )
    .await;
    let (mut stream, _) =
        send_streamed(&app, &ws, &ws.member, &chat, "Go on /slow:100 /words:60").await;
    assert_eq!(stream.next().await.unwrap().event, "delta");
    let id = streaming_answer(&app, &ws, &ws.member, &chat).await;
    let stop_path = format!("{}/messages/{id}/stop", ws.chat(&chat));
    let stopped = app.api(Method::POST, &stop_path, &ws.member, None).await;
    assert_eq!(stopped.json()["status"], "stopped", "{}", stopped.text());
    let admins = new_chat(&app, &ws, &ws.admin).await;
    say(
        &app,
        &ws,
        &ws.admin,
        &admins,
        json!({ "content": "Hi", "model": ws.mini }),
    )
    .await;

    let answers = |items: Vec<Value>| -> Vec<Value> {
        items
            .into_iter()
            .filter(|m| m["role"] == "assistant")
            .collect()
    };
    let members = answers(messages(&app, &ws, &ws.member, &chat).await);
    assert_eq!(
        members
            .iter()
            .map(|a| a["status"].clone())
            .collect::<Vec<_>>(),
        ["complete", "error", "stopped"]
    );
    let admin = answers(messages(&app, &ws, &ws.admin, &admins).await);
    let rows = usage_rows(&app).await;
    if rows.iter().any(|r| r.6 != day) {
        return; // The day changed during the test: the rows are split, not wrong.
    }
    assert_eq!(
        rows,
        vec![
            usage_of(&members, &ws.echo, &day),
            usage_of(&admin, &ws.mini, &day)
        ],
        "one request per answer, per user and model, errors and stops included"
    );
    assert!(
        rows[0].3 > 0 && rows[0].4 > 0,
        "tokens were counted: {rows:?}"
    );
}

on_both_databases! {
    search => search_finds_own_chats_by_title_and_message_text;
    provider_and_first_answer => an_admin_connects_a_provider_and_a_member_gets_an_answer;
    title_after_failure => a_chat_is_titled_by_its_first_successful_exchange;
    streamed_answer => a_streamed_answer_arrives_as_deltas_that_add_up_to_the_stored_one;
    compression => json_answers_are_compressed_and_streams_are_not;
    provider_errors => provider_errors_end_as_stored_errors_with_a_clear_sentence;
    broken_streams => broken_streams_end_as_stored_errors_keeping_the_text_so_far;
    silent_mid_answer => a_provider_falling_silent_mid_answer_ends_as_an_error;
    retries => retries_happen_only_before_the_first_token;
    retrying_event => a_busy_provider_is_announced_in_the_stream_before_the_retry;
    new_chat_with_first_message => a_new_chat_is_stored_with_its_first_message_or_not_at_all;
    stop => stop_keeps_the_text_so_far_and_cancels_the_upstream_request;
    disconnect => closing_the_stream_stops_the_answer_and_events_replay_it;
    idempotent_send => sending_twice_with_one_client_message_id_answers_once;
    concurrent_sends => sends_at_once_to_one_chat_are_all_stored_in_turn;
    context => the_model_sees_the_latest_conversation_without_failed_answers;
    cross_tenant => another_tenant_reaches_no_chat_provider_or_model;
    ssrf => internal_addresses_are_refused_and_never_contacted;
    regenerate_and_edit => regenerate_and_edit_replace_the_last_exchange;
    model_policy => only_admins_pick_models_when_the_policy_says_so;
    delete_and_restore => a_deleted_chat_can_be_restored_by_its_owner;
    config_across_instances => a_configuration_change_on_one_instance_applies_at_once_on_another;
    usage => every_answer_is_counted_once_in_the_days_usage;
    sidebar_order => a_send_moves_its_chat_to_the_top_and_the_answer_ending_does_not;
    paging => a_chat_opens_at_its_newest_messages_and_pages_back;
}
