//! Long chats: the time to open one (its newest page of messages, which is what opening a
//! chat loads) at 1,000 and 5,000 messages, and the time to add a message to a 5,000-message
//! chat against an empty one — both should not grow with the chat.
//!
//! Chats are filled through the API (each send stores a question and an answer), the long
//! ones side by side, so the fill itself exercises the ordinary write path.

use crate::{provider::TestProvider, stats::Percentiles, workspace::Workspace};
use anyhow::{ensure, Result};
use futures_util::future::try_join_all;
use std::time::{Duration, Instant};

/// Messages in the long chats (two per send).
pub const SIZES: [usize; 2] = [1_000, 5_000];
const SAMPLES: usize = 30;
const WARM_UP: usize = 3;
/// The newest page Parley answers by default (API.md: `limit` defaults to 50).
const PAGE: usize = 50;
const FILL: &str = "fill /words:1";
const APPEND: &str = "append /words:1";

pub struct Opening {
    pub messages: usize,
    pub time: Percentiles,
}

pub struct Figures {
    pub opening: Vec<Opening>,
    pub append_empty: Percentiles,
    pub append_long: Percentiles,
    /// Messages in the chat `append_long` was measured in.
    pub long_size: usize,
}

/// Fills the chats and measures.
///
/// # Errors
/// The first call that fails; a page of the wrong size.
pub async fn measure(workspace: &Workspace, provider: &TestProvider) -> Result<Figures> {
    let mut chats = Vec::new();
    for size in SIZES {
        chats.push((size, workspace.new_chat().await?));
    }
    let started = Instant::now();
    try_join_all(
        chats
            .iter()
            .map(|(size, chat)| fill(workspace, provider, chat, *size)),
    )
    .await?;
    let fill_time = started.elapsed();
    eprintln!(
        "  filled in {:.0} s; opening and appending",
        fill_time.as_secs_f64()
    );
    provider.clear_requests().await?;

    let mut opening = Vec::new();
    for (size, chat) in &chats {
        let mut times = Vec::new();
        for i in 0..WARM_UP + SAMPLES {
            let started = Instant::now();
            let items = workspace.open(chat).await?;
            let took = started.elapsed();
            ensure!(
                items == PAGE,
                "opening a chat of {size} messages gave {items}, not {PAGE}"
            );
            if i >= WARM_UP {
                times.push(took);
            }
        }
        opening.push(Opening {
            messages: *size,
            time: Percentiles::of_ms(&times),
        });
    }

    let (long_size, long_chat) = chats
        .iter()
        .max_by_key(|(size, _)| *size)
        .cloned()
        .unwrap_or_default();
    let (mut empty, mut long) = (Vec::new(), Vec::new());
    for i in 0..WARM_UP + SAMPLES {
        // A new chat each time, created before the clock starts: an empty chat every time.
        let fresh = workspace.new_chat().await?;
        let took_empty = timed(workspace.say(&fresh, APPEND)).await?;
        let took_long = timed(workspace.say(&long_chat, APPEND)).await?;
        if i >= WARM_UP {
            empty.push(took_empty);
            long.push(took_long);
        }
    }
    provider.clear_requests().await?;
    Ok(Figures {
        opening,
        append_empty: Percentiles::of_ms(&empty),
        append_long: Percentiles::of_ms(&long),
        long_size,
    })
}

/// Sends to `chat` until it holds `size` messages, reporting progress now and then.
async fn fill(
    workspace: &Workspace,
    provider: &TestProvider,
    chat: &str,
    size: usize,
) -> Result<()> {
    let sends = size / 2;
    let started = Instant::now();
    for sent in 1..=sends {
        workspace.say(chat, FILL).await?;
        if sent % 500 == 0 {
            eprintln!(
                "  chat of {size}: {} messages after {:.0} s",
                sent * 2,
                started.elapsed().as_secs_f64()
            );
            // The provider records every request; keep its memory flat.
            provider.clear_requests().await?;
        }
    }
    Ok(())
}

async fn timed(call: impl std::future::Future<Output = Result<()>>) -> Result<Duration> {
    let started = Instant::now();
    call.await?;
    Ok(started.elapsed())
}
