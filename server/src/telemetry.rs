//! Structured logs through `tracing`. Every line written while a request is handled carries
//! that request's id (the span opened by the HTTP trace layer).

use crate::config::LogFormat;
use tracing_subscriber::{fmt, EnvFilter};

/// async-openai logs provider error bodies and unreadable responses verbatim; they can
/// echo prompts or part of a key, so its own logging is always off (Parley logs each
/// provider failure itself, without the body).
const SILENCED: &str = "async_openai=off";

/// Installs the global subscriber. Safe to call more than once (later calls do nothing),
/// which integration tests rely on.
pub fn init(filter: &str, format: LogFormat) {
    let filter = EnvFilter::try_new(format!("{filter},{SILENCED}"))
        .unwrap_or_else(|_| EnvFilter::new(format!("info,{SILENCED}")));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stdout);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .flatten_event(true)
            .try_init(),
        LogFormat::Text => builder
            .with_target(false)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
            .try_init(),
    };
}
