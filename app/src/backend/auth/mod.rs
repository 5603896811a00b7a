//! Authentication: passwords now; sessions and OIDC build on this.

pub mod password;
