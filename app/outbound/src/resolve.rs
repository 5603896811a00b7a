//! The DNS resolver behind every outbound client: it hands reqwest only addresses it has
//! checked, so a name resolving (or rebinding) to a forbidden address sends no packet there.

use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::{classify, AllowList, Refused};

/// What [`Lookup::lookup`] returns.
pub type LookupFuture<'a> = Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send + 'a>>;

/// Turns a host name into addresses. [`SystemLookup`] in production; tests inject a fake.
pub trait Lookup: Send + Sync {
    /// All addresses of `host` (a DNS name, never an IP literal).
    fn lookup<'a>(&'a self, host: &'a str) -> LookupFuture<'a>;
}

/// The operating system's resolver, via `tokio::net::lookup_host`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemLookup;

impl Lookup for SystemLookup {
    fn lookup<'a>(&'a self, host: &'a str) -> LookupFuture<'a> {
        Box::pin(async move {
            Ok(tokio::net::lookup_host((host, 0))
                .await?
                .map(|addr| addr.ip())
                .collect())
        })
    }
}

pub(crate) struct GuardedResolver {
    pub(crate) allowed: Arc<AllowList>,
    pub(crate) lookup: Arc<dyn Lookup>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let allowed = Arc::clone(&self.allowed);
        let lookup = Arc::clone(&self.lookup);
        Box::pin(async move {
            let ips = lookup
                .lookup(&host)
                .await
                .map_err(|error| Refused::Lookup {
                    host: host.clone(),
                    error,
                })?;
            check_resolved(&allowed, &host, &ips)?;
            // Port 0: hyper puts the URL's port (or the scheme's default) in its place.
            let addrs: Addrs = Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

/// Refuses when ANY address is forbidden: checking only the first would let an attacker's
/// DNS pair a public decoy with an internal target that hyper tries next.
fn check_resolved(allowed: &AllowList, host: &str, ips: &[IpAddr]) -> Result<(), Refused> {
    if ips.is_empty() {
        return Err(Refused::NoAddresses { host: host.into() });
    }
    if allowed.contains(host) {
        return Ok(());
    }
    for &ip in ips {
        if let Some(reason) = classify(ip) {
            return Err(Refused::Forbidden {
                host: host.into(),
                ip,
                reason,
            });
        }
    }
    Ok(())
}
