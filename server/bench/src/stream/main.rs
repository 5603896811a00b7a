//! `parley-stream-bench`: chat streaming measured on the real release binaries as separate
//! processes — Parley with a fresh SQLite database, and `parley-test-provider` as its AI
//! provider on loopback. Everything goes through the public REST API.
//!
//! Usage: `parley-stream-bench <path/to/parley> <path/to/parley-test-provider>`.
//! Prints Markdown tables on stdout and progress on stderr. Both processes are stopped when
//! the bench ends, fails or is interrupted.

mod api;
mod chat_stream;
mod cpu;
mod history;
mod memory;
mod parley;
mod probe;
mod process;
mod provider;
mod report;
mod sse;
mod stats;
mod ttft;
mod workspace;

use anyhow::{anyhow, Context, Result};
use parley::Parley;
use probe::Probe;
use provider::TestProvider;
use report::Report;
use std::{path::PathBuf, process::ExitCode, time::Duration};
use workspace::Workspace;

const USAGE: &str = "usage: parley-stream-bench <path/to/parley> <path/to/parley-test-provider>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [parley, provider] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    // One thread: the client stays out of the way of the two servers it measures (the bench
    // machine has two cores), and every figure is taken from the server's side or compared
    // with a baseline taken under the same conditions.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("parley-stream-bench: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(PathBuf::from(parley), PathBuf::from(provider)));
    match result {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("parley-stream-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(parley: PathBuf, provider: PathBuf) -> Result<Report> {
    let http = reqwest::Client::builder()
        // Loopback only: a proxy from the environment must not be used.
        .no_proxy()
        .connect_timeout(Duration::from_secs(10))
        // Per read: slow answers send a chunk every 100 ms.
        .read_timeout(Duration::from_secs(60))
        .build()
        .context("building the HTTP client")?;
    step("starting the test provider and Parley");
    let mut provider = TestProvider::start(&provider, &http).await?;
    let mut server = Parley::start(&parley, &http).await?;
    let probe = Probe::new(server.pid());
    // On Ctrl-C or TERM the measurement is abandoned and `run` returns, which drops the
    // guards above and so stops both processes.
    let measured = tokio::select! {
        result = measure(&http, &server, &provider, &probe) => result,
        signal = stop_requested() => Err(anyhow!("stopped by {signal}")),
    };
    measured
        .and_then(|report| provider.check_running().map(|()| report))
        .map_err(|e| server.explain(e))
}

async fn measure(
    http: &reqwest::Client,
    server: &Parley,
    provider: &TestProvider,
    probe: &Probe,
) -> Result<Report> {
    step("setting up a user, tenant, API token and provider through the REST API");
    let workspace = Workspace::set_up(http, server.origin(), provider).await?;

    step("time to first token (also warms the server up)");
    let ttft = ttft::measure(&workspace, provider).await?;

    step(&format!("memory with {} open streams", memory::STREAMS));
    let memory = memory::measure(&workspace, provider, probe).await?;
    eprintln!("  all open after {:.1} s", memory.open_time.as_secs_f64());

    step("server CPU per chunk and per request");
    let cpu = cpu::measure(&workspace, provider, probe).await?;
    for (name, batch) in [("one-word", &cpu.short), ("long", &cpu.long)] {
        eprintln!(
            "  {name}: {} requests, {} chunks in {} deltas, {:.2} s CPU in {:.1} s",
            batch.requests,
            batch.chunks,
            batch.deltas,
            batch.cpu.as_secs_f64(),
            batch.wall.as_secs_f64()
        );
    }

    step(&format!(
        "long chats ({} messages, filled through the API)",
        history::SIZES.map(|s| s.to_string()).join(" and ")
    ));
    let history = history::measure(&workspace, provider).await?;

    Ok(Report {
        ttft,
        cpu,
        memory,
        history,
    })
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM, naming which.
async fn stop_requested() -> &'static str {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            // Without a handler TERM ends the bench as before; only Ctrl-C is caught then.
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "Ctrl-C",
        () = term => "SIGTERM",
    }
}

fn step(what: &str) {
    eprintln!("==> {what}");
}
