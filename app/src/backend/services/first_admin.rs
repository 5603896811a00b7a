//! First run: make sure a platform super-admin exists, so a fresh install can be administered.

use crate::backend::{auth::password, entities::user, error::DomainError, state::AppState};
use rand::{distr::Alphanumeric, Rng};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use secrecy::SecretString;

/// What start-up did about the super-admin.
#[derive(Debug)]
pub enum FirstAdmin {
    /// A super-admin already existed; nothing changed.
    AlreadyPresent,
    /// Created with the configured password.
    Created { email: String },
    /// Created with a generated one-time password, to be shown once.
    CreatedWithGeneratedPassword {
        email: String,
        password: SecretString,
    },
}

/// Creates the first super-admin when there is none.
///
/// # Errors
/// Validation errors for a bad e-mail or password; database errors.
pub async fn ensure(
    state: &AppState,
    email: &str,
    configured_password: Option<SecretString>,
) -> Result<FirstAdmin, DomainError> {
    let admins = user::Entity::find()
        .filter(user::Column::IsSuperAdmin.eq(true))
        .count(state.db())
        .await?;
    if admins > 0 {
        return Ok(FirstAdmin::AlreadyPresent);
    }
    let email = normalise_email(email)?;
    let (password, generated) = match configured_password {
        Some(p) => {
            password::check_length("PARLEY_ADMIN_PASSWORD", &p)?;
            (p, false)
        }
        None => (generate_password(), true),
    };
    let hash = state.passwords().hash(password.clone()).await?;
    let now = chrono::Utc::now();
    user::ActiveModel {
        id: Set(uuid::Uuid::new_v4()),
        email: Set(email.clone()),
        name: Set("Administrator".into()),
        password_hash: Set(Some(hash)),
        is_super_admin: Set(true),
        disabled: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(state.db())
    .await?;
    tracing::info!(admin.email = %email, "created the first super-admin");
    Ok(if generated {
        FirstAdmin::CreatedWithGeneratedPassword { email, password }
    } else {
        FirstAdmin::Created { email }
    })
}

/// Trims and lower-cases an address and checks its basic shape.
///
/// # Errors
/// A validation error when it is not `local@domain`.
pub fn normalise_email(raw: &str) -> Result<String, DomainError> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace)
                && !domain.contains('@')
        });
    if valid {
        Ok(email)
    } else {
        Err(DomainError::validation(
            "email",
            "Enter a valid e-mail address, like name@example.com.",
        ))
    }
}

/// 20 alphanumeric characters: about 119 bits.
fn generate_password() -> SecretString {
    let text: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect();
    SecretString::from(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_mail_addresses_are_normalised_and_checked() {
        assert_eq!(
            normalise_email("  Ada@Example.COM ").unwrap(),
            "ada@example.com"
        );
        assert_eq!(
            normalise_email("admin@localhost").unwrap(),
            "admin@localhost"
        );
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "a b@example.com",
            "a@b@c",
            "a@.com",
        ] {
            assert!(normalise_email(bad).is_err(), "{bad} should be refused");
        }
    }
}
