//! Memory per open stream: the server's resident memory before opening many slow answers
//! and once every one of them has streamed its first delta, over the number of streams.
//!
//! The streams keep being read while open (as a browser would), so nothing piles up in
//! socket buffers; closing them stops the answers upstream, which the provider's open-stream
//! count confirms before the bench moves on.

use crate::{probe::Probe, provider::TestProvider, workspace::Workspace};
use anyhow::{bail, Context, Result};
use futures_util::future::try_join_all;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch, Semaphore};

pub const STREAMS: usize = 200;
/// 600 words 100 ms apart: each answer lasts a minute, longer than opening them all takes.
const MESSAGE: &str = "memory /slow:100 /words:600";
/// Sends in flight at once while opening (the measurement is of open streams, not of a
/// thundering herd of sends).
const OPENING: usize = 25;
const OPEN_TIMEOUT: Duration = Duration::from_secs(50);

pub struct Figures {
    pub before_kib: u64,
    pub open_kib: u64,
    pub after_close_kib: u64,
    pub open_time: Duration,
}

impl Figures {
    pub fn kib_per_stream(&self) -> f64 {
        (self.open_kib as f64 - self.before_kib as f64) / STREAMS as f64
    }
}

/// Opens [`STREAMS`] answers, measures, and closes them.
///
/// # Errors
/// A stream that fails or ends before the measurement; opening that takes too long.
pub async fn measure(
    workspace: &Workspace,
    provider: &TestProvider,
    probe: &Probe,
) -> Result<Figures> {
    let chats = workspace.new_chats(STREAMS).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before_kib = probe.rss_kib()?;

    let opening = Semaphore::new(OPENING);
    let (opened_tx, mut opened_rx) = mpsc::channel::<()>(STREAMS);
    let (close_tx, close_rx) = watch::channel(false);
    let started = Instant::now();
    let streams = try_join_all(chats.iter().map(|chat| {
        let (opening, opened, mut close) = (&opening, opened_tx.clone(), close_rx.clone());
        async move {
            let permit = opening.acquire().await.context("opening streams")?;
            let mut answer = workspace.stream(chat, MESSAGE).await?;
            if !answer.next_delta().await? {
                bail!("a slow answer ended before its first delta");
            }
            drop(permit);
            let _ = opened.send(()).await;
            tokio::select! {
                _ = close.wait_for(|&closed| closed) => Ok(()),
                result = answer.finish() => match result {
                    Ok(()) => bail!("a stream ended before all {STREAMS} were open"),
                    Err(e) => Err(e),
                },
            }
        }
    }));
    let measurement = async {
        let all_open = async {
            for _ in 0..STREAMS {
                opened_rx
                    .recv()
                    .await
                    .context("the streams stopped reporting")?;
            }
            anyhow::Ok(())
        };
        tokio::time::timeout(OPEN_TIMEOUT, all_open)
            .await
            .with_context(|| {
                format!(
                    "{STREAMS} streams were not all open after {} s",
                    OPEN_TIMEOUT.as_secs()
                )
            })??;
        let open_time = started.elapsed();
        let open_kib = probe.rss_kib()?;
        close_tx.send_replace(true);
        anyhow::Ok((open_kib, open_time))
    };
    let (_, (open_kib, open_time)) = tokio::try_join!(streams, measurement)?;

    wait_for_upstream_to_close(provider).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after_close_kib = probe.rss_kib()?;
    provider.clear_requests().await?;
    Ok(Figures {
        before_kib,
        open_kib,
        after_close_kib,
        open_time,
    })
}

/// Waits until Parley has hung up on every provider stream (closing a client stream stops
/// its answer upstream).
async fn wait_for_upstream_to_close(provider: &TestProvider) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let open = provider.open_streams().await?;
        if open == 0 {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("{open} provider streams were still open 30 s after the clients closed theirs");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
