//! The HTTP client for every outbound call to a URL a tenant admin typed (AI provider base
//! URLs, OIDC issuers), guarded against SSRF: it reaches only public addresses, unless the
//! platform administrator allow-lists a host.
//!
//! Two checks, both needed:
//! - [`Policy::check_url`] validates the URL itself: `https` (plain `http` only for
//!   allow-listed hosts), no credentials, and IP-literal hosts — which hyper connects to
//!   without asking any resolver — must be public. **Run every tenant-given URL through it**
//!   before a request, not only when it is saved.
//! - [`Policy::client`] resolves host names with a resolver that refuses when any address
//!   is forbidden. reqwest connects to exactly the addresses it returns, so DNS rebinding
//!   cannot slip an internal address in after the check.
//!
//! The client follows no redirects (callers pass each response to [`refuse_redirect`]),
//! ignores `HTTP(S)_PROXY`, and has connect and per-read timeouts but no total timeout,
//! which would cut long streamed answers.

mod classify;
mod error;
mod resolve;
#[cfg(test)]
mod tests;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use url::{Host, Url};

pub use classify::classify;
pub use error::{refuse_redirect, refused_in, Refused};
pub use resolve::{Lookup, LookupFuture, SystemLookup};

/// The environment variable (read by the server's configuration) that lists hosts allowed
/// to use plain http and private addresses, e.g. `127.0.0.1,localhost,ollama.internal`.
pub const ALLOW_ENV: &str = "PARLEY_ALLOW_PRIVATE_PROVIDER_HOSTS";

const USER_AGENT: &str = concat!("parley/", env!("CARGO_PKG_VERSION"));

/// Which hosts may be reached and how patiently. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Policy {
    allowed: Arc<AllowList>,
    connect_timeout: Duration,
    read_timeout: Duration,
}

impl Default for Policy {
    /// No allow-listed hosts; 10 s to connect, 60 s per read.
    fn default() -> Self {
        Self::new(Vec::<String>::new())
    }
}

impl Policy {
    /// A policy whose allow-list is `allowed_private_hosts`: host names or IP addresses
    /// without port, matched exactly and case-insensitively (`[::1]` and `::1` are the same).
    pub fn new(allowed_private_hosts: impl IntoIterator<Item = impl Into<String>>) -> Self {
        let hosts = allowed_private_hosts
            .into_iter()
            .map(|h| normalise_host(&h.into()))
            .filter(|h| !h.is_empty())
            .collect();
        Self {
            allowed: Arc::new(AllowList(hosts)),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
        }
    }

    /// A policy from a comma-separated list, the format of [`ALLOW_ENV`]: `"127.0.0.1, localhost"`.
    #[must_use]
    pub fn from_list(csv: &str) -> Self {
        Self::new(csv.split(','))
    }

    /// Replaces the connect timeout (default 10 s) and the per-read timeout (default 60 s).
    #[must_use]
    pub fn with_timeouts(mut self, connect: Duration, read: Duration) -> Self {
        self.connect_timeout = connect;
        self.read_timeout = read;
        self
    }

    /// The longest silence allowed between two reads of an answer.
    pub fn read_timeout(&self) -> Duration {
        self.read_timeout
    }

    /// Validates a tenant-given URL and returns it parsed (WHATWG rules, so
    /// `http://2130706433/` is `127.0.0.1`).
    ///
    /// # Errors
    /// [`Refused`] when the URL does not parse, is not `http(s)`, uses `http` for a host
    /// that is not allow-listed, carries credentials, has no host, or names a forbidden IP.
    pub fn check_url(&self, input: &str) -> Result<Url, Refused> {
        let url = Url::parse(input.trim()).map_err(|e| Refused::InvalidUrl {
            detail: e.to_string(),
        })?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Refused::Credentials);
        }
        let Some(host) = url.host() else {
            return Err(Refused::InvalidUrl {
                detail: "it has no host".into(),
            });
        };
        let host_text = match host {
            Host::Domain(d) => d.to_owned(),
            Host::Ipv4(ip) => ip.to_string(),
            Host::Ipv6(ip) => ip.to_string(),
        };
        let allowed = self.allowed.contains(&host_text);
        // IP literals never reach the guarded resolver: hyper connects to them directly.
        // Checked before the scheme so the admin hears the real reason.
        let literal: Option<IpAddr> = match host {
            Host::Domain(_) => None,
            Host::Ipv4(ip) => Some(ip.into()),
            Host::Ipv6(ip) => Some(ip.into()),
        };
        if let (Some(ip), false) = (literal, allowed) {
            if let Some(reason) = classify(ip) {
                return Err(Refused::Forbidden {
                    host: host_text,
                    ip,
                    reason,
                });
            }
        }
        match url.scheme() {
            "https" => {}
            "http" if allowed => {}
            "http" => return Err(Refused::InsecureScheme { host: host_text }),
            other => {
                return Err(Refused::UnsupportedScheme {
                    scheme: other.into(),
                })
            }
        }
        Ok(url)
    }

    /// The guarded client: system DNS checked by this policy, no proxy, no redirects,
    /// connect and per-read timeouts, user agent `parley/<version>`.
    ///
    /// # Errors
    /// When reqwest cannot build the client (e.g. TLS roots fail to load).
    pub fn client(&self) -> Result<reqwest::Client, reqwest::Error> {
        self.client_with_lookup(Arc::new(SystemLookup))
    }

    /// [`Policy::client`] with another name lookup (tests use a fake DNS).
    ///
    /// # Errors
    /// When reqwest cannot build the client.
    pub fn client_with_lookup(
        &self,
        lookup: Arc<dyn Lookup>,
    ) -> Result<reqwest::Client, reqwest::Error> {
        // reqwest is built without a bundled crypto provider (aws-lc-rs is a slow C build);
        // installing ring is idempotent, and an error only means one is installed already.
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .dns_resolver(resolve::GuardedResolver {
                allowed: Arc::clone(&self.allowed),
                lookup,
            })
            // An HTTP(S)_PROXY would receive the request and resolve the name itself,
            // bypassing the resolver above.
            .no_proxy()
            // A public URL could redirect to an internal one; callers see the 3xx instead.
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .connect_timeout(self.connect_timeout)
            // Per read, not total: a streamed answer may legitimately take minutes.
            .read_timeout(self.read_timeout)
            .build()
    }
}

/// Normalised allow-listed hosts. A handful of entries, so a Vec beats a set.
#[derive(Debug)]
pub(crate) struct AllowList(Vec<String>);

impl AllowList {
    pub(crate) fn contains(&self, host: &str) -> bool {
        let host = normalise_host(host);
        self.0.contains(&host)
    }
}

/// Lower-case, brackets stripped, IP addresses in canonical text (`[0:0::1]` → `::1`).
fn normalise_host(host: &str) -> String {
    let host = host.trim();
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.to_string(),
        Err(_) => bare.to_ascii_lowercase(),
    }
}
