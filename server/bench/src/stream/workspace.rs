//! The tenant the bench works in, set up through the REST API as an integration would: a
//! user with a personal API token, a tenant it owns, and the test provider connected and
//! tested (which enables its models). Every later call uses the token.

use crate::{
    api::{session_cookie, Api},
    chat_stream::ChatStream,
    provider::TestProvider,
};
use anyhow::{bail, ensure, Context, Result};
use reqwest::{Method, StatusCode};
use serde_json::json;

const EMAIL: &str = "bench@parley.test";
const PASSWORD: &str = "bench stream violet kettle 42";
const SLUG: &str = "bench";

pub struct Workspace {
    api: Api,
}

impl Workspace {
    /// Registers, signs in, creates a token, a tenant and a provider, and tests it.
    ///
    /// # Errors
    /// The first call that does not answer as expected.
    pub async fn set_up(
        http: &reqwest::Client,
        origin: &str,
        provider: &TestProvider,
    ) -> Result<Self> {
        let anonymous = Api::anonymous(http, origin);
        let account = json!({ "email": EMAIL, "password": PASSWORD });
        let mut registration = account.clone();
        registration["name"] = json!("Bench");
        anonymous
            .call(
                Method::POST,
                "/auth/register",
                Some(&registration),
                StatusCode::CREATED,
            )
            .await?;
        let login = anonymous
            .send(Method::POST, "/auth/login", Some(&account), StatusCode::OK)
            .await?;
        let session = anonymous.with_cookie(session_cookie(&login)?);
        let token = session
            .call(
                Method::POST,
                "/me/tokens",
                Some(&json!({ "name": "parley-stream-bench" })),
                StatusCode::CREATED,
            )
            .await?;
        let token = token["token"]
            .as_str()
            .context("POST /me/tokens: the answer has no token")?;
        let api = anonymous.with_token(token.to_owned());

        api.call(
            Method::POST,
            "/tenants",
            Some(&json!({ "slug": SLUG, "name": "Bench" })),
            StatusCode::CREATED,
        )
        .await?;
        let created = api
            .call(
                Method::POST,
                &format!("/tenants/{SLUG}/providers"),
                Some(&json!({
                    "name": "Test provider",
                    "kind": "openai_compatible",
                    "base_url": provider.base_url(),
                    "api_key": provider.api_key(),
                })),
                StatusCode::CREATED,
            )
            .await?;
        let id = created["id"]
            .as_str()
            .context("POST …/providers: the answer has no id")?;
        let test = api
            .call(
                Method::POST,
                &format!("/tenants/{SLUG}/providers/{id}/test"),
                None,
                StatusCode::OK,
            )
            .await?;
        if test["ok"] != json!(true) {
            bail!("Parley could not reach the test provider: {test}");
        }
        Ok(Self { api })
    }

    fn chats() -> String {
        format!("/tenants/{SLUG}/chats")
    }

    fn messages(chat: &str) -> String {
        format!("/tenants/{SLUG}/chats/{chat}/messages")
    }

    /// Starts an empty chat; returns its id.
    ///
    /// # Errors
    /// When Parley refuses.
    pub async fn new_chat(&self) -> Result<String> {
        let chat = self
            .api
            .call(
                Method::POST,
                &Self::chats(),
                Some(&json!({})),
                StatusCode::CREATED,
            )
            .await?;
        chat["id"]
            .as_str()
            .map(str::to_owned)
            .context("POST …/chats: the answer has no id")
    }

    /// `n` empty chats, one per concurrent stream (a chat streams one answer at a time).
    ///
    /// # Errors
    /// When Parley refuses.
    pub async fn new_chats(&self, n: usize) -> Result<Vec<String>> {
        let mut chats = Vec::with_capacity(n);
        for _ in 0..n {
            chats.push(self.new_chat().await?);
        }
        Ok(chats)
    }

    /// Sends `content` with `stream: true`; the answer arrives as events.
    ///
    /// # Errors
    /// When Parley refuses the message.
    pub async fn stream(&self, chat: &str, content: &str) -> Result<ChatStream> {
        let response = self
            .api
            .send(
                Method::POST,
                &Self::messages(chat),
                Some(&json!({ "content": content, "stream": true })),
                StatusCode::OK,
            )
            .await?;
        Ok(ChatStream::new(response))
    }

    /// Sends `content` without streaming and waits for the stored answer.
    ///
    /// # Errors
    /// When Parley refuses, or the answer is not complete.
    pub async fn say(&self, chat: &str, content: &str) -> Result<()> {
        let exchange = self
            .api
            .call(
                Method::POST,
                &Self::messages(chat),
                Some(&json!({ "content": content, "stream": false })),
                StatusCode::CREATED,
            )
            .await?;
        let status = &exchange["assistant_message"]["status"];
        ensure!(
            status == "complete",
            "an answer ended as {status}: {exchange}"
        );
        Ok(())
    }

    /// Loads the newest page of messages, as opening a chat does; returns how many came.
    ///
    /// # Errors
    /// When Parley refuses.
    pub async fn open(&self, chat: &str) -> Result<usize> {
        let page = self
            .api
            .call(Method::GET, &Self::messages(chat), None, StatusCode::OK)
            .await?;
        page["items"]
            .as_array()
            .map(Vec::len)
            .context("GET …/messages: the answer has no items")
    }
}
