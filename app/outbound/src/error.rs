//! `Refused`: why Parley will not make an outbound call, in words a tenant admin can act on.

use std::io;
use std::net::IpAddr;

use crate::ALLOW_ENV;

/// Why an outbound URL or connection was refused. `Display` is a sentence for the tenant
/// admin who typed the URL; [`Refused::code`] is stable for machines.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Refused {
    /// The text does not parse as an absolute URL.
    #[error("This is not a valid URL ({detail}). Enter the full address, for example https://api.example.com/v1.")]
    InvalidUrl { detail: String },

    /// A scheme other than `http`/`https`.
    #[error("Parley only connects to https:// addresses, not {scheme}://.")]
    UnsupportedScheme { scheme: String },

    /// Plain `http` to a host that is not on the platform's allow-list.
    #[error("Parley only connects to {host} over https. Plain http is allowed only for hosts a platform administrator lists in {ALLOW_ENV}.")]
    InsecureScheme { host: String },

    /// `user:password@` in the URL.
    #[error("This address contains a user name or password. Enter credentials in the API key field, never in the URL.")]
    Credentials,

    /// The host is, or resolves to, a private, loopback, link-local or reserved address.
    #[error("{}", forbidden_message(host, *ip, reason))]
    Forbidden {
        host: String,
        ip: IpAddr,
        reason: &'static str,
    },

    /// DNS lookup failed.
    #[error("Parley could not look up the host {host} ({error}).")]
    Lookup { host: String, error: io::Error },

    /// DNS answered without any address.
    #[error("The host {host} has no addresses.")]
    NoAddresses { host: String },

    /// The server answered 3xx; see [`crate::refuse_redirect`].
    #[error("The server answered with a redirect ({status}){}. Parley does not follow redirects; enter the final address instead.",
        location.as_deref().map(|l| format!(" to {l}")).unwrap_or_default())]
    Redirect {
        status: u16,
        location: Option<String>,
    },
}

fn forbidden_message(host: &str, ip: IpAddr, reason: &str) -> String {
    let target = if host == ip.to_string() {
        format!("{ip}")
    } else {
        format!("{host} resolves to {ip}")
    };
    format!(
        "This address points into a private or reserved network ({target}: {reason}). \
         Parley only connects to public addresses; a platform administrator can allow this \
         host with {ALLOW_ENV}."
    )
}

impl Refused {
    /// A stable machine code: `invalid_url`, `insecure_scheme`, `ssrf_refused`,
    /// `dns_failed` or `redirect_refused`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidUrl { .. } | Self::UnsupportedScheme { .. } | Self::Credentials => {
                "invalid_url"
            }
            Self::InsecureScheme { .. } => "insecure_scheme",
            Self::Forbidden { .. } => "ssrf_refused",
            Self::Lookup { .. } | Self::NoAddresses { .. } => "dns_failed",
            Self::Redirect { .. } => "redirect_refused",
        }
    }
}

/// Finds our [`Refused`] in an error's `source()` chain. The guarded resolver's refusal
/// reaches callers wrapped in a `reqwest::Error`; this digs it out for the clear message.
#[must_use]
pub fn refused_in<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a Refused> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(refused) = e.downcast_ref::<Refused>() {
            return Some(refused);
        }
        current = e.source();
    }
    None
}

/// Turns a 3xx answer into [`Refused::Redirect`]. The client never follows redirects (a
/// public URL could send it to an internal one); callers run every response through this
/// before reading it.
///
/// # Errors
/// [`Refused::Redirect`] when the status is 3xx.
pub fn refuse_redirect(response: &reqwest::Response) -> Result<(), Refused> {
    let status = response.status();
    if !status.is_redirection() {
        return Ok(());
    }
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(|l| l.chars().take(200).collect());
    Err(Refused::Redirect {
        status: status.as_u16(),
        location,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_address_and_the_way_out() {
        let err = Refused::Forbidden {
            host: "internal.example".into(),
            ip: "10.0.0.5".parse().unwrap(),
            reason: "private network",
        };
        assert_eq!(err.code(), "ssrf_refused");
        assert_eq!(
            err.to_string(),
            "This address points into a private or reserved network (internal.example \
             resolves to 10.0.0.5: private network). Parley only connects to public \
             addresses; a platform administrator can allow this host with \
             PARLEY_ALLOW_PRIVATE_PROVIDER_HOSTS."
        );
        let literal = Refused::Forbidden {
            host: "10.0.0.5".into(),
            ip: "10.0.0.5".parse().unwrap(),
            reason: "private network",
        };
        assert!(literal.to_string().starts_with(
            "This address points into a private or reserved network (10.0.0.5: private"
        ));
        let redirect = Refused::Redirect {
            status: 302,
            location: Some("http://127.0.0.2/".into()),
        };
        assert_eq!(redirect.code(), "redirect_refused");
        assert!(redirect.to_string().contains("(302) to http://127.0.0.2/"));
    }

    #[test]
    fn refused_in_walks_the_source_chain() {
        #[derive(Debug, thiserror::Error)]
        #[error("outer")]
        struct Outer(#[source] Box<dyn std::error::Error + Send + Sync>);

        let inner: Box<dyn std::error::Error + Send + Sync> = Box::new(Refused::Credentials);
        let outer = Outer(inner);
        assert_eq!(refused_in(&outer).map(Refused::code), Some("invalid_url"));
        let unrelated = io::Error::other("nope");
        assert!(refused_in(&unrelated).is_none());
    }
}
