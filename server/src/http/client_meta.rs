//! Works out who is on the other end (address, user agent) once per request and stores it
//! as a `RequestMeta` extension. `X-Forwarded-For` is believed only from a trusted proxy.

use app::backend::request_meta::RequestMeta;
use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::Response,
};
use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};

pub type TrustedProxies = Arc<Vec<IpAddr>>;

pub async fn attach(
    State(trusted): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let ip = client_ip(peer, request.headers(), &trusted);
    let user_agent = request
        .headers()
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect();
    request.extensions_mut().insert(RequestMeta {
        ip: ip.map_or_else(|| "unknown".to_string(), |ip| ip.to_string()),
        user_agent,
    });
    next.run(request).await
}

/// The client address: the peer, or — when the peer is a trusted proxy — the right-most
/// address in `X-Forwarded-For` that is not itself a trusted proxy.
fn client_ip(
    peer: Option<IpAddr>,
    headers: &http::HeaderMap,
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|a| !trusted.contains(a))
            .unwrap_or(peer),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_only_believed_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let mut headers = http::HeaderMap::new();
        headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.9".parse().unwrap());
        let stranger: IpAddr = "198.51.100.7".parse().unwrap();
        assert_eq!(
            client_ip(Some(stranger), &headers, &[proxy]),
            Some(stranger)
        );
        assert_eq!(
            client_ip(Some(proxy), &headers, &[proxy]),
            "203.0.113.9".parse().ok()
        );
        assert_eq!(
            client_ip(Some(proxy), &http::HeaderMap::new(), &[proxy]),
            Some(proxy)
        );
    }
}
