//! The master keys: one active key that seals new secrets and older keys that still open
//! what they sealed, so keys can be rotated (`parley rotate-keys`) without downtime.

use super::master_key::MasterKey;
use sha2::{Digest, Sha256};
use std::fmt;

/// A short public name for a key, stored next to each ciphertext so the right key is
/// picked without trial decryption. Derived from the key; reveals nothing useful about it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId([u8; 4]);

impl KeyId {
    fn of(key: &MasterKey) -> Self {
        let digest = Sha256::new()
            .chain_update(b"parley key id v1")
            .chain_update(key.expose_bytes())
            .finalize();
        Self([digest[0], digest[1], digest[2], digest[3]])
    }

    pub fn to_hex(self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        if text.len() != 8 {
            return None;
        }
        let mut bytes = [0u8; 4];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok()?;
        }
        Some(Self(bytes))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", self.to_hex())
    }
}

#[derive(Clone, Debug)]
pub struct KeyRing {
    active: (KeyId, MasterKey),
    previous: Vec<(KeyId, MasterKey)>,
}

impl KeyRing {
    pub fn new(active: MasterKey, previous: impl IntoIterator<Item = MasterKey>) -> Self {
        let active_id = KeyId::of(&active);
        Self {
            previous: previous
                .into_iter()
                .map(|k| (KeyId::of(&k), k))
                .filter(|(id, _)| *id != active_id)
                .collect(),
            active: (active_id, active),
        }
    }

    pub fn active(&self) -> (KeyId, &MasterKey) {
        (self.active.0, &self.active.1)
    }

    pub fn find(&self, id: KeyId) -> Option<&MasterKey> {
        std::iter::once(&self.active)
            .chain(&self.previous)
            .find(|(k, _)| *k == id)
            .map(|(_, key)| key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids_round_trip_and_differ_per_key() {
        let a = MasterKey::generate();
        let b = MasterKey::generate();
        let ring = KeyRing::new(a.clone(), [b.clone(), a.clone()]);
        let (id, _) = ring.active();
        assert_eq!(KeyId::from_hex(&id.to_hex()), Some(id));
        assert_ne!(KeyId::of(&a), KeyId::of(&b));
        assert!(ring.find(KeyId::of(&b)).is_some());
        assert_eq!(ring.previous.len(), 1, "the active key is not listed twice");
        assert_eq!(KeyId::from_hex("zz"), None);
    }
}
