//! The master key that encrypts secrets at rest (provider keys, SSO client secrets).
//! 32 random bytes, written as base64. Never serialised, never printed by `Debug`.

use base64::{engine::general_purpose::STANDARD, Engine};
use rand::RngCore;
use std::fmt;

pub const KEY_LEN: usize = 32;

#[derive(Clone)]
pub struct MasterKey([u8; KEY_LEN]);

impl MasterKey {
    /// A new random key from the operating system's generator.
    pub fn generate() -> Self {
        let mut bytes = [0u8; KEY_LEN];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Parses the base64 form (standard alphabet; padding optional; whitespace trimmed).
    ///
    /// # Errors
    /// A sentence saying what is wrong with the value, without repeating it.
    pub fn from_base64(text: &str) -> Result<Self, String> {
        let trimmed = text.trim().trim_end_matches('=');
        let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(trimmed)
            .map_err(|_| "is not valid base64".to_string())?;
        let bytes: [u8; KEY_LEN] = bytes.try_into().map_err(|b: Vec<u8>| {
            format!(
                "must decode to {KEY_LEN} bytes, not {} (generate one with `openssl rand -base64 32`)",
                b.len()
            )
        })?;
        Ok(Self(bytes))
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    pub fn expose_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_base64() {
        let key = MasterKey::generate();
        let parsed = MasterKey::from_base64(&format!("  {}\n", key.to_base64())).unwrap();
        assert_eq!(parsed.expose_bytes(), key.expose_bytes());
    }

    #[test]
    fn rejects_wrong_lengths_and_never_debug_prints_the_key() {
        let err = MasterKey::from_base64(&STANDARD.encode([7u8; 16])).unwrap_err();
        assert!(err.contains("32 bytes, not 16"));
        assert!(MasterKey::from_base64("not base64!").is_err());
        let key = MasterKey::from_base64(&STANDARD.encode([7u8; 32])).unwrap();
        assert_eq!(format!("{key:?}"), "MasterKey(<redacted>)");
    }
}
