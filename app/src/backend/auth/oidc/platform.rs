//! The platform's own SSO connection, set by the operator in the configuration
//! (`PARLEY_PLATFORM_SSO_*`) rather than by a tenant admin: signing in to Parley itself,
//! with the super-admin right granted — and taken away — by one value of a role claim.

use super::flow::ClientConfig;
use secrecy::SecretString;

/// Where the identity provider sends the browser back after a platform sign-in.
pub const CALLBACK_PATH: &str = "/sso/callback";

#[derive(Clone)]
pub struct PlatformConnection {
    /// The button's label: "Sign in with {name}".
    pub name: String,
    pub issuer: String,
    /// Entra's directory id: the `tid` claim must equal it and `oid` is the subject.
    pub directory_id: Option<String>,
    pub client_id: String,
    pub client_secret: SecretString,
    /// Space-separated; `openid` is always sent.
    pub scopes: String,
    /// The claim holding roles or groups, e.g. `roles` (Entra app roles) or `groups`.
    pub role_claim: String,
    /// The value of `role_claim` that makes a super-admin.
    pub admin_role: String,
}

// Hand-written so the secret never reaches a log.
impl std::fmt::Debug for PlatformConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformConnection")
            .field("name", &self.name)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("role_claim", &self.role_claim)
            .field("admin_role", &self.admin_role)
            .finish_non_exhaustive()
    }
}

impl PlatformConnection {
    /// The client settings for the flow, with the callback on `public_url`.
    pub fn client_config(&self, public_url: &str) -> ClientConfig {
        ClientConfig {
            issuer: self.issuer.clone(),
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            scopes: self.scopes.clone(),
            redirect_uri: format!("{public_url}{CALLBACK_PATH}"),
            directory_id: self.directory_id.clone(),
        }
    }
}
