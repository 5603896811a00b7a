//! Added time to first token: from sending a message to the first `delta` through Parley,
//! against the same answer streamed straight from the provider, alone and in bursts of
//! concurrent streams (one chat each: a chat streams one answer at a time).
//!
//! Direct and Parley rounds alternate, so both see the same machine; the first round of each
//! level is a warm-up (it opens the connections) and is not counted.

use crate::{provider::TestProvider, stats::Percentiles, workspace::Workspace};
use anyhow::Result;
use futures_util::future::try_join_all;
use std::time::{Duration, Instant};

/// A short answer: the first token is what is measured, the rest only has to finish.
const MESSAGE: &str = "first token please /words:20";

/// (concurrent streams, counted rounds). A burst's p90 depends on what else the machine
/// was doing in each round, so bursts are repeated over several rounds too.
pub const LEVELS: [(usize, usize); 3] = [(1, 30), (20, 10), (50, 6)];

pub struct Level {
    pub streams: usize,
    pub direct: Percentiles,
    pub parley: Percentiles,
    pub samples: usize,
}

impl Level {
    pub fn added(&self) -> Percentiles {
        self.parley.minus(self.direct)
    }
}

/// Measures every level of [`LEVELS`].
///
/// # Errors
/// The first stream that fails.
pub async fn measure(workspace: &Workspace, provider: &TestProvider) -> Result<Vec<Level>> {
    let most = LEVELS
        .iter()
        .map(|&(streams, _)| streams)
        .max()
        .unwrap_or(1);
    let chats = workspace.new_chats(most).await?;
    let mut levels = Vec::new();
    for (streams, rounds) in LEVELS {
        eprintln!("  {streams} concurrent stream(s), {rounds} rounds");
        let chats = &chats[..streams];
        let (mut direct, mut parley) = (Vec::new(), Vec::new());
        for round in 0..=rounds {
            let d = try_join_all((0..streams).map(|_| provider.first_token(MESSAGE))).await?;
            let p = try_join_all(chats.iter().map(|chat| via_parley(workspace, chat))).await?;
            if round > 0 {
                direct.extend(d);
                parley.extend(p);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        levels.push(Level {
            streams,
            direct: Percentiles::of_ms(&direct),
            parley: Percentiles::of_ms(&parley),
            samples: parley.len(),
        });
        provider.clear_requests().await?;
    }
    Ok(levels)
}

/// Time to the first `delta` of an answer in `chat`; reads the answer to its end.
async fn via_parley(workspace: &Workspace, chat: &str) -> Result<Duration> {
    let started = Instant::now();
    let mut answer = workspace.stream(chat, MESSAGE).await?;
    anyhow::ensure!(answer.next_delta().await?, "the answer had no text");
    let first = started.elapsed();
    answer.finish().await?;
    Ok(first)
}
