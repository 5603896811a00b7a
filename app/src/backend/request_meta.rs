//! Who is on the other end of a request, for audit lines and throttling.

/// The client address and user agent. The address comes from the socket, or from
/// `X-Forwarded-For` only when the immediate peer is a configured trusted proxy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestMeta {
    pub ip: String,
    pub user_agent: String,
}
