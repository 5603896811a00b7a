//! A provider's streamed answer, reduced to what Parley keeps: text deltas, token usage
//! and how it ended. Chunks are parsed leniently (`Chunk`) because OpenAI-compatible
//! servers differ in the fields they send; only the ones read here must be right.

use super::failure::ProviderFailure;
use async_openai::error::OpenAIError;
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use std::{
    pin::Pin,
    time::{Duration, Instant},
};

#[derive(Debug, Deserialize)]
pub(super) struct Chunk {
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Debug, Deserialize)]
struct Choice {
    #[serde(default)]
    delta: Option<Delta>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Delta {
    #[serde(default)]
    content: Option<String>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    #[serde(default)]
    pub prompt_tokens: Option<i64>,
    #[serde(default)]
    pub completion_tokens: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerEvent {
    Text(String),
    Usage(Usage),
    /// The provider said the answer is complete (`finish_reason`).
    Finished,
}

pub type AnswerStream = Pin<Box<dyn Stream<Item = Result<AnswerEvent, ProviderFailure>> + Send>>;

pub(super) type RawStream = Pin<Box<dyn Stream<Item = Result<Chunk, OpenAIError>> + Send>>;

/// Flattens raw chunks into events; an error ends the stream after being reported.
///
/// The HTTP client reports a per-read timeout inside the stream only as a body error whose
/// text does not say why, so an error after `read_timeout` of silence counts as a timeout.
pub(super) fn events(raw: RawStream, model: String, read_timeout: Duration) -> AnswerStream {
    let mut last_data = Instant::now();
    Box::pin(raw.flat_map(move |item| {
        let silent_for = last_data.elapsed();
        last_data = Instant::now();
        let events: Vec<Result<AnswerEvent, ProviderFailure>> = match item {
            Err(e) => {
                let failure = ProviderFailure::from_openai(&e, &model, None);
                let timed_out = failure == ProviderFailure::Cut
                    && silent_for + Duration::from_millis(100) >= read_timeout;
                vec![Err(if timed_out {
                    ProviderFailure::Timeout
                } else {
                    failure
                })]
            }
            Ok(chunk) => {
                let mut out = Vec::new();
                for choice in chunk.choices {
                    if let Some(text) = choice.delta.and_then(|d| d.content) {
                        if !text.is_empty() {
                            out.push(Ok(AnswerEvent::Text(text)));
                        }
                    }
                    if choice.finish_reason.is_some() {
                        out.push(Ok(AnswerEvent::Finished));
                    }
                }
                if let Some(usage) = chunk.usage {
                    out.push(Ok(AnswerEvent::Usage(usage)));
                }
                out
            }
        };
        futures_util::stream::iter(events)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn chunks_become_text_usage_and_finish() {
        let chunks: Vec<Result<Chunk, OpenAIError>> = [
            r#"{"choices":[{"delta":{"role":"assistant","content":""}}]}"#,
            r#"{"id":"x","choices":[{"index":0,"delta":{"content":"Hel"}}]}"#,
            r#"{"choices":[{"delta":{"content":"lo"},"finish_reason":null}]}"#,
            r#"{"choices":[{"delta":{},"finish_reason":"stop"}]}"#,
            r#"{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"#,
        ]
        .iter()
        .map(|s| Ok(serde_json::from_str::<Chunk>(s).unwrap()))
        .collect();
        let events: Vec<_> = events(
            Box::pin(futures_util::stream::iter(chunks)),
            "m".into(),
            Duration::from_secs(60),
        )
        .collect()
        .await;
        assert_eq!(
            events,
            vec![
                Ok(AnswerEvent::Text("Hel".into())),
                Ok(AnswerEvent::Text("lo".into())),
                Ok(AnswerEvent::Finished),
                Ok(AnswerEvent::Usage(Usage {
                    prompt_tokens: Some(3),
                    completion_tokens: Some(2)
                })),
            ]
        );
    }
}
