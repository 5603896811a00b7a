//! First run: make sure a platform super-admin exists, so a fresh install can be administered.

use crate::backend::{
    auth::password, entities::user, error::DomainError, repo::users, state::AppState,
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
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
    let email = super::validate::email(email)?;
    let (password, generated) = match configured_password {
        Some(p) => {
            password::check_length("PARLEY_ADMIN_PASSWORD", &p)?;
            (p, false)
        }
        None => (password::generate_one_time(), true),
    };
    let hash = state.passwords().hash(password.clone()).await?;
    if let Some(existing) = users::by_email(state.db(), &email).await? {
        return Err(DomainError::Conflict(format!(
            "{} already belongs to an account that is not a super-admin; choose another PARLEY_ADMIN_EMAIL",
            existing.email
        )));
    }
    users::insert(state.db(), &email, "Administrator", Some(hash), true).await?;
    tracing::info!(admin.email = %email, "created the first super-admin");
    Ok(if generated {
        FirstAdmin::CreatedWithGeneratedPassword { email, password }
    } else {
        FirstAdmin::Created { email }
    })
}
