//! Sign-in throttling per account and per client address, in the database so every
//! instance behind a load balancer shares it. A few failures are free; then each failure
//! blocks the key for a doubling delay (2 s, 4 s, 8 s … up to 15 min), during which sign-in
//! answers 429 with `Retry-After`. A successful sign-in clears the account's counter.

use crate::backend::{entities::auth_throttle, error::DomainError, state::AppState};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

/// Failures allowed before delays start.
pub const FREE_PER_ACCOUNT: i32 = 3;
pub const FREE_PER_ADDRESS: i32 = 20;
const MAX_BLOCK_SECS: i64 = 15 * 60;

#[derive(Debug, Clone)]
pub struct Key {
    key: String,
    free: i32,
}

impl Key {
    pub fn account(email: &str) -> Self {
        Self {
            key: format!("account:{email}"),
            free: FREE_PER_ACCOUNT,
        }
    }

    pub fn address(ip: &str) -> Self {
        Self {
            key: format!("address:{ip}"),
            free: FREE_PER_ADDRESS,
        }
    }
}

/// Refuses while any key is blocked.
///
/// # Errors
/// `RateLimited` with the seconds left; database errors.
pub async fn check(state: &AppState, keys: &[Key]) -> Result<(), DomainError> {
    let now = Utc::now();
    let mut wait = 0;
    for key in keys {
        if let Some(row) = auth_throttle::Entity::find_by_id(key.key.clone())
            .one(state.db())
            .await?
        {
            if let Some(until) = row.blocked_until.filter(|u| *u > now) {
                wait = wait.max((until - now).num_seconds() + 1);
            }
        }
    }
    if wait > 0 {
        return Err(DomainError::RateLimited {
            retry_after_secs: u64::try_from(wait).unwrap_or(1),
        });
    }
    Ok(())
}

/// Counts a failure against every key.
///
/// # Errors
/// Database errors.
pub async fn record_failure(state: &AppState, keys: &[Key]) -> Result<(), DomainError> {
    let now = Utc::now();
    for key in keys {
        let existing = auth_throttle::Entity::find_by_id(key.key.clone())
            .one(state.db())
            .await?;
        let failures = existing.as_ref().map_or(0, |r| r.failures) + 1;
        let blocked_until = (failures > key.free).then(|| {
            let exponent = u32::try_from(failures - key.free)
                .unwrap_or(u32::MAX)
                .min(20);
            now + chrono::Duration::seconds((1i64 << exponent).min(MAX_BLOCK_SECS))
        });
        let row = auth_throttle::ActiveModel {
            key: Set(key.key.clone()),
            failures: Set(failures),
            last_failure_at: Set(now),
            blocked_until: Set(blocked_until),
        };
        if existing.is_some() {
            row.update(state.db()).await?;
        } else if let Err(err) = row.insert(state.db()).await {
            // Another request inserted the row first: its count stands.
            tracing::debug!(error = %err, "throttle row raced");
        }
    }
    Ok(())
}

/// Forgets the failures of a key (after a successful sign-in).
///
/// # Errors
/// Database errors.
pub async fn reset(state: &AppState, key: &Key) -> Result<(), DomainError> {
    auth_throttle::Entity::delete_by_id(key.key.clone())
        .exec(state.db())
        .await?;
    Ok(())
}
