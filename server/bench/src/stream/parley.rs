//! The Parley server under test: the release binary on a free port with a fresh SQLite
//! database, allowed to call the test provider on loopback, stopped when dropped.

use crate::process::{free_port, Process};
use anyhow::{Context, Result};
use std::{path::Path, process::Command, time::Duration};

pub struct Parley {
    process: Process,
    /// `http://127.0.0.1:PORT`, also its `PARLEY_PUBLIC_URL`.
    origin: String,
    // Declared after `process`: the directory goes once the server has stopped.
    _dir: tempfile::TempDir,
}

impl Parley {
    /// Starts `binary serve` and waits for `/readyz`.
    ///
    /// # Errors
    /// When it cannot be started or does not become ready (the error quotes its log).
    pub async fn start(binary: &Path, http: &reqwest::Client) -> Result<Self> {
        let dir = tempfile::tempdir().context("creating a data directory for Parley")?;
        let port = free_port()?;
        let origin = format!("http://127.0.0.1:{port}");
        let mut command = Command::new(binary);
        // Only the settings below: a PARLEY_* variable of the caller's shell (a PostgreSQL
        // URL, invite-only sign-up…) would change what is measured or break the set-up.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("PARLEY_") {
                command.env_remove(name);
            }
        }
        command
            .arg("serve")
            .env("PARLEY_BIND", format!("127.0.0.1:{port}"))
            .env("PARLEY_PUBLIC_URL", &origin)
            .env("PARLEY_DATA_DIR", dir.path())
            .env(
                "PARLEY_DATABASE_URL",
                format!("sqlite://{}/parley.db", dir.path().display()),
            )
            .env("PARLEY_ADMIN_PASSWORD", "bench-admin-password")
            .env("PARLEY_LOG", "warn")
            // The test provider listens on loopback, which the SSRF guard refuses unless allowed.
            .env("PARLEY_ALLOW_PRIVATE_PROVIDER_HOSTS", "127.0.0.1");
        let mut process = Process::spawn("parley", command, &dir.path().join("server.log"))?;
        let readyz = format!("{origin}/readyz");
        process
            .wait_until(Duration::from_secs(60), || async {
                http.get(&readyz)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
            })
            .await?;
        Ok(Self {
            process,
            origin,
            _dir: dir,
        })
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// Adds to `error` whether the server is still running and the end of its log.
    pub fn explain(&mut self, error: anyhow::Error) -> anyhow::Error {
        match self.process.check_running() {
            Err(exited) => error.context(format!("{exited:#}")),
            Ok(()) => match self.process.log_tail(20) {
                tail if tail.trim().is_empty() => error,
                tail => error.context(format!("parley is running; the end of its log:\n{tail}")),
            },
        }
    }
}
