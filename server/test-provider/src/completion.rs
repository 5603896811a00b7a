//! A finished answer in OpenAI's two wire shapes: the `chat.completion` object and the
//! `chat.completion.chunk` SSE events.
//!
//! Every SSE frame is serialised before the first byte goes out, so streaming itself does no
//! work per chunk beyond handing over a buffer (the latency benchmark measures Parley, not us).

use axum::body::Bytes;
use serde_json::{json, Value};

use crate::behaviour::Ending;

/// What `/malformed` sends after two good tokens.
const MALFORMED_FRAME: &[u8] = b"data: {not json\n\n";
const DONE_FRAME: &[u8] = b"data: [DONE]\n\n";
/// `/malformed` breaks the stream after this many tokens.
const MALFORMED_AFTER: usize = 2;

/// The answer to one request, cut into tokens.
pub(crate) struct Completion<'a> {
    pub id: String,
    pub created: u64,
    pub model: &'a str,
    pub tokens: Vec<&'a str>,
    /// `stop`, or `length` when `max_tokens` cut the answer short.
    pub finish_reason: &'static str,
    pub prompt_tokens: usize,
}

impl Completion<'_> {
    fn usage(&self) -> Value {
        let completion = self.tokens.len();
        json!({
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": self.prompt_tokens + completion,
        })
    }

    /// The non-streamed `chat.completion` object.
    pub fn object(&self) -> Value {
        json!({
            "id": self.id,
            "object": "chat.completion",
            "created": self.created,
            "model": self.model,
            "system_fingerprint": null,
            "choices": [{
                "index": 0,
                "message": { "role": "assistant", "content": self.tokens.concat(), "refusal": null },
                "logprobs": null,
                "finish_reason": self.finish_reason,
            }],
            "usage": self.usage(),
        })
    }

    /// The SSE frames (`data: …\n\n`) of the stream, up to where `ending` stops it.
    ///
    /// # Errors
    /// Only if serde_json fails to write a string into memory, which it does not.
    pub fn frames(
        &self,
        ending: Ending,
        include_usage: bool,
    ) -> Result<Vec<Bytes>, serde_json::Error> {
        // Everything before the `choices` array is the same in every chunk.
        let head = format!(
            r#"data: {{"id":{},"object":"chat.completion.chunk","created":{},"model":{},"system_fingerprint":null,"choices":["#,
            serde_json::to_string(&self.id)?,
            self.created,
            serde_json::to_string(self.model)?,
        );
        let frame = |choice: &str, tail: &str| {
            let mut frame = String::with_capacity(head.len() + choice.len() + tail.len() + 4);
            frame.push_str(&head);
            frame.push_str(choice);
            frame.push_str(tail);
            frame.push_str("}\n\n");
            Bytes::from(frame)
        };
        let choice = |delta: &str, finish: &str| {
            format!(r#"{{"index":0,"delta":{delta},"logprobs":null,"finish_reason":{finish}}}"#)
        };

        let sent = match ending {
            Ending::Complete => self.tokens.len(),
            Ending::HangAfter(n) | Ending::CutAfter(n) => n,
            Ending::Malformed => MALFORMED_AFTER,
        }
        .min(self.tokens.len());
        let mut frames = Vec::with_capacity(sent + 4);
        frames.push(frame(
            &choice(r#"{"role":"assistant","content":""}"#, "null"),
            "]",
        ));
        for token in &self.tokens[..sent] {
            let delta = format!(r#"{{"content":{}}}"#, serde_json::to_string(token)?);
            frames.push(frame(&choice(&delta, "null"), "]"));
        }
        match ending {
            Ending::Complete => {
                let finish = serde_json::to_string(self.finish_reason)?;
                frames.push(frame(&choice("{}", &finish), "]"));
                if include_usage {
                    frames.push(frame("", &format!(r#"],"usage":{}"#, self.usage())));
                }
                frames.push(Bytes::from_static(DONE_FRAME));
            }
            Ending::Malformed => frames.push(Bytes::from_static(MALFORMED_FRAME)),
            Ending::HangAfter(_) | Ending::CutAfter(_) => {}
        }
        Ok(frames)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn completion() -> Completion<'static> {
        Completion {
            id: "chatcmpl-1".into(),
            created: 1,
            model: "m",
            tokens: vec!["a ", "\"b\"\n"],
            finish_reason: "stop",
            prompt_tokens: 3,
        }
    }

    fn parse(frame: &Bytes) -> Value {
        let text = std::str::from_utf8(frame).unwrap();
        let data = text
            .strip_prefix("data: ")
            .unwrap()
            .strip_suffix("\n\n")
            .unwrap();
        serde_json::from_str(data).unwrap()
    }

    #[test]
    fn complete_stream_has_role_tokens_finish_usage_done() {
        let frames = completion().frames(Ending::Complete, true).unwrap();
        assert_eq!(frames.len(), 6);
        assert_eq!(
            parse(&frames[0])["choices"][0]["delta"]["role"],
            "assistant"
        );
        assert_eq!(
            parse(&frames[2])["choices"][0]["delta"]["content"],
            "\"b\"\n"
        );
        assert_eq!(parse(&frames[3])["choices"][0]["finish_reason"], "stop");
        assert_eq!(parse(&frames[4])["usage"]["total_tokens"], 5);
        assert_eq!(parse(&frames[4])["choices"], json!([]));
        assert_eq!(&frames[5][..], DONE_FRAME);
    }

    #[test]
    fn cut_stops_after_n_tokens_without_finish() {
        let frames = completion().frames(Ending::CutAfter(1), true).unwrap();
        assert_eq!(frames.len(), 2);
        assert!(parse(&frames[1])["choices"][0]["finish_reason"].is_null());
    }

    #[test]
    fn object_holds_the_whole_answer() {
        let object = completion().object();
        assert_eq!(object["choices"][0]["message"]["content"], "a \"b\"\n");
        assert_eq!(object["usage"]["completion_tokens"], 2);
    }
}
