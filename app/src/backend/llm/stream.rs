//! A provider's streamed answer, reduced to what Parley keeps: text deltas, token usage
//! and how it ended. Chunks are parsed leniently (`Chunk`) because OpenAI-compatible
//! servers differ in the fields they send; only the ones read here must be right.

use super::failure::ProviderFailure;
use async_openai::error::OpenAIError;
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use std::pin::Pin;

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
pub(super) fn events(raw: RawStream, model: String) -> AnswerStream {
    Box::pin(raw.flat_map(move |item| {
        let events: Vec<Result<AnswerEvent, ProviderFailure>> = match item {
            Err(e) => vec![Err(ProviderFailure::from_openai(&e, &model, None))],
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
        let events: Vec<_> = events(Box::pin(futures_util::stream::iter(chunks)), "m".into())
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
