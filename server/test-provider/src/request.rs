//! The part of OpenAI's chat-completions request the provider reads. Unknown fields are
//! ignored (as OpenAI ignores many), but the whole body is kept in the request log.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub(crate) struct ChatRequest {
    /// Absent on Azure, where the deployment in the path names the model.
    #[serde(default)]
    pub model: Option<String>,
    pub messages: Vec<Message>,
    #[serde(default)]
    pub stream: bool,
    #[serde(default)]
    pub stream_options: Option<StreamOptions>,
    #[serde(default)]
    pub max_tokens: Option<usize>,
    #[serde(default)]
    pub max_completion_tokens: Option<usize>,
}

impl ChatRequest {
    /// The text of the last user message: the one directives are read from.
    pub fn last_user_text(&self) -> String {
        self.messages
            .iter()
            .rev()
            .find(|message| message.role == "user")
            .map(Message::text)
            .unwrap_or_default()
    }

    /// Whitespace-separated words over all messages: our stand-in for prompt tokens.
    pub fn prompt_words(&self) -> usize {
        self.messages
            .iter()
            .map(|message| crate::answer::word_count(&message.text()))
            .sum()
    }

    pub fn include_usage(&self) -> bool {
        self.stream_options
            .as_ref()
            .is_some_and(|options| options.include_usage)
    }

    /// The newer field wins, as it does at OpenAI.
    pub fn token_limit(&self) -> Option<usize> {
        self.max_completion_tokens.or(self.max_tokens)
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct StreamOptions {
    #[serde(default)]
    pub include_usage: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Message {
    pub role: String,
    /// Null for assistant turns that only carried tool calls.
    #[serde(default)]
    pub content: Option<Content>,
}

impl Message {
    fn text(&self) -> String {
        match &self.content {
            None => String::new(),
            Some(Content::Text(text)) => text.clone(),
            Some(Content::Parts(parts)) => parts
                .iter()
                .filter_map(|part| part.text.as_deref())
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum Content {
    Text(String),
    /// `[{type:"text",text}, {type:"image_url",…}]`; only text parts count.
    Parts(Vec<Part>),
}

#[derive(Debug, Deserialize)]
pub(crate) struct Part {
    #[serde(default)]
    pub text: Option<String>,
}
