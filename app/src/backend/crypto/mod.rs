//! Cryptographic key material.

pub mod master_key;
