//! Parley's REST API (`/api/v1`) as the bench calls it: every call states the status it
//! expects, and any other answer fails with the method, path, status and Parley's own error.

use anyhow::{bail, Context, Result};
use reqwest::{header, Method, StatusCode};
use serde_json::Value;

/// How a call authenticates.
#[derive(Clone)]
enum Credential {
    Anonymous,
    /// The session cookie (`name=value`). A browser credential, so calls also send `Origin`.
    Cookie(String),
    /// A personal API token: no cookie, so no CSRF check applies.
    Bearer(String),
}

#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    /// `http://127.0.0.1:PORT`
    origin: String,
    credential: Credential,
}

impl Api {
    pub fn anonymous(http: &reqwest::Client, origin: &str) -> Self {
        Self {
            http: http.clone(),
            origin: origin.to_owned(),
            credential: Credential::Anonymous,
        }
    }

    pub fn with_cookie(&self, cookie: String) -> Self {
        Self {
            credential: Credential::Cookie(cookie),
            ..self.clone()
        }
    }

    pub fn with_token(&self, token: String) -> Self {
        Self {
            credential: Credential::Bearer(token),
            ..self.clone()
        }
    }

    /// Sends `body` (JSON) to `path` (relative to `/api/v1`) and returns the response if its
    /// status is `expected`.
    ///
    /// # Errors
    /// No answer, or another status (the error quotes the answer).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        expected: StatusCode,
    ) -> Result<reqwest::Response> {
        let mut request = self
            .http
            .request(method.clone(), format!("{}/api/v1{path}", self.origin));
        request = match &self.credential {
            Credential::Anonymous => request,
            Credential::Cookie(cookie) => request
                .header(header::COOKIE, cookie)
                .header(header::ORIGIN, &self.origin),
            Credential::Bearer(token) => request.bearer_auth(token),
        };
        if let Some(body) = body {
            request = request
                .header(header::CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        let response = request
            .send()
            .await
            .with_context(|| format!("{method} {path}: no answer from Parley"))?;
        if response.status() != expected {
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            bail!(
                "{method} {path} answered {status} (expected {expected}): {}",
                shorten(&text)
            );
        }
        Ok(response)
    }

    /// As [`Api::send`], and parses the answer as JSON (`null` for an empty body).
    ///
    /// # Errors
    /// As [`Api::send`]; an answer that is not JSON.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        expected: StatusCode,
    ) -> Result<Value> {
        let response = self.send(method.clone(), path, body, expected).await?;
        let bytes = response
            .bytes()
            .await
            .with_context(|| format!("{method} {path}: reading the answer"))?;
        if bytes.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).with_context(|| {
            format!(
                "{method} {path}: the answer is not JSON: {}",
                shorten(&String::from_utf8_lossy(&bytes))
            )
        })
    }
}

/// The first 500 characters of an answer quoted in an error.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(500) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// `name=value` of the session cookie a sign-in sets.
///
/// # Errors
/// When the response sets none.
pub fn session_cookie(response: &reqwest::Response) -> Result<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("parley_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
        .context("signing in set no session cookie")
}
