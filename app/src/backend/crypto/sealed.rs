//! Secrets at rest (provider keys, SSO client secrets): XChaCha20-Poly1305, stored as
//! `v1.<key id>.<nonce>.<ciphertext>` (base64url). The associated data names the tenant,
//! table, row and field, so a ciphertext copied into another row or column fails to open.

use super::key_ring::{KeyId, KeyRing};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chacha20poly1305::{
    aead::{Aead, KeyInit, Payload},
    XChaCha20Poly1305, XNonce,
};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

const VERSION: &str = "v1";

/// Where a sealed value lives; bound into the ciphertext.
#[derive(Debug, Clone, Copy)]
pub struct Slot<'a> {
    pub tenant_id: Option<Uuid>,
    pub table: &'a str,
    pub row_id: Uuid,
    pub field: &'a str,
}

impl Slot<'_> {
    fn associated_data(&self) -> String {
        let tenant = self.tenant_id.map(|t| t.to_string()).unwrap_or_default();
        format!(
            "parley/{VERSION}/{tenant}/{}/{}/{}",
            self.table, self.row_id, self.field
        )
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpenError {
    #[error("the sealed value is malformed")]
    Malformed,
    #[error("the sealed value was made with a master key that is not configured")]
    UnknownKey,
    #[error("the sealed value does not belong here or was altered")]
    Tampered,
}

/// Encrypts `secret` for `slot` with the active key.
///
/// # Errors
/// Only if the cipher refuses the input, which XChaCha20-Poly1305 does not for any size
/// a request body can carry.
pub fn seal(keys: &KeyRing, slot: Slot<'_>, secret: &SecretString) -> Result<String, OpenError> {
    let (key_id, key) = keys.active();
    let cipher = XChaCha20Poly1305::new(key.expose_bytes().into());
    let mut nonce = [0u8; 24];
    rand::rng().fill_bytes(&mut nonce);
    let aad = slot.associated_data();
    let ciphertext = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: secret.expose_secret().as_bytes(),
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| OpenError::Malformed)?;
    Ok(format!(
        "{VERSION}.{}.{}.{}",
        key_id.to_hex(),
        URL_SAFE_NO_PAD.encode(nonce),
        URL_SAFE_NO_PAD.encode(ciphertext)
    ))
}

/// Decrypts a value sealed for `slot`.
///
/// # Errors
/// `Malformed`, `UnknownKey` or `Tampered` (wrong slot, altered bytes).
pub fn open(keys: &KeyRing, slot: Slot<'_>, sealed: &str) -> Result<SecretString, OpenError> {
    let mut parts = sealed.split('.');
    let (Some(VERSION), Some(id), Some(nonce), Some(ciphertext), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(OpenError::Malformed);
    };
    let key = keys
        .find(KeyId::from_hex(id).ok_or(OpenError::Malformed)?)
        .ok_or(OpenError::UnknownKey)?;
    let nonce = URL_SAFE_NO_PAD
        .decode(nonce)
        .map_err(|_| OpenError::Malformed)?;
    if nonce.len() != 24 {
        return Err(OpenError::Malformed);
    }
    let ciphertext = URL_SAFE_NO_PAD
        .decode(ciphertext)
        .map_err(|_| OpenError::Malformed)?;
    let aad = slot.associated_data();
    let plain = XChaCha20Poly1305::new(key.expose_bytes().into())
        .decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &ciphertext,
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| OpenError::Tampered)?;
    String::from_utf8(plain)
        .map(SecretString::from)
        .map_err(|_| OpenError::Tampered)
}

/// Whether a sealed value was made with an older key (for `rotate-keys`).
pub fn needs_rotation(keys: &KeyRing, sealed: &str) -> bool {
    sealed.split('.').nth(1) != Some(keys.active().0.to_hex().as_str())
}

/// The last four characters, the only part of a key ever shown again.
pub fn hint(secret: &SecretString) -> String {
    let chars: Vec<char> = secret.expose_secret().chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::crypto::master_key::MasterKey;

    fn slot(row_id: Uuid, field: &str) -> Slot<'_> {
        Slot {
            tenant_id: Some(Uuid::nil()),
            table: "ai_providers",
            row_id,
            field,
        }
    }

    #[test]
    fn seals_and_opens_and_never_stores_the_plain_text() {
        let keys = KeyRing::new(MasterKey::generate(), []);
        let row = Uuid::new_v4();
        let secret = SecretString::from("sk-canary-0123456789");
        let sealed = seal(&keys, slot(row, "api_key"), &secret).unwrap();
        assert!(!sealed.contains("canary"));
        assert_eq!(
            open(&keys, slot(row, "api_key"), &sealed)
                .unwrap()
                .expose_secret(),
            "sk-canary-0123456789"
        );
        // Two seals of the same secret differ (random nonce).
        assert_ne!(sealed, seal(&keys, slot(row, "api_key"), &secret).unwrap());
    }

    #[test]
    fn a_ciphertext_moved_to_another_row_field_or_tenant_fails() {
        let keys = KeyRing::new(MasterKey::generate(), []);
        let row = Uuid::new_v4();
        let sealed = seal(&keys, slot(row, "api_key"), &SecretString::from("k")).unwrap();
        assert_eq!(
            open(&keys, slot(Uuid::new_v4(), "api_key"), &sealed).unwrap_err(),
            OpenError::Tampered
        );
        assert_eq!(
            open(&keys, slot(row, "client_secret"), &sealed).unwrap_err(),
            OpenError::Tampered
        );
        let other_tenant = Slot {
            tenant_id: Some(Uuid::new_v4()),
            ..slot(row, "api_key")
        };
        assert_eq!(
            open(&keys, other_tenant, &sealed).unwrap_err(),
            OpenError::Tampered
        );
        let mut altered = sealed.clone();
        let last = altered.pop().unwrap();
        altered.push(if last == 'A' { 'B' } else { 'A' });
        assert!(open(&keys, slot(row, "api_key"), &altered).is_err());
    }

    #[test]
    fn old_keys_still_open_and_are_flagged_for_rotation() {
        let old = MasterKey::generate();
        let row = Uuid::new_v4();
        let sealed_old = seal(
            &KeyRing::new(old.clone(), []),
            slot(row, "api_key"),
            &SecretString::from("secret"),
        )
        .unwrap();
        let rotated = KeyRing::new(MasterKey::generate(), [old]);
        assert!(needs_rotation(&rotated, &sealed_old));
        assert_eq!(
            open(&rotated, slot(row, "api_key"), &sealed_old)
                .unwrap()
                .expose_secret(),
            "secret"
        );
        let without_old = KeyRing::new(MasterKey::generate(), []);
        assert_eq!(
            open(&without_old, slot(row, "api_key"), &sealed_old).unwrap_err(),
            OpenError::UnknownKey
        );
        assert_eq!(
            open(&rotated, slot(row, "api_key"), "v2.x.y.z").unwrap_err(),
            OpenError::Malformed
        );
    }

    #[test]
    fn hints_show_only_the_last_four_characters() {
        assert_eq!(hint(&SecretString::from("sk-abcdefgh1234")), "…1234");
        assert_eq!(hint(&SecretString::from("ab")), "…ab");
    }
}
