//! Input rules shared by services. Each failure names the field and says what to do.

use crate::backend::error::DomainError;

/// Trims and lower-cases an address and checks its basic shape.
///
/// # Errors
/// A validation error on `email` when it is not `local@domain`.
pub fn email(raw: &str) -> Result<String, DomainError> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
                && !domain.contains('@')
        });
    if !valid {
        return Err(DomainError::validation(
            "email",
            "Enter a valid e-mail address, like name@example.com.",
        ));
    }
    if !single_script_parts(&email) {
        return Err(DomainError::validation(
            "email",
            "This address mixes letters of different alphabets (like a Cyrillic «а» among Latin letters), so it could pass for someone else's. Type it in one alphabet.",
        ));
    }
    Ok(email)
}

/// True when the local part and every label of the domain are each written in one script
/// (UTS #39), so `pаypal@example.com` with a Cyrillic «а» is told apart from a real address
/// while `用户@例子.中国` and `josé@example.com` stay valid.
fn single_script_parts(email: &str) -> bool {
    use unicode_security::MixedScript;
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    local.is_single_script() && domain.split('.').all(MixedScript::is_single_script)
}

/// A person's display name: 1–100 characters once trimmed, no control characters.
///
/// # Errors
/// A validation error on `name`.
pub fn person_name(raw: &str) -> Result<String, DomainError> {
    display_text("name", raw, 100, "Enter your name.")
}

/// An organisation's name: 1–100 characters once trimmed.
///
/// # Errors
/// A validation error on `name`.
pub fn tenant_name(raw: &str) -> Result<String, DomainError> {
    display_text("name", raw, 100, "Enter the organisation's name.")
}

pub fn display_text(
    field: &'static str,
    raw: &str,
    max: usize,
    empty: &str,
) -> Result<String, DomainError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(DomainError::validation(field, empty));
    }
    if text.chars().count() > max {
        return Err(DomainError::validation(
            field,
            format!("Use at most {max} characters."),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(DomainError::validation(
            field,
            "Remove line breaks and control characters.",
        ));
    }
    Ok(text.to_string())
}

/// Words that cannot be tenant slugs because they name (or may one day name) our own paths.
const RESERVED_SLUGS: &[&str] = &[
    "admin", "api", "app", "auth", "invite", "login", "logout", "new", "pkg", "settings", "signup",
    "static", "status", "system", "www",
];

/// A tenant slug: 3–40 of `a-z`, `0-9`, `-`, not starting or ending with `-`.
///
/// # Errors
/// A validation error on `slug`.
pub fn slug(raw: &str) -> Result<String, DomainError> {
    let slug = raw.trim().to_lowercase();
    let well_formed = (3..=40).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if !well_formed {
        return Err(DomainError::validation(
            "slug",
            "Use 3 to 40 lower-case letters, digits and hyphens, not starting or ending with a hyphen.",
        ));
    }
    if RESERVED_SLUGS.contains(&slug.as_str()) {
        return Err(DomainError::validation(
            "slug",
            "This address is reserved. Choose another.",
        ));
    }
    Ok(slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_mail_addresses_are_normalised_and_checked() {
        assert_eq!(email("  Ada@Example.COM ").unwrap(), "ada@example.com");
        assert_eq!(email("admin@localhost").unwrap(), "admin@localhost");
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "a b@example.com",
            "a@b@c",
            "a@.com",
        ] {
            assert!(email(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn look_alike_addresses_that_mix_scripts_are_refused() {
        // A Cyrillic «а» (U+0430) in the local part, a Greek «ο» (U+03BF) in the domain.
        for bad in ["p\u{430}ypal@example.com", "ada@ex\u{3bf}mple.com"] {
            let err = email(bad).unwrap_err();
            assert!(matches!(
                err,
                DomainError::Validation { field: "email", .. }
            ));
        }
        for good in [
            "josé@example.com",
            "用户@例子.中国",
            "user@例子.中国",
            "иван@пример.рф",
            "ada+tag-1@example.com",
        ] {
            assert!(email(good).is_ok(), "{good} should be accepted");
        }
    }

    #[test]
    fn slugs_are_url_safe_and_not_reserved() {
        assert_eq!(slug(" Acme-42 ").unwrap(), "acme-42");
        for bad in [
            "ab",
            "-acme",
            "acme-",
            "ac me",
            "acmé",
            "admin",
            &"x".repeat(41),
        ] {
            assert!(slug(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(person_name("  Ada Lovelace ").unwrap(), "Ada Lovelace");
        assert!(person_name("   ").is_err());
        assert!(person_name("a\u{0}b").is_err());
        assert!(tenant_name(&"x".repeat(101)).is_err());
    }
}
