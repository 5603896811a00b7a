//! `parley-test-provider`: the fake provider as a process, for Playwright runs, benchmarks and
//! manual testing. Prints its URL once it accepts connections, so scripts can wait for it.

use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr};

use clap::Parser;
use parley_test_provider::{Handle, Options};

#[derive(Parser)]
#[command(version, about = "Fake OpenAI/Azure chat provider for Parley's tests")]
struct Cli {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    #[command(flatten)]
    options: Options,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let handle = Handle::start_on(
        SocketAddr::from((Ipv4Addr::LOCALHOST, cli.port)),
        cli.options,
    )
    .await?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "listening on {}", handle.azure_endpoint())?;
    stdout.flush()?;
    tokio::signal::ctrl_c().await?;
    drop(handle);
    Ok(())
}
