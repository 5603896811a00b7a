//! The deterministic answer text and how it is cut into streamed tokens.
//!
//! Tokens keep their trailing whitespace, so concatenating the streamed deltas gives exactly
//! the non-streamed `content` — the property clients rely on when they assemble a stream.

use crate::behaviour::Behaviour;

/// Filler for `/words:N`, cycled so long answers stay reproducible.
const FILLER: [&str; 20] = [
    "the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while", "seven",
    "bright", "owls", "watch", "from", "an", "old", "stone", "bridge", "tonight",
];

/// Markdown that exercises rendering (heading, list, code, link) and sanitising (script and
/// event-handler HTML that must never reach the DOM alive).
pub const MARKDOWN_SAMPLE: &str = "# Parley test answer

Here is a list:

- first item
- second item with **bold** text
- third item with `inline code`

```rust
fn main() {
    println!(\"hello from parley\");
}
```

Read more at [the example site](https://example.com).

Inline HTML to sanitise: <script>alert(1)</script> and <img src=x onerror=alert(1)>.";

/// The answer to a message with `behaviour`.
pub fn answer(behaviour: &Behaviour) -> String {
    let mut text = if behaviour.markdown {
        MARKDOWN_SAMPLE.to_owned()
    } else {
        format!("You said: {}.", behaviour.text)
    };
    for word in FILLER.iter().cycle().take(behaviour.words) {
        text.push(' ');
        text.push_str(word);
    }
    text
}

/// Splits `text` into tokens: each is a run of non-whitespace plus the whitespace after it.
pub fn tokens(text: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut start = 0;
    let (mut in_space, mut seen_word) = (false, false);
    for (at, ch) in text.char_indices() {
        let space = ch.is_whitespace();
        if !space {
            // A word after whitespace closes the previous token; leading whitespace joins
            // the first word instead of becoming a token of its own.
            if in_space && seen_word {
                tokens.push(&text[start..at]);
                start = at;
            }
            seen_word = true;
        }
        in_space = space;
    }
    if start < text.len() {
        tokens.push(&text[start..]);
    }
    tokens
}

/// Whitespace-separated words: the "tokens" usage figures count.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes_the_message() {
        let b = Behaviour::parse("hello there");
        assert_eq!(answer(&b), "You said: hello there.");
    }

    #[test]
    fn adds_filler_words() {
        let b = Behaviour::parse("hi /words:22");
        let text = answer(&b);
        assert_eq!(word_count(&text), 3 + 22);
        assert!(text.ends_with("tonight the quick"));
    }

    #[test]
    fn tokens_keep_whitespace_and_rebuild_the_text() {
        assert_eq!(tokens("You said: hi."), ["You ", "said: ", "hi."]);
        assert_eq!(tokens(" a\n\nb  "), [" a\n\n", "b  "]);
        assert!(tokens("").is_empty());
        assert_eq!(tokens(MARKDOWN_SAMPLE).concat(), MARKDOWN_SAMPLE);
    }
}
