//! Directives in the last user message that make the provider misbehave on purpose.
//!
//! Each directive is one whitespace-separated token (`/fail:429`, `/cut:3`, …) and several
//! may combine. Tokens that look like a directive but do not parse (`/etc/hosts`) stay part
//! of the text, so ordinary prompts are never misread.

/// An HTTP failure to answer with instead of a completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failure {
    /// 400–599.
    pub status: u16,
    /// Seconds for `Retry-After` (`/fail:429:N`); 429 defaults to 1.
    pub retry_after: Option<u64>,
}

/// How a streamed answer ends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Ending {
    /// Finish chunk, optional usage chunk, `[DONE]`.
    #[default]
    Complete,
    /// `/hang-after:N`: N tokens, then silence on an open connection.
    HangAfter(usize),
    /// `/cut:N`: N tokens, then the connection is aborted mid-body.
    CutAfter(usize),
    /// `/malformed`: 2 tokens, then an event whose data is not JSON, then a clean close.
    Malformed,
}

/// Everything the directives asked for, plus the message with the directives taken out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Behaviour {
    /// The message without directives, trimmed.
    pub text: String,
    /// `/fail:S[:N]`: fail every time.
    pub fail: Option<Failure>,
    /// `/fail-once:S[:N]`: fail the first request carrying this exact message only.
    pub fail_once: Option<Failure>,
    /// `/hang`: never send response headers.
    pub hang: bool,
    pub ending: Ending,
    /// `/slow:MS`: pause between chunks, overriding the server default.
    pub slow_ms: Option<u64>,
    /// `/words:N`: filler words appended to the answer.
    pub words: usize,
    /// `/markdown`: answer with a fixed Markdown sample (including hostile HTML).
    pub markdown: bool,
}

impl Behaviour {
    /// Reads the directives out of `message`.
    pub fn parse(message: &str) -> Self {
        let mut behaviour = Behaviour::default();
        let mut kept = Vec::new();
        let mut found = false;
        for token in message.split_whitespace() {
            if behaviour.apply(token) {
                found = true;
            } else {
                kept.push(token);
            }
        }
        // Without directives the text keeps its own line breaks and spacing.
        behaviour.text = if found {
            kept.join(" ")
        } else {
            message.trim().to_owned()
        };
        behaviour
    }

    /// Applies `token` if it is a directive; false leaves it to the text.
    fn apply(&mut self, token: &str) -> bool {
        let Some((name, arg)) = token
            .strip_prefix('/')
            .map(|rest| rest.split_once(':').unwrap_or((rest, "")))
        else {
            return false;
        };
        match (name, arg) {
            ("hang", "") => self.hang = true,
            ("malformed", "") => self.ending = Ending::Malformed,
            ("markdown", "") => self.markdown = true,
            ("fail", arg) => match failure(arg) {
                Some(failure) => self.fail = Some(failure),
                None => return false,
            },
            ("fail-once", arg) => match failure(arg) {
                Some(failure) => self.fail_once = Some(failure),
                None => return false,
            },
            ("hang-after", arg) => match arg.parse() {
                Ok(n) => self.ending = Ending::HangAfter(n),
                Err(_) => return false,
            },
            ("cut", arg) => match arg.parse() {
                Ok(n) => self.ending = Ending::CutAfter(n),
                Err(_) => return false,
            },
            ("slow", arg) => match arg.parse() {
                Ok(ms) => self.slow_ms = Some(ms),
                Err(_) => return false,
            },
            ("words", arg) => match arg.parse() {
                Ok(n) => self.words = n,
                Err(_) => return false,
            },
            _ => return false,
        }
        true
    }
}

/// `S` or `S:N`, with S an HTTP error status.
fn failure(arg: &str) -> Option<Failure> {
    let (status, seconds) = match arg.split_once(':') {
        Some((status, seconds)) => (status, Some(seconds.parse().ok()?)),
        None => (arg, None),
    };
    let status: u16 = status.parse().ok()?;
    (400..=599).contains(&status).then_some(Failure {
        status,
        retry_after: seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_kept_verbatim() {
        let b = Behaviour::parse("  hello\n  world ");
        assert_eq!(b.text, "hello\n  world");
        assert_eq!(
            b,
            Behaviour {
                text: b.text.clone(),
                ..Behaviour::default()
            }
        );
    }

    #[test]
    fn directives_combine_and_leave_the_text() {
        let b = Behaviour::parse("hi /slow:50 there /words:3 /cut:2 /markdown");
        assert_eq!(b.text, "hi there");
        assert_eq!(b.slow_ms, Some(50));
        assert_eq!(b.words, 3);
        assert_eq!(b.ending, Ending::CutAfter(2));
        assert!(b.markdown);
    }

    #[test]
    fn failures_parse_status_and_retry_after() {
        let b = Behaviour::parse("/fail:429:7 /fail-once:500");
        assert_eq!(
            b.fail,
            Some(Failure {
                status: 429,
                retry_after: Some(7)
            })
        );
        assert_eq!(
            b.fail_once,
            Some(Failure {
                status: 500,
                retry_after: None
            })
        );
    }

    #[test]
    fn lookalikes_stay_in_the_text() {
        let b = Behaviour::parse("cat /etc/hosts /fail:200 /cut:x /hang:1 /hang");
        assert_eq!(b.text, "cat /etc/hosts /fail:200 /cut:x /hang:1");
        assert!(b.hang);
        assert_eq!(b.fail, None);
    }
}
