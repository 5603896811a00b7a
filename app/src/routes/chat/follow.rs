//! Following an answer while it is written, through the REST events endpoint
//! (`…/messages/{id}/events`: `delta` with text, `retrying` while the provider is busy,
//! then `done` or `error`).
//!
//! The endpoint starts every connection with the text so far, so after a reconnect (the
//! browser's `EventSource` reconnects on its own) the page replaces rather than appends.
//! Closing the page does not stop the answer: the server keeps writing it.

use uuid::Uuid;

/// What the page hears about an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// A connection opened: the text so far follows.
    Restart,
    Text(String),
    /// The provider is busy: asked again after this many seconds.
    Retrying(u64),
    /// The answer ended (complete, stopped, interrupted, or an error): read it back.
    Ended,
}

pub fn events_url(slug: &str, chat_id: Uuid, message_id: Uuid) -> String {
    format!("/api/v1/tenants/{slug}/chats/{chat_id}/messages/{message_id}/events")
}

/// The `text` of a `delta` event's data.
pub fn delta_text(data: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(data).ok()?;
    value.get("text")?.as_str().map(str::to_string)
}

/// The `seconds` of a `retrying` event's data.
pub fn retry_seconds(data: &str) -> Option<u64> {
    let value: serde_json::Value = serde_json::from_str(data).ok()?;
    value.get("seconds")?.as_u64()
}

/// Starts following `message_id` (replacing an earlier follow of it). Without a browser
/// (server rendering) there is nothing to follow.
pub fn watch(url: &str, message_id: Uuid, on: impl Fn(Heard) + Clone + 'static) {
    #[cfg(feature = "hydrate")]
    browser::OPEN.with(|open| {
        if let Some(follow) = browser::Follow::start(url, on) {
            open.borrow_mut().insert(message_id, follow);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (url, message_id, on);
}

/// Stops following `message_id` (the answer goes on on the server).
pub fn unwatch(message_id: Uuid) {
    #[cfg(feature = "hydrate")]
    browser::OPEN.with(|open| open.borrow_mut().remove(&message_id));
    #[cfg(not(feature = "hydrate"))]
    let _ = message_id;
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{delta_text, retry_seconds, Heard};
    use std::{cell::RefCell, collections::HashMap};
    use uuid::Uuid;
    use wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{Event, EventSource, MessageEvent};

    thread_local! {
        /// The answers this page follows, by message id.
        pub static OPEN: RefCell<HashMap<Uuid, Follow>> = RefCell::new(HashMap::new());
    }

    /// An open `EventSource`; dropping it closes the connection.
    pub struct Follow {
        source: EventSource,
        _listeners: Vec<Closure<dyn FnMut(Event)>>,
    }

    impl Follow {
        pub fn start(url: &str, on: impl Fn(Heard) + Clone + 'static) -> Option<Self> {
            let source = EventSource::new(url).ok()?;
            let mut listeners = Vec::new();
            let mut listen = |name: &str, handler: Box<dyn FnMut(Event)>| {
                let closure = Closure::wrap(handler);
                let _ =
                    source.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
                listeners.push(closure);
            };
            let heard = on.clone();
            listen("open", Box::new(move |_| heard(Heard::Restart)));
            let heard = on.clone();
            listen(
                "delta",
                Box::new(move |event| {
                    let text = event
                        .dyn_ref::<MessageEvent>()
                        .and_then(|m| m.data().as_string())
                        .and_then(|data| delta_text(&data));
                    if let Some(text) = text {
                        heard(Heard::Text(text));
                    }
                }),
            );
            let heard = on.clone();
            listen(
                "retrying",
                Box::new(move |event| {
                    let seconds = event
                        .dyn_ref::<MessageEvent>()
                        .and_then(|m| m.data().as_string())
                        .and_then(|data| retry_seconds(&data));
                    if let Some(seconds) = seconds {
                        heard(Heard::Retrying(seconds));
                    }
                }),
            );
            let heard = on.clone();
            let done_source = source.clone();
            listen(
                "done",
                Box::new(move |_| {
                    done_source.close();
                    heard(Heard::Ended);
                }),
            );
            // `error` is both our event (an answer that failed, with data) and the browser's
            // (the connection dropped, without data; it reconnects unless the server refused).
            let heard = on;
            let error_source = source.clone();
            listen(
                "error",
                Box::new(move |event| {
                    let ours = event
                        .dyn_ref::<MessageEvent>()
                        .is_some_and(|m| m.data().is_string());
                    if ours || error_source.ready_state() == EventSource::CLOSED {
                        error_source.close();
                        heard(Heard::Ended);
                    }
                }),
            );
            Some(Self {
                source,
                _listeners: listeners,
            })
        }
    }

    impl Drop for Follow {
        fn drop(&mut self) {
            self.source.close();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_delta_text() {
        assert_eq!(delta_text(r#"{"text":"Hel"}"#), Some("Hel".into()));
        assert_eq!(delta_text(r#"{"other":1}"#), None);
        assert_eq!(delta_text("not json"), None);
    }

    #[test]
    fn reads_retry_seconds() {
        assert_eq!(retry_seconds(r#"{"seconds":4}"#), Some(4));
        assert_eq!(retry_seconds(r#"{"seconds":-1}"#), None);
        assert_eq!(retry_seconds("{}"), None);
    }

    #[test]
    fn builds_the_events_url() {
        let (c, m) = (Uuid::nil(), Uuid::max());
        assert_eq!(
            events_url("acme", c, m),
            format!("/api/v1/tenants/acme/chats/{c}/messages/{m}/events")
        );
    }
}
