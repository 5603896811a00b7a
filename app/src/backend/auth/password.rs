//! Password hashing with Argon2id (m = 19 MiB, t = 2, p = 1, the `argon2` crate's defaults,
//! as OWASP recommends). Hashing is deliberately expensive, so it runs on the blocking pool
//! behind a semaphore: a burst of sign-ins cannot exhaust memory or starve the runtime.

use crate::backend::error::DomainError;
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher as _, SaltString},
    Argon2, PasswordVerifier,
};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use tokio::sync::Semaphore;

pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 128;

/// Hashes at once at most this many passwords (about 19 MiB each).
const CONCURRENT_HASHES: usize = 4;

#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    dummy: Arc<std::sync::OnceLock<String>>,
}

impl Default for PasswordHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl PasswordHasher {
    pub fn new() -> Self {
        Self {
            permits: Arc::new(Semaphore::new(CONCURRENT_HASHES)),
            dummy: Arc::new(std::sync::OnceLock::new()),
        }
    }

    /// Hashes a password into a PHC string.
    ///
    /// # Errors
    /// `Internal` if the hasher fails or the blocking pool is gone.
    pub async fn hash(&self, password: SecretString) -> Result<String, DomainError> {
        let _permit = self.permits.acquire().await.map_err(internal)?;
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(password.expose_secret().as_bytes(), &salt)
                .map(|hash| hash.to_string())
                .map_err(internal)
        })
        .await
        .map_err(internal)?
    }

    /// Checks a password against a stored PHC string.
    ///
    /// # Errors
    /// `Internal` if the stored hash cannot be parsed or the blocking pool is gone.
    pub async fn verify(&self, password: SecretString, phc: String) -> Result<bool, DomainError> {
        let _permit = self.permits.acquire().await.map_err(internal)?;
        tokio::task::spawn_blocking(move || {
            let parsed = PasswordHash::new(&phc).map_err(internal)?;
            Ok(Argon2::default()
                .verify_password(password.expose_secret().as_bytes(), &parsed)
                .is_ok())
        })
        .await
        .map_err(internal)?
    }
}

impl PasswordHasher {
    /// Verifies against the stored hash, or, for an unknown user or one without a password,
    /// against a fixed dummy hash, so both cost the same time and answer the same.
    ///
    /// # Errors
    /// `Internal` if hashing fails.
    pub async fn verify_or_dummy(
        &self,
        password: SecretString,
        phc: Option<String>,
    ) -> Result<bool, DomainError> {
        match phc {
            Some(phc) => self.verify(password, phc).await,
            None => {
                let dummy = self.dummy_hash().await?;
                let _ = self.verify(password, dummy).await?;
                Ok(false)
            }
        }
    }

    async fn dummy_hash(&self) -> Result<String, DomainError> {
        if let Some(hash) = self.dummy.get() {
            return Ok(hash.clone());
        }
        let hash = self
            .hash(SecretString::from(
                crate::backend::auth::secret_token::generate(""),
            ))
            .await?;
        Ok(self.dummy.get_or_init(|| hash).clone())
    }
}

/// Whether a stored hash was made with other parameters than today's (an older cost, or
/// not argon2id): it is then replaced at the next successful sign-in.
pub fn needs_rehash(phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return true;
    };
    let current = argon2::Params::default();
    let param = |name: &str| parsed.params.get_decimal(name);
    parsed.algorithm != argon2::Algorithm::Argon2id.ident()
        || param("m") != Some(current.m_cost())
        || param("t") != Some(current.t_cost())
        || param("p") != Some(current.p_cost())
}

/// A random password of 20 letters and digits (about 119 bits), for first-run and reset
/// passwords that a person reads once and then changes.
pub fn generate_one_time() -> SecretString {
    use rand::{distr::Alphanumeric, Rng};
    let text: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect();
    SecretString::from(text)
}

/// Checks the length rules (ASVS 6.2: 8–128 characters, no composition rules).
///
/// # Errors
/// A validation error on `field` that says what is wrong.
pub fn check_length(field: &'static str, password: &SecretString) -> Result<(), DomainError> {
    let chars = password.expose_secret().chars().count();
    if chars < MIN_LENGTH {
        return Err(DomainError::validation(
            field,
            format!("Use at least {MIN_LENGTH} characters."),
        ));
    }
    if chars > MAX_LENGTH {
        return Err(DomainError::validation(
            field,
            format!("Use at most {MAX_LENGTH} characters."),
        ));
    }
    Ok(())
}

fn internal(err: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("password hashing: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_with_argon2id_and_verifies() {
        let hasher = PasswordHasher::new();
        let phc = hasher
            .hash(SecretString::from("correct horse"))
            .await
            .unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(hasher
            .verify(SecretString::from("correct horse"), phc.clone())
            .await
            .unwrap());
        assert!(!hasher
            .verify(SecretString::from("wrong horse"), phc)
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn only_outdated_hashes_need_rehashing() {
        let phc = PasswordHasher::new()
            .hash(SecretString::from("correct horse"))
            .await
            .unwrap();
        assert!(!needs_rehash(&phc));
        let weaker = phc.replace("m=19456,t=2,p=1", "m=4096,t=3,p=1");
        assert!(needs_rehash(&weaker));
        assert!(needs_rehash("not a hash"));
    }

    #[test]
    fn length_rules_count_characters_not_bytes() {
        assert!(check_length("password", &SecretString::from("short")).is_err());
        assert!(check_length("password", &SecretString::from("ééééééée")).is_ok());
        assert!(check_length("password", &SecretString::from("x".repeat(129))).is_err());
    }
}
