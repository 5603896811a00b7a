//! The platform's own AI provider (`PARLEY_OPENAI_API_KEY`), which a super-admin may offer
//! to tenants that bring no key of their own. Its key lives only in the server's memory.

use secrecy::SecretString;

/// Model ids of the platform provider are `platform/<name>`.
pub const PLATFORM_PREFIX: &str = "platform/";
/// How members see it in the model picker.
pub const PLATFORM_NAME: &str = "Platform";

#[derive(Clone)]
pub struct PlatformAi {
    /// An OpenAI-compatible API, e.g. `https://api.openai.com/v1`.
    pub base_url: String,
    pub key: SecretString,
    /// The models offered, by name.
    pub models: Vec<String>,
}

// Hand-written so the key never reaches a log.
impl std::fmt::Debug for PlatformAi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformAi")
            .field("base_url", &self.base_url)
            .field("key", &"[redacted]")
            .field("models", &self.models)
            .finish()
    }
}

impl PlatformAi {
    /// `platform/<name>` for an offered model, else `None`.
    pub fn offered<'a>(&self, id: &'a str) -> Option<&'a str> {
        let name = id.strip_prefix(PLATFORM_PREFIX)?;
        self.models.iter().any(|m| m == name).then_some(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key_and_ids_resolve_to_offered_models() {
        let platform = PlatformAi {
            base_url: "https://api.openai.com/v1".into(),
            key: SecretString::from("sk-platform-canary".to_string()),
            models: vec!["gpt-4o-mini".into()],
        };
        assert!(!format!("{platform:?}").contains("canary"));
        assert_eq!(
            platform.offered("platform/gpt-4o-mini"),
            Some("gpt-4o-mini")
        );
        assert_eq!(platform.offered("platform/gpt-5"), None);
        assert_eq!(platform.offered("gpt-4o-mini"), None);
    }
}
