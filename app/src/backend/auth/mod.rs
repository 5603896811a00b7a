//! Authentication: who is calling. Passwords, server-side sessions, personal API tokens,
//! OpenID Connect single sign-on, sign-in throttling; `Caller` is the result every guard starts from.

pub mod api_tokens;
pub mod caller;
pub mod form_echo;
pub mod oidc;
pub mod password;
pub mod password_policy;
pub mod secret_token;
pub mod sessions;
pub mod throttle;
