//! The `parley` binary as an operator runs it: configuration errors, first-run
//! administrator, request ids in JSON logs, graceful shutdown on SIGTERM.

use crate::support::binary::{parley, Running};
use std::{
    io::{BufRead, BufReader},
    time::Duration,
};

#[test]
fn a_bad_setting_stops_start_up_naming_the_variable() {
    let out = parley()
        .env("PARLEY_BIND", "not-an-address")
        .arg("serve")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("PARLEY_BIND"), "{stderr}");
    assert!(
        stderr.contains("127.0.0.1:3000"),
        "says what a good value looks like: {stderr}"
    );

    let out = parley()
        .env("PARLEY_DATABASE_URL", "mysql://x")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PARLEY_DATABASE_URL"));
}

#[test]
fn first_run_prints_a_one_time_password_once_and_shuts_down_cleanly() {
    let data = tempfile::tempdir().unwrap();
    let first = Running::start(data.path(), &[]);
    let (status, _, stderr, elapsed) = first.terminate();
    assert!(status.success(), "exit status {status:?}");
    assert!(
        elapsed < Duration::from_secs(10),
        "shutdown took {elapsed:?}"
    );
    assert!(stderr.contains("First administrator created"), "{stderr}");
    assert!(stderr.contains("admin@localhost"));
    let password_line = stderr.lines().find(|l| l.contains("password:")).unwrap();
    let password = password_line.split_whitespace().last().unwrap();
    assert_eq!(password.len(), 20);
    assert!(
        data.path().join("master.key").exists(),
        "development key generated"
    );

    let second = Running::start(data.path(), &[]);
    let (status, stdout, stderr, _) = second.terminate();
    assert!(status.success());
    assert!(
        !stderr.contains("password:"),
        "printed only on the first run"
    );
    assert!(!stdout.contains(password) && !stderr.contains(password));
}

#[test]
fn json_logs_carry_the_request_id_and_never_the_admin_password() {
    let data = tempfile::tempdir().unwrap();
    let secret = "canary-admin-password-4711";
    let running = Running::start(
        data.path(),
        &[
            ("PARLEY_LOG_FORMAT", "json"),
            ("PARLEY_ADMIN_PASSWORD", secret),
            ("PARLEY_ADMIN_EMAIL", "Ops@Example.com"),
        ],
    );
    let health = running.get("/healthz");
    assert_eq!(health.status, 200);
    let request_id = health
        .header("x-request-id")
        .unwrap_or_default()
        .to_string();
    assert_eq!(request_id.len(), 36);
    let (_, stdout, stderr, _) = running.terminate();
    assert!(!stdout.contains(secret) && !stderr.contains(secret));
    let lines: Vec<serde_json::Value> = BufReader::new(stdout.as_bytes())
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str(&l).ok())
        .collect();
    assert!(!lines.is_empty(), "logs are JSON");
    let for_request: Vec<_> = lines
        .iter()
        .filter(|l| l["span"]["request_id"] == request_id.as_str())
        .collect();
    assert!(
        !for_request.is_empty(),
        "a log line names request {request_id}"
    );
    assert!(for_request.iter().any(|l| l["status"] == 200));
    assert!(
        lines.iter().any(|l| l["email"] == "ops@example.com"),
        "admin created from the environment"
    );
}

#[test]
fn migrate_subcommand_reports_and_rolls_back() {
    let data = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/parley.db", data.path().display());
    let run = |args: &[&str]| {
        let out = parley()
            .env("PARLEY_DATA_DIR", data.path())
            .env("PARLEY_DATABASE_URL", &url)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let status = run(&["migrate", "status"]);
    assert!(
        status.contains("pending  m20261122_000001_create_users"),
        "{status}"
    );
    let up = run(&["migrate", "up"]);
    assert!(
        up.contains("applied  m20261122_000003_row_level_security"),
        "{up}"
    );
    let one_down = run(&["migrate", "down"]);
    assert!(
        one_down.contains("applied  m20261122_000003_row_level_security"),
        "{one_down}"
    );
    let last = {
        use migration::MigratorTrait;
        migration::Migrator::migrations()
            .last()
            .map(|m| m.name().to_owned())
            .unwrap()
    };
    assert!(one_down.contains(&format!("pending  {last}")), "{one_down}");
    let all_down = run(&["migrate", "down", "--all"]);
    assert!(
        !all_down.lines().any(|l| l.starts_with("applied ")),
        "{all_down}"
    );
}
