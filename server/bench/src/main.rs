//! `parley-bench`: start-up to `/readyz` (fresh SQLite database, migrations included) and
//! resident memory, measured on the real release binary as separate processes.
//!
//! Usage: `parley-bench <path/to/parley> [runs]`. Prints a Markdown table.

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(binary) = args.next() else {
        eprintln!("usage: parley-bench <path/to/parley> [runs]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(10);

    let mut startups = Vec::new();
    let mut idle_rss = Vec::new();
    let mut warm_rss = Vec::new();
    for _ in 0..runs {
        let dir = match tempfile::tempdir() {
            Ok(d) => d,
            Err(e) => fail(&format!("temp dir: {e}")),
        };
        let port = free_port();
        let started = Instant::now();
        let mut child = spawn(&binary, dir.path(), port);
        wait_ready(port, &mut child);
        startups.push(started.elapsed());
        std::thread::sleep(Duration::from_secs(2));
        idle_rss.push(rss_kib(child.id()));
        for _ in 0..50 {
            let _ = get(port, "/");
            let _ = get(port, "/status");
        }
        std::thread::sleep(Duration::from_millis(500));
        warm_rss.push(rss_kib(child.id()));
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let _ = child.wait();
    }

    let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
    let mut startup_ms: Vec<f64> = startups.iter().map(ms).collect();
    let mib = |v: &Vec<u64>| v.iter().map(|k| *k as f64 / 1024.0).collect::<Vec<_>>();
    println!("| figure ({runs} runs) | median | p90 |");
    println!("|---|---|---|");
    row(
        "start to /readyz 200, fresh SQLite + migrations (ms)",
        &mut startup_ms,
    );
    row("idle RSS 2 s after ready (MiB)", &mut mib(&idle_rss));
    row("RSS after 100 page renders (MiB)", &mut mib(&warm_rss));
}

fn row(label: &str, values: &mut [f64]) {
    values.sort_by(f64::total_cmp);
    let pick = |q: f64| values[((values.len() as f64 - 1.0) * q).round() as usize];
    println!("| {label} | {:.1} | {:.1} |", pick(0.5), pick(0.9));
}

fn fail(msg: &str) -> ! {
    eprintln!("parley-bench: {msg}");
    std::process::exit(1);
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| fail(&format!("no free port: {e}")))
}

fn spawn(binary: &str, data: &Path, port: u16) -> Child {
    Command::new(binary)
        .arg("serve")
        .env("PARLEY_BIND", format!("127.0.0.1:{port}"))
        .env("PARLEY_DATA_DIR", data)
        .env(
            "PARLEY_DATABASE_URL",
            format!("sqlite://{}/parley.db", data.display()),
        )
        .env("PARLEY_ADMIN_PASSWORD", "bench-admin-password")
        .env("PARLEY_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| fail(&format!("cannot start {binary}: {e}")))
}

fn wait_ready(port: u16, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if get(port, "/readyz").is_some_and(|status| status == 200) {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            fail(&format!("parley exited early: {status}"));
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    fail("parley did not become ready in 30 s");
}

/// A minimal HTTP/1.1 GET; returns the status code.
fn get(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.split_whitespace().nth(1)?.parse().ok()
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}
