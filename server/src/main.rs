//! The `parley` command: serve (default), schema migrations, key generation.

use anyhow::Context;
use app::backend::{crypto::master_key::MasterKey, services::migrations};
use clap::{Parser, Subcommand};
use server::config::{Config, Sources};
use std::process::ExitCode;

/// jemalloc instead of glibc's malloc, whose many per-thread arenas each keep what bursts of
/// requests freed: after the streaming benchmark's bursts the server holds ~42 MiB instead
/// of ~72 MiB (README, "Benchmarks"). It also serves the C code's `malloc` (the feature
/// `unprefixed_malloc_on_supported_platforms`): SQLite allocates and frees its page buffers
/// at every statement, and glibc's consolidation of them took a quarter of the time of
/// sqlx's SQLite threads under the benchmark's bursts.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(
    name = "parley",
    version,
    about = "Parley, the multi-tenant AI workspace"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server (the default).
    Serve,
    /// Manage the database schema.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Print a new random master key for PARLEY_MASTER_KEY.
    GenerateMasterKey,
    /// Re-seal stored secrets under the current master key (after rotating it: the old key
    /// goes in PARLEY_PREVIOUS_MASTER_KEYS until this has run).
    RotateKeys,
}

#[derive(Subcommand)]
enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Roll back the last migration (or `--steps N`, or `--all`).
    Down {
        #[arg(long, default_value_t = 1, conflicts_with = "all")]
        steps: u32,
        #[arg(long)]
        all: bool,
    },
    /// List migrations and whether each is applied.
    Status,
}

fn main() -> ExitCode {
    // Choose the TLS provider explicitly: with several in the tree, rustls refuses to guess.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = Cli::parse();
    if let Some(Command::GenerateMasterKey) = cli.command {
        println!("{}", MasterKey::generate().to_base64());
        return ExitCode::SUCCESS;
    }
    let config = match Sources::from_process().and_then(|s| Config::load(&s)) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::from(2);
        }
    };
    server::telemetry::init(&config.log, config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            None | Some(Command::Serve) => server::serve::run(config).await,
            Some(Command::Migrate { action }) => migrate(config, action).await,
            Some(Command::RotateKeys) => rotate_keys(config).await,
            Some(Command::GenerateMasterKey) => Ok(()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = format!("{err:#}"), "parley stopped with an error");
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn rotate_keys(config: Config) -> anyhow::Result<()> {
    let state = server::serve::open_state(&config).await?;
    let report = app::backend::services::key_rotation::rotate(&state)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("rotate keys")?;
    println!(
        "{} secrets checked, {} re-sealed under the current master key, {} unreadable",
        report.checked, report.resealed, report.unreadable
    );
    if report.unreadable > 0 {
        anyhow::bail!(
            "some secrets open with no configured master key; they were left as they are"
        );
    }
    Ok(())
}

async fn migrate(config: Config, action: MigrateAction) -> anyhow::Result<()> {
    let owner = server::serve::open_owner(&config).await?;
    let fail = |e: app::backend::error::DomainError| anyhow::anyhow!("{e}");
    match action {
        MigrateAction::Up => migrations::up(&owner)
            .await
            .map_err(fail)
            .context("migrate up")?,
        MigrateAction::Down { steps, all } => migrations::down(&owner, (!all).then_some(steps))
            .await
            .map_err(fail)
            .context("migrate down")?,
        MigrateAction::Status => {}
    }
    for m in migrations::status(&owner).await.map_err(fail)? {
        println!(
            "{}  {}",
            if m.applied { "applied" } else { "pending" },
            m.name
        );
    }
    owner.close().await.ok();
    Ok(())
}
