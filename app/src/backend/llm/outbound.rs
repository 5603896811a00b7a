//! The outbound policy and the one guarded HTTP client built from it at start-up (a
//! client holds the TLS roots and connection pool: building one per request would be slow).

#[derive(Debug, Clone)]
pub struct Outbound {
    pub policy: parley_outbound::Policy,
    pub http: reqwest::Client,
}

impl Outbound {
    /// # Errors
    /// When the TLS stack cannot be initialised.
    pub fn new(policy: parley_outbound::Policy) -> Result<Self, reqwest::Error> {
        let http = policy.client()?;
        Ok(Self { policy, http })
    }
}
