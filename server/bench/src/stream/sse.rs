//! Server-sent events read from a response body as they arrive: an event is whole only at
//! the blank line that ends it, however the bytes were split into body chunks.

use anyhow::{Context, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// `message` when the event names none (the SSE default, as the provider sends).
    pub event: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
}

pub struct SseReader {
    response: reqwest::Response,
    buffer: Vec<u8>,
    ended: bool,
}

impl SseReader {
    pub fn new(response: reqwest::Response) -> Self {
        Self {
            response,
            buffer: Vec::new(),
            ended: false,
        }
    }

    /// The next event; `None` once the body has ended.
    ///
    /// # Errors
    /// When reading the body fails (connection cut, read timeout).
    pub async fn next(&mut self) -> Result<Option<SseEvent>> {
        loop {
            if let Some(event) = take_event(&mut self.buffer, self.ended) {
                return Ok(Some(event));
            }
            if self.ended {
                return Ok(None);
            }
            match self.response.chunk().await.context("reading the stream")? {
                // CR never appears inside JSON data, so dropping it turns CRLF into LF.
                Some(bytes) => self
                    .buffer
                    .extend(bytes.iter().copied().filter(|&b| b != b'\r')),
                None => self.ended = true,
            }
        }
    }

    /// Reads and discards the rest of the body.
    ///
    /// # Errors
    /// When reading the body fails.
    pub async fn drain(&mut self) -> Result<()> {
        while self.next().await?.is_some() {}
        Ok(())
    }
}

/// Removes and parses the first complete event in `buffer` (at the end of the body, also
/// an unterminated last one). Comment-only blocks (keep-alives) are skipped.
fn take_event(buffer: &mut Vec<u8>, at_end: bool) -> Option<SseEvent> {
    loop {
        let (block_len, skip) = match buffer.windows(2).position(|w| w == b"\n\n") {
            Some(at) => (at, 2),
            None if at_end && !buffer.is_empty() => (buffer.len(), 0),
            None => return None,
        };
        let block: Vec<u8> = buffer.drain(..block_len + skip).take(block_len).collect();
        if let Some(event) = parse_block(&String::from_utf8_lossy(&block)) {
            return Some(event);
        }
    }
}

fn parse_block(block: &str) -> Option<SseEvent> {
    let mut event = None;
    let mut data: Option<String> = None;
    for line in block.lines() {
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => event = Some(value.to_owned()),
            "data" => match &mut data {
                Some(d) => {
                    d.push('\n');
                    d.push_str(value);
                }
                None => data = Some(value.to_owned()),
            },
            _ => {}
        }
    }
    if event.is_none() && data.is_none() {
        return None;
    }
    Some(SseEvent {
        event: event.unwrap_or_else(|| "message".to_owned()),
        data: data.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(input: &[u8], at_end: bool) -> Vec<SseEvent> {
        let mut buffer = input.to_vec();
        std::iter::from_fn(|| take_event(&mut buffer, at_end)).collect()
    }

    #[test]
    fn named_and_default_events() {
        let got = events(
            b"event: delta\ndata: {\"text\":\"hi\"}\n\ndata: {\"a\":1}\n\n",
            false,
        );
        assert_eq!(got[0].event, "delta");
        assert_eq!(got[0].data, r#"{"text":"hi"}"#);
        assert_eq!(got[1].event, "message");
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn keep_alives_are_skipped_and_partial_events_wait() {
        let mut buffer = b": keep-alive\n\nevent: done\ndata: {}".to_vec();
        assert_eq!(take_event(&mut buffer, false), None);
        buffer.extend_from_slice(b"\n\n");
        assert_eq!(
            take_event(&mut buffer, false).map(|e| e.event),
            Some("done".into())
        );
        assert!(buffer.is_empty());
    }

    #[test]
    fn multi_line_data_and_unterminated_last_event() {
        let got = events(b"data: a\ndata: b", true);
        assert_eq!(got[0].data, "a\nb");
    }
}
