//! OpenID Connect sign-in (Entra ID first, any OIDC provider): the protocol half. Which
//! tenant, user and role a verified identity becomes is `services::sso_sign_in`'s job.

pub mod claims;
pub mod flow;
pub mod http;
pub mod platform;
pub mod provider;
pub mod role_map;
pub mod verify;

pub use platform::PlatformConnection;
pub use provider::ProviderCache;

/// The cookie binding an attempt to the browser that started it. SameSite=Lax, so it comes
/// back on the identity provider's top-level redirect.
pub const BROWSER_COOKIE: &str = "parley_sso";

/// How long a started sign-in stays valid.
pub const ATTEMPT_TTL_SECS: i64 = 600;
