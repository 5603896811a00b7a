//! Password rules (ASVS 6.2): 8 to 128 characters, no composition rules, and not one of the
//! most common breached passwords (a list bundled into the binary; see the SOURCE file).

use super::password::check_length;
use crate::backend::error::DomainError;
use secrecy::{ExposeSecret, SecretString};
use std::{collections::HashSet, sync::OnceLock};

const COMMON: &str = include_str!("common_passwords.txt");

fn common() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| COMMON.lines().collect())
}

/// Checks a new password.
///
/// # Errors
/// A validation error on `field` saying what to change.
pub fn check(field: &'static str, password: &SecretString) -> Result<(), DomainError> {
    check_length(field, password)?;
    if common().contains(password.expose_secret().to_lowercase().as_str()) {
        return Err(DomainError::validation(
            field,
            "This password is one of the most common ones and easy to guess. Choose another.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_common_and_short_passwords() {
        assert!(common().len() > 10_000);
        for bad in ["password", "Password", "12345678", "qwertyuiop", "short"] {
            assert!(
                check("password", &SecretString::from(bad)).is_err(),
                "{bad}"
            );
        }
        assert!(check("password", &SecretString::from("violet kettle drums")).is_ok());
    }
}
