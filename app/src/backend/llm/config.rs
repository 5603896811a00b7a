//! `ProviderConfig`: async-openai's `Config` for every provider kind. The built-in
//! `OpenAIConfig::new()` falls back to `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `OPENAI_ORG_ID`
//! and `OPENAI_PROJECT_ID` from the environment, which would hand the platform's key to a
//! tenant's endpoint; this one only knows what the tenant configured.

use crate::dto::chat::ProviderKind;
use async_openai::config::Config;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use secrecy::{ExposeSecret, SecretString};

#[derive(Debug, Clone)]
pub struct ProviderConfig {
    kind: ProviderKind,
    /// Without a trailing slash.
    base: String,
    api_version: String,
    key: SecretString,
    /// Azure: the deployment a chat request goes to.
    deployment: Option<String>,
}

impl ProviderConfig {
    pub fn new(
        kind: ProviderKind,
        base: &str,
        api_version: Option<&str>,
        key: SecretString,
    ) -> Self {
        Self {
            kind,
            base: base.trim_end_matches('/').to_string(),
            api_version: api_version.unwrap_or_default().to_string(),
            key,
            deployment: None,
        }
    }

    #[must_use]
    pub fn for_deployment(mut self, deployment: &str) -> Self {
        self.deployment = Some(deployment.to_string());
        self
    }
}

impl Config for ProviderConfig {
    fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let key = self.key.expose_secret();
        if key.is_empty() {
            return headers;
        }
        let (name, value) = if self.kind == ProviderKind::AzureOpenai {
            ("api-key", HeaderValue::from_str(key))
        } else {
            (
                AUTHORIZATION.as_str(),
                HeaderValue::from_str(&format!("Bearer {key}")),
            )
        };
        // A key with characters a header cannot carry is sent without it: the provider
        // answers 401, which the admin sees as "the key was refused".
        if let Ok(mut value) = value {
            value.set_sensitive(true);
            if let Ok(name) = reqwest::header::HeaderName::from_bytes(name.as_bytes()) {
                headers.insert(name, value);
            }
        }
        headers
    }

    fn url(&self, path: &str) -> String {
        match (&self.kind, &self.deployment) {
            (ProviderKind::AzureOpenai, Some(deployment)) => format!(
                "{}/openai/deployments/{}{path}",
                self.base,
                urlencode(deployment)
            ),
            (ProviderKind::AzureOpenai, None) => format!("{}/openai{path}", self.base),
            _ => format!("{}{path}", self.base),
        }
    }

    fn query(&self) -> Vec<(&str, &str)> {
        if self.kind == ProviderKind::AzureOpenai {
            vec![("api-version", self.api_version.as_str())]
        } else {
            Vec::new()
        }
    }

    fn api_base(&self) -> &str {
        &self.base
    }

    fn api_key(&self) -> &SecretString {
        &self.key
    }
}

/// Deployment names are path segments; anything but unreserved characters is escaped.
fn urlencode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_reads_the_environment_and_builds_each_kinds_urls() {
        // Whatever the process environment holds, an empty tenant key sends no header.
        let config = ProviderConfig::new(
            ProviderKind::OpenaiCompatible,
            "http://127.0.0.1:11434/v1/",
            None,
            SecretString::from(""),
        );
        assert!(config.headers().is_empty());
        assert_eq!(config.url("/models"), "http://127.0.0.1:11434/v1/models");

        let openai = ProviderConfig::new(
            ProviderKind::Openai,
            "https://api.openai.com/v1",
            None,
            SecretString::from("sk-tenant"),
        );
        assert_eq!(openai.headers()["authorization"], "Bearer sk-tenant");
        assert!(openai.headers()["authorization"].is_sensitive());

        let azure = ProviderConfig::new(
            ProviderKind::AzureOpenai,
            "https://res.openai.azure.com",
            Some("2024-10-21"),
            SecretString::from("az-key"),
        );
        assert_eq!(azure.headers()["api-key"], "az-key");
        assert_eq!(
            azure.url("/models"),
            "https://res.openai.azure.com/openai/models"
        );
        assert_eq!(
            azure
                .clone()
                .for_deployment("gpt 4o")
                .url("/chat/completions"),
            "https://res.openai.azure.com/openai/deployments/gpt%204o/chat/completions"
        );
        assert_eq!(azure.query(), vec![("api-version", "2024-10-21")]);
    }
}
