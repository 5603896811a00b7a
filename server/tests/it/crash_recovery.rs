//! `kill -9` in the middle of an answer, then a restart: the question and the text written
//! so far are there, and the answer is marked `interrupted` (never left `streaming`).

use crate::support::binary::{owner_with_provider, Running};
use parley_test_provider::{Handle, Options};
use serde_json::json;
use std::{io::Read, time::Duration};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_leaves_the_partial_answer_interrupted() {
    let key = "sk-crash-test-key-0001";
    let provider = Handle::start(Options {
        api_key: Some(key.into()),
        ..Options::default()
    })
    .await
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let port = crate::support::binary::free_port();
    let env = [("PARLEY_ALLOW_PRIVATE_PROVIDER_HOSTS", "127.0.0.1")];
    let data_path = data.path().to_path_buf();
    let provider_ref = &provider;

    tokio::task::block_in_place(|| {
        let server = Running::start_on(port, &data_path, &env);
        let cookie = owner_with_provider(&server, provider_ref, "crash", key);
        let chat = server.request(
            "POST",
            "/api/v1/tenants/crash/chats",
            &[("Cookie", &cookie)],
            Some(&json!({})),
        );
        let chat_id = chat.json()["id"].as_str().unwrap().to_string();

        // A slow answer: 200 words, 100 ms apart.
        let mut stream = server.send(
            "POST",
            &format!("/api/v1/tenants/crash/chats/{chat_id}/messages"),
            &[("Cookie", &cookie)],
            Some(&json!({ "content": "Tell me everything /slow:100 /words:200", "stream": true })),
        );
        let mut seen = String::new();
        let mut buf = [0u8; 4096];
        while seen.matches("event: delta").count() < 6 {
            let n = stream.read(&mut buf).unwrap();
            assert!(n > 0, "the stream ended early: {seen}");
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        // Let the answer so far reach the database (it is written as it streams).
        std::thread::sleep(Duration::from_millis(800));
        server.kill9();
        drop(stream);

        let server = Running::start_on(port, &data_path, &env);
        let page = server.request(
            "GET",
            &format!("/api/v1/tenants/crash/chats/{chat_id}/messages"),
            &[("Cookie", &cookie)],
            None,
        );
        assert_eq!(page.status, 200, "{}", page.body);
        let items = page.json()["items"].as_array().unwrap().clone();
        assert_eq!(items.len(), 2, "{items:?}");
        assert_eq!(items[0]["role"], "user");
        assert_eq!(
            items[0]["content"],
            "Tell me everything /slow:100 /words:200"
        );
        let answer = &items[1];
        assert_eq!(answer["status"], "interrupted", "{answer}");
        let text = answer["content"].as_str().unwrap();
        assert!(
            text.starts_with("You said: Tell me everything. the quick"),
            "the partial answer is kept: {text:?}"
        );
        assert!(
            text.split_whitespace().count() < 200,
            "it was cut: {text:?}"
        );
        assert_eq!(answer["error"]["code"], "interrupted");
        drop(server);
    });
}
