//! End-to-end checks of the guarded client against local sockets and a fake DNS. Each guard
//! test has a positive control showing the same setup DOES connect when the guard allows
//! it, so a broken guard would fail the test rather than pass it by accident.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::dns::{Name, Resolve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Host;

use crate::resolve::GuardedResolver;
use crate::{refuse_redirect, refused_in, Lookup, LookupFuture, Policy, Refused};

const QUIET: Duration = Duration::from_millis(300);

struct FakeDns(HashMap<&'static str, Vec<IpAddr>>);

impl FakeDns {
    fn new(entries: &[(&'static str, &[&str])]) -> Arc<Self> {
        Arc::new(Self(
            entries
                .iter()
                .map(|(name, ips)| (*name, ips.iter().map(|ip| ip.parse().unwrap()).collect()))
                .collect(),
        ))
    }
}

impl Lookup for FakeDns {
    fn lookup<'a>(&'a self, host: &'a str) -> LookupFuture<'a> {
        let found = self.0.get(host).cloned();
        Box::pin(async move { found.ok_or_else(|| io::Error::from(io::ErrorKind::NotFound)) })
    }
}

/// A server on `ip` that answers every connection with `response` and counts connections.
async fn serve(ip: &str, response: &'static str) -> (u16, Arc<AtomicUsize>) {
    serve_with(ip, move |mut stream| async move {
        read_request(&mut stream).await;
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await
}

async fn serve_with<F, Fut>(ip: &str, handle: F) -> (u16, Arc<AtomicUsize>)
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind((ip, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&count);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(handle(stream));
        }
    });
    (port, count)
}

async fn read_request(stream: &mut TcpStream) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 * 1024 {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

fn ok_body(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn short(policy: Policy) -> Policy {
    policy.with_timeouts(Duration::from_millis(500), Duration::from_secs(2))
}

#[test]
fn check_url_refuses_what_security_md_lists() {
    let policy = Policy::default();
    for (url, code) in [
        ("http://169.254.169.254/", "ssrf_refused"),
        ("https://169.254.169.254/latest/meta-data/", "ssrf_refused"),
        ("http://[::ffff:169.254.169.254]/", "ssrf_refused"),
        ("http://2130706433/", "ssrf_refused"),
        ("http://0x7f.1/", "ssrf_refused"),
        ("https://127.0.0.1/", "ssrf_refused"),
        ("https://[::1]:8080/", "ssrf_refused"),
        ("https://10.0.0.5/v1", "ssrf_refused"),
        ("https://[fd00:ec2::254]/", "ssrf_refused"),
        ("https://[2002:a9fe:a9fe::]/", "ssrf_refused"),
        ("https://user:pw@example.com/", "invalid_url"),
        ("https://user@example.com/", "invalid_url"),
        ("ftp://x", "invalid_url"),
        ("file:///etc/passwd", "invalid_url"),
        ("api.openai.com/v1", "invalid_url"),
        ("http://api.openai.com/v1", "insecure_scheme"),
    ] {
        let refused = policy.check_url(url).expect_err(url);
        assert_eq!(refused.code(), code, "{url}: {refused}");
    }
    let metadata = policy.check_url("http://2130706433/").unwrap_err();
    assert!(
        metadata.to_string().contains("127.0.0.1: loopback"),
        "{metadata}"
    );
    assert!(matches!(
        policy.check_url("http://[::ffff:169.254.169.254]/"),
        Err(Refused::Forbidden {
            reason: "link-local (cloud metadata)",
            ..
        })
    ));
}

#[test]
fn check_url_accepts_public_https_and_allow_listed_http() {
    let public = Policy::default();
    let url = public.check_url(" https://api.openai.com/v1 ").unwrap();
    assert_eq!(url.as_str(), "https://api.openai.com/v1");
    assert!(public.check_url("https://8.8.8.8/").is_ok());
    assert!(public.check_url("https://[2606:4700::1]/").is_ok());

    let local = Policy::from_list("127.0.0.1, [::1] ,Ollama.Internal,");
    assert!(local.check_url("http://127.0.0.1:11434/v1").is_ok());
    assert!(local.check_url("http://[0:0::1]:11434/v1").is_ok());
    assert!(local.check_url("http://OLLAMA.internal/v1").is_ok());
    // WHATWG parsing: the decimal form IS 127.0.0.1, so the allow-list applies to it too.
    let decimal = local.check_url("http://2130706433/").unwrap();
    assert_eq!(
        decimal.host(),
        Some(Host::Ipv4("127.0.0.1".parse().unwrap()))
    );
    // Exact matching: neighbours of an allowed host stay refused.
    assert_eq!(
        local.check_url("http://127.0.0.2/").unwrap_err().code(),
        "ssrf_refused"
    );
    assert_eq!(
        local
            .check_url("http://localhost:11434/")
            .unwrap_err()
            .code(),
        "insecure_scheme"
    );
    assert_eq!(
        local
            .check_url("http://x.ollama.internal/")
            .unwrap_err()
            .code(),
        "insecure_scheme"
    );
}

#[test]
fn builds_a_client_with_ring_and_the_platform_verifier() {
    Policy::default().client().unwrap();
    Policy::from_list("localhost").client().unwrap();
}

#[tokio::test]
async fn resolver_refuses_when_any_address_is_forbidden() {
    let resolver = GuardedResolver {
        allowed: Arc::clone(&Policy::from_list("allowed.example").allowed),
        lookup: FakeDns::new(&[
            ("mixed.example", &["93.184.215.14", "10.0.0.5"]),
            ("allowed.example", &["10.0.0.5"]),
            ("public.example", &["93.184.215.14", "2606:4700::1"]),
            ("empty.example", &[]),
        ]),
    };
    let resolve = |name: &str| resolver.resolve(Name::from_str(name).unwrap());

    let err = resolve("mixed.example").await.err().unwrap();
    assert_eq!(refused_in(&*err).map(Refused::code), Some("ssrf_refused"));
    assert!(err.to_string().contains("10.0.0.5"), "{err}");

    let addrs: Vec<SocketAddr> = resolve("allowed.example").await.ok().unwrap().collect();
    assert_eq!(addrs, ["10.0.0.5:0".parse().unwrap()]);
    assert_eq!(resolve("public.example").await.ok().unwrap().count(), 2);

    let empty = resolve("empty.example").await.err().unwrap();
    assert_eq!(refused_in(&*empty).map(Refused::code), Some("dns_failed"));
    let unknown = resolve("unknown.example").await.err().unwrap();
    assert_eq!(refused_in(&*unknown).map(Refused::code), Some("dns_failed"));
}

#[tokio::test]
async fn a_name_resolving_to_a_private_address_is_refused_with_a_clear_message() {
    let dns = FakeDns::new(&[("internal.example", &["10.0.0.5"])]);
    let client = short(Policy::default()).client_with_lookup(dns).unwrap();
    let err = client
        .get("http://internal.example/v1/models")
        .send()
        .await
        .unwrap_err();
    let refused = refused_in(&err).unwrap_or_else(|| panic!("no Refused in {err:?}"));
    assert_eq!(refused.code(), "ssrf_refused");
    assert!(
        refused
            .to_string()
            .contains("internal.example resolves to 10.0.0.5: private network"),
        "{refused}"
    );
}

#[tokio::test]
async fn nothing_is_sent_to_a_forbidden_address_but_an_allow_listed_name_connects() {
    let (port, connections) = serve("127.0.0.1", leak(ok_body("ok"))).await;
    let dns = FakeDns::new(&[
        ("evil.example", &["127.0.0.1"]),
        ("ollama.internal", &["127.0.0.1"]),
    ]);
    let client = short(Policy::from_list("ollama.internal"))
        .client_with_lookup(dns)
        .unwrap();

    let err = client
        .get(format!("http://evil.example:{port}/"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused_in(&err).map(Refused::code), Some("ssrf_refused"));
    tokio::time::sleep(QUIET).await;
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "a packet reached the listener"
    );

    // Positive control: same listener, same fake DNS, allow-listed name.
    let answer = client
        .get(format!("http://ollama.internal:{port}/"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.text().await.unwrap(), "ok");
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn redirects_are_returned_not_followed() {
    let (target_port, target_hits) = serve("127.0.0.2", leak(ok_body("internal"))).await;
    let redirect = format!(
        "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.2:{target_port}/\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
    let (port, _) = serve("127.0.0.1", leak(redirect)).await;
    let url = format!("http://127.0.0.1:{port}/");

    let client = short(Policy::from_list("127.0.0.1")).client().unwrap();
    let answer = client.get(&url).send().await.unwrap();
    assert_eq!(answer.status(), reqwest::StatusCode::FOUND);
    let refused = refuse_redirect(&answer).unwrap_err();
    assert_eq!(refused.code(), "redirect_refused");
    assert!(refused.to_string().contains("127.0.0.2"), "{refused}");
    tokio::time::sleep(QUIET).await;
    assert_eq!(target_hits.load(Ordering::SeqCst), 0);

    // Positive control: reqwest's default policy follows the redirect to the second listener.
    let following = reqwest::Client::builder().no_proxy().build().unwrap();
    let followed = following.get(&url).send().await.unwrap();
    assert_eq!(followed.text().await.unwrap(), "internal");
    assert_eq!(target_hits.load(Ordering::SeqCst), 1);
    assert!(refuse_redirect(&client.get(&url).send().await.unwrap()).is_err());
}

#[tokio::test]
async fn read_timeout_fires_per_read_and_is_not_a_total_timeout() {
    let policy = Policy::from_list("127.0.0.1")
        .with_timeouts(Duration::from_millis(500), Duration::from_millis(300));
    let client = policy.client().unwrap();

    // Headers and 3 of 10 bytes, then silence.
    let (stalled, _) = serve_with("127.0.0.1", |mut stream| async move {
        read_request(&mut stream).await;
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
            .await;
        tokio::time::sleep(Duration::from_secs(10)).await;
    })
    .await;
    let started = Instant::now();
    let answer = client
        .get(format!("http://127.0.0.1:{stalled}/"))
        .send()
        .await
        .unwrap();
    let err = answer.bytes().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(3));

    // A slow but steady stream outlives the read timeout several times over.
    let (steady, _) = serve_with("127.0.0.1", |mut stream| async move {
        read_request(&mut stream).await;
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n")
            .await;
        for byte in b"0123456789" {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let _ = stream.write_all(&[*byte]).await;
        }
    })
    .await;
    let started = Instant::now();
    let body = client
        .get(format!("http://127.0.0.1:{steady}/"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&body[..], b"0123456789");
    assert!(started.elapsed() > Duration::from_millis(900));
}

const PROXY_CHILD: &str = "PARLEY_OUTBOUND_PROXY_CHILD";

/// Runs `proxy_child` in a child process with `HTTP_PROXY` set, so no test in this
/// process has to mutate its own environment.
#[tokio::test]
async fn system_proxy_variables_are_ignored() {
    let (proxy_port, _) = serve("127.0.0.1", leak(ok_body("proxy"))).await;
    let proxy = format!("http://127.0.0.1:{proxy_port}");
    let exe = std::env::current_exe().unwrap();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(exe)
            .args(["tests::proxy_child", "--exact", "--nocapture"])
            .env(PROXY_CHILD, "1")
            .env("HTTP_PROXY", &proxy)
            .env("http_proxy", &proxy)
            .env("ALL_PROXY", &proxy)
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .env_remove("REQUEST_METHOD")
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn proxy_child() {
    if std::env::var_os(PROXY_CHILD).is_none() {
        return; // only meaningful inside system_proxy_variables_are_ignored
    }
    let (port, _) = serve("127.0.0.1", leak(ok_body("direct"))).await;
    let url = format!("http://127.0.0.1:{port}/");
    let guarded = Policy::from_list("127.0.0.1").client().unwrap();
    assert_eq!(
        guarded
            .get(&url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "direct"
    );
    // Positive control: a default client in this environment goes through the proxy.
    let default = reqwest::Client::new();
    assert_eq!(
        default
            .get(&url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "proxy"
    );
}
