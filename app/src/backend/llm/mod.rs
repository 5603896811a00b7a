//! Talking to AI providers. Every kind speaks OpenAI's chat completions protocol, so one
//! `async-openai` client serves them all, configured by `ProviderConfig` (which never reads
//! the process environment) over the SSRF-guarded HTTP client of `parley_outbound`.

pub mod config;
pub mod connection;
pub mod failure;
pub mod outbound;
pub mod platform;
pub mod stream;
mod transport;

pub use connection::{ChatRequest, Connection, PromptMessage};
pub use failure::ProviderFailure;
pub use outbound::Outbound;
pub use platform::PlatformAi;
pub use stream::{AnswerEvent, AnswerStream};
pub use transport::OnRetry;
