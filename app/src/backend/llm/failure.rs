//! Why a provider call failed, in words for the person in the chat. Provider error bodies
//! are never shown or logged: some echo part of the API key back.

use async_openai::error::OpenAIError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderFailure {
    #[error("the provider refused the API key")]
    Unauthorized,
    #[error("the provider does not know the model")]
    ModelNotFound { model: String },
    #[error("rate limited by the provider")]
    RateLimited { retry_after_secs: Option<u64> },
    #[error("provider answered HTTP {status}")]
    Upstream { status: u16 },
    #[error("provider rejected the request with HTTP {status}")]
    Rejected { status: u16 },
    #[error("provider timed out")]
    Timeout,
    #[error("provider unreachable")]
    Unreachable,
    /// The outbound guard refused the address; the sentence is the guard's own.
    #[error("address refused: {0}")]
    AddressRefused(String),
    #[error("the provider tried to redirect")]
    Redirected,
    #[error("the answer broke off")]
    Cut,
    #[error("unreadable provider response")]
    Malformed,
    #[error("the provider is not configured: {0}")]
    NotConfigured(String),
}

impl ProviderFailure {
    /// A stable machine code (`error.code` in the API and stored on the message).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthorized => "provider_unauthorized",
            Self::ModelNotFound { .. } => "provider_model_not_found",
            Self::RateLimited { .. } => "provider_rate_limited",
            Self::Upstream { .. } => "provider_unavailable",
            Self::Rejected { .. } => "provider_rejected",
            Self::Timeout => "provider_timeout",
            Self::Unreachable => "provider_unreachable",
            Self::AddressRefused(_) => "provider_address_refused",
            Self::Redirected => "provider_redirected",
            Self::Cut => "provider_stream_cut",
            Self::Malformed => "provider_bad_response",
            Self::NotConfigured(_) => "provider_not_configured",
        }
    }

    /// What happened and what to do, for the chat.
    pub fn message(&self) -> String {
        match self {
            Self::Unauthorized => format!("The AI provider refused the API key (401). An admin can update the key in {}.", crate::labels::AI_SETTINGS),
            Self::ModelNotFound { model } => format!("The AI provider does not offer the model “{model}” (404). Pick another model, or ask an admin to refresh the provider's model list."),
            Self::RateLimited { retry_after_secs: Some(secs) } => format!("The AI provider is rate limiting requests (429). Try again in {}.", crate::error::wait_time(*secs)),
            Self::RateLimited { retry_after_secs: None } => "The AI provider is rate limiting requests (429). Try again in a minute.".into(),
            Self::Upstream { status } => format!("The AI provider had a problem (HTTP {status}). Try again in a moment."),
            Self::Rejected { status } => format!("The AI provider refused the request (HTTP {status}). The model may not accept these settings; an admin can check the provider."),
            Self::Timeout => "The AI provider stopped responding, so Parley gave up waiting. Try again; if it keeps happening, the provider may be overloaded.".into(),
            Self::Unreachable => "Parley could not connect to the AI provider. An admin can check the provider's address.".into(),
            Self::AddressRefused(sentence) => sentence.clone(),
            Self::Redirected => "The AI provider's address answered with a redirect, which Parley does not follow. An admin should enter the final address.".into(),
            Self::Cut => "The AI provider's answer broke off before it was finished. The text so far is kept; regenerate to try again.".into(),
            Self::Malformed => "The AI provider sent a response Parley could not read. Check that the address points to an OpenAI-compatible API.".into(),
            Self::NotConfigured(why) => why.clone(),
        }
    }

    /// The HTTP status for REST callers: the provider's rate limit passes through as 429,
    /// a timeout is 504, everything else 502.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::RateLimited { .. } => 429,
            Self::Timeout => 504,
            Self::NotConfigured(_) => 400,
            _ => 502,
        }
    }

    /// Whether retrying the same request later may succeed (and may be retried before the
    /// first token).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. } | Self::Upstream { .. } | Self::Unreachable
        )
    }

    /// Classifies an async-openai error. `model` names the model for 404s;
    /// `retry_after_secs` is what the transport saw on the last 429.
    pub fn from_openai(err: &OpenAIError, model: &str, retry_after_secs: Option<u64>) -> Self {
        match err {
            OpenAIError::ApiError(api) => match api.status_code.as_u16() {
                401 | 403 => Self::Unauthorized,
                404 => Self::ModelNotFound {
                    model: model.to_string(),
                },
                429 => Self::RateLimited { retry_after_secs },
                status if status >= 500 => Self::Upstream { status },
                status if (300..400).contains(&status) => Self::Redirected,
                status => Self::Rejected { status },
            },
            OpenAIError::Reqwest(e) => Self::from_reqwest(e),
            OpenAIError::StreamError(e) => {
                if e.to_string().contains("timed out") {
                    Self::Timeout
                } else {
                    Self::Cut
                }
            }
            OpenAIError::JSONDeserialize(..) => Self::Malformed,
            OpenAIError::Boxed(inner) => inner
                .downcast_ref::<ProviderFailure>()
                .cloned()
                .unwrap_or(Self::Unreachable),
            _ => Self::Malformed,
        }
    }

    pub fn from_reqwest(err: &reqwest::Error) -> Self {
        if let Some(refused) = parley_outbound::refused_in(err) {
            return Self::AddressRefused(refused.to_string());
        }
        if err.is_timeout() {
            Self::Timeout
        } else if err.is_connect() {
            Self::Unreachable
        } else if err.is_body() || err.is_decode() {
            Self::Cut
        } else {
            Self::Unreachable
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_has_a_code_a_sentence_and_a_status() {
        let all = [
            ProviderFailure::Unauthorized,
            ProviderFailure::ModelNotFound { model: "m".into() },
            ProviderFailure::RateLimited {
                retry_after_secs: Some(3),
            },
            ProviderFailure::Upstream { status: 503 },
            ProviderFailure::Rejected { status: 400 },
            ProviderFailure::Timeout,
            ProviderFailure::Unreachable,
            ProviderFailure::AddressRefused("Refused.".into()),
            ProviderFailure::Redirected,
            ProviderFailure::Cut,
            ProviderFailure::Malformed,
        ];
        for failure in all {
            assert!(failure.code().starts_with("provider_"));
            assert!(failure.message().ends_with('.'), "{failure:?}");
            assert!((400..600).contains(&failure.http_status()));
        }
        assert!(ProviderFailure::RateLimited {
            retry_after_secs: Some(3)
        }
        .message()
        .contains("3 seconds"));
    }
}
