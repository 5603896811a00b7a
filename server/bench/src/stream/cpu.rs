//! Server CPU per streamed chunk and per request: the Parley process's user + system time
//! over a batch of streamed answers, read from the kernel before and after.
//!
//! Two batches of the same number of requests: one-word answers give the fixed cost of a
//! request (auth, storing the question and the answer, calling the provider), long answers
//! the cost of streaming; their difference over the difference in chunks is the marginal
//! cost of one chunk.

use crate::{probe::Probe, provider::TestProvider, workspace::Workspace};
use anyhow::Result;
use futures_util::future::try_join_all;
use std::time::{Duration, Instant};

pub const REQUESTS: usize = 200;
pub const WORDS: usize = 200;
/// Chats streaming at the same time; each sends its share of the requests in turn.
const PARALLEL: usize = 10;

/// One batch: CPU the server used, and what it streamed.
pub struct Batch {
    pub cpu: Duration,
    pub chunks: usize,
    /// `delta` events those chunks arrived in (Parley may merge chunks).
    pub deltas: usize,
    pub requests: usize,
    pub wall: Duration,
}

pub struct Figures {
    /// `/words:1` answers.
    pub short: Batch,
    /// `/words:WORDS` answers.
    pub long: Batch,
}

impl Figures {
    /// All server CPU of the long batch over its chunks, in µs.
    pub fn us_per_chunk(&self) -> f64 {
        self.long.cpu.as_secs_f64() * 1e6 / self.long.chunks.max(1) as f64
    }

    /// What one more chunk costs: the long batch minus the short one, in µs.
    pub fn marginal_us_per_chunk(&self) -> f64 {
        let cpu = self.long.cpu.as_secs_f64() - self.short.cpu.as_secs_f64();
        let chunks = self.long.chunks.saturating_sub(self.short.chunks).max(1);
        cpu * 1e6 / chunks as f64
    }

    /// The short batch's CPU per request, in ms.
    pub fn ms_per_request(&self) -> f64 {
        self.short.cpu.as_secs_f64() * 1e3 / self.short.requests.max(1) as f64
    }
}

/// Runs both batches.
///
/// # Errors
/// The first answer that fails; the server process vanishing.
pub async fn measure(
    workspace: &Workspace,
    provider: &TestProvider,
    probe: &Probe,
) -> Result<Figures> {
    let chats = workspace.new_chats(PARALLEL).await?;
    eprintln!("  {REQUESTS} answers of 1 word");
    let short = batch(workspace, probe, &chats, 1).await?;
    provider.clear_requests().await?;
    eprintln!("  {REQUESTS} answers of {WORDS} words");
    let long = batch(workspace, probe, &chats, WORDS).await?;
    provider.clear_requests().await?;
    Ok(Figures { short, long })
}

async fn batch(
    workspace: &Workspace,
    probe: &Probe,
    chats: &[String],
    words: usize,
) -> Result<Batch> {
    let message = format!("cpu /words:{words}");
    let per_chat = REQUESTS / chats.len();
    // Let the previous batch's last writes finish before counting.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = probe.cpu()?;
    let started = Instant::now();
    let counts = try_join_all(chats.iter().map(|chat| async {
        let (mut chunks, mut deltas) = (0, 0);
        for _ in 0..per_chat {
            let mut answer = workspace.stream(chat, &message).await?;
            answer.finish().await?;
            chunks += answer.chunks();
            deltas += answer.deltas();
        }
        anyhow::Ok((chunks, deltas))
    }))
    .await?;
    let wall = started.elapsed();
    let cpu = probe.cpu()?.saturating_sub(before);
    Ok(Batch {
        cpu,
        chunks: counts.iter().map(|c| c.0).sum(),
        deltas: counts.iter().map(|c| c.1).sum(),
        requests: per_chat * chats.len(),
        wall,
    })
}
