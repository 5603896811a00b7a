//! The real `parley` binary as a child process, and a tiny HTTP/1.1 client for it (plain
//! TCP, `Connection: close`), for tests of what only a process shows: start-up, signals,
//! `kill -9`, subcommands.

use parley_test_provider::Handle;
use serde_json::{json, Value};
use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// `parley` with an empty environment (only `PATH`), so the host's settings never leak in.
pub fn parley() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_parley"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdin(Stdio::null());
    cmd
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// An HTTP answer.
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("{e}: status {}, body {}", self.status, self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        let prefix = format!("{}: ", name.to_ascii_lowercase());
        self.head.lines().find_map(|l| {
            l.to_ascii_lowercase()
                .starts_with(&prefix)
                .then(|| l[prefix.len()..].trim())
        })
    }
}

pub struct Running {
    pub child: Child,
    pub port: u16,
}

impl Running {
    /// Starts `parley serve` on a SQLite file in `data` and waits until it is ready.
    pub fn start(data: &Path, extra: &[(&str, &str)]) -> Self {
        Self::start_on(free_port(), data, extra)
    }

    pub fn start_on(port: u16, data: &Path, extra: &[(&str, &str)]) -> Self {
        let mut cmd = parley();
        cmd.env("PARLEY_BIND", format!("127.0.0.1:{port}"))
            .env("PARLEY_DATA_DIR", data)
            .env(
                "PARLEY_DATABASE_URL",
                format!("sqlite://{}/parley.db", data.display()),
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in extra {
            cmd.env(k, v);
        }
        let child = cmd.arg("serve").spawn().unwrap();
        let running = Self { child, port };
        running.wait_ready();
        running
    }

    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Sends a request and reads the whole answer.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&serde_json::Value>,
    ) -> Reply {
        let mut stream = self.send(method, path, headers, body);
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        parse_reply(&raw)
    }

    /// Sends a request and returns the connection, for reading a stream as it comes.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&serde_json::Value>,
    ) -> TcpStream {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nOrigin: {}\r\n",
            self.port,
            self.origin()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if !body.is_empty() {
            head.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body.as_bytes()).unwrap();
        stream
    }

    pub fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[], None)
    }

    pub fn wait_ready(&self) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok()
                && self.get("/readyz").status == 200
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("parley did not become ready");
    }

    /// SIGTERM, then waits: exit status, stdout, stderr, time to exit.
    pub fn terminate(mut self) -> (std::process::ExitStatus, String, String, Duration) {
        let started = Instant::now();
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let status = self.child.wait().unwrap();
        let elapsed = started.elapsed();
        let (stdout, stderr) = self.output();
        (status, stdout, stderr, elapsed)
    }

    /// SIGKILL: no chance to clean up, as in a crash or an OOM kill.
    pub fn kill9(mut self) -> String {
        Command::new("kill")
            .args(["-KILL", &self.child.id().to_string()])
            .status()
            .unwrap();
        self.child.wait().unwrap();
        self.output().1
    }

    fn output(&mut self) -> (String, String) {
        let mut stdout = String::new();
        let mut stderr = String::new();
        if let Some(mut out) = self.child.stdout.take() {
            out.read_to_string(&mut stdout).unwrap();
        }
        if let Some(mut err) = self.child.stderr.take() {
            err.read_to_string(&mut stderr).unwrap();
        }
        (stdout, stderr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn parse_reply(raw: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    Reply {
        status,
        head: head.to_string(),
        body,
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || rest.len() < size {
            out.push_str(rest.get(..size.min(rest.len())).unwrap_or_default());
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}

const PASSWORD: &str = "violet kettle drums 42";

/// A signed-in owner of `slug` with the test provider as its model; returns the cookie.
pub fn owner_with_provider(server: &Running, provider: &Handle, slug: &str, key: &str) -> String {
    let register = server.request(
        "POST",
        "/api/v1/auth/register",
        &[],
        Some(&json!({ "email": "kim@example.com", "password": PASSWORD, "name": "Kim" })),
    );
    assert!(register.status < 300, "{}", register.body);
    let login = server.request(
        "POST",
        "/api/v1/auth/login",
        &[],
        Some(&json!({ "email": "kim@example.com", "password": PASSWORD })),
    );
    let cookie = session_cookie(&login);
    let call = |method: &str, path: &str, body: Value| -> Reply {
        server.request(method, path, &[("Cookie", &cookie)], Some(&body))
    };
    let tenant = call(
        "POST",
        "/api/v1/tenants",
        json!({ "slug": slug, "name": "Crash Co" }),
    );
    assert_eq!(tenant.status, 201, "{}", tenant.body);
    let created = call(
        "POST",
        &format!("/api/v1/tenants/{slug}/providers"),
        json!({ "name": "Test", "kind": "openai_compatible", "base_url": provider.base_url(), "api_key": key }),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_string();
    let tested = call(
        "POST",
        &format!("/api/v1/tenants/{slug}/providers/{id}/test"),
        json!({}),
    );
    assert_eq!(tested.json()["ok"], true, "{}", tested.body);
    cookie
}

/// `name=value` of the session cookie an answer sets.
pub fn session_cookie(reply: &Reply) -> String {
    reply
        .head
        .lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .find_map(|l| {
            let value = l.split_once(':')?.1.trim();
            value
                .contains("parley_session=")
                .then(|| value.split(';').next().unwrap_or_default().to_string())
        })
        .unwrap_or_else(|| panic!("no session cookie: {}", reply.head))
}
