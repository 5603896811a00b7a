//! Cryptographic key material and secrets at rest.

pub mod key_ring;
pub mod master_key;
pub mod sealed;
