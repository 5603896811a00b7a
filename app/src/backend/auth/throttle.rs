//! Throttling of password guesses (sign-in, the current password of a password change) and
//! of sign-ups, per account and per client address, in the database so every instance
//! behind a load balancer shares it.
//!
//! An attempt is *admitted* before its password is checked: the decision and the count are
//! one compare-and-swap on the key's row, so attempts made at once are counted exactly as
//! if they came one by one, and a burst gets no more guesses than a patient attacker. A few
//! attempts are free; then each one blocks the key for a doubling delay (2 s, 4 s … up to
//! 15 min), during which attempts answer 429 with `Retry-After`. An attempt that turns out
//! right gives its count back (`Admission::succeeded`). A key left alone for a day is
//! forgotten.

use crate::backend::{entities::auth_throttle, error::DomainError, state::AppState};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
};

/// Failed sign-ins allowed before delays start.
pub const FREE_PER_ACCOUNT: i32 = 3;
pub const FREE_PER_ADDRESS: i32 = 20;
const MAX_BLOCK_SECS: i64 = 15 * 60;
/// A key with no attempt for this long starts again from zero.
const FORGET_AFTER: Duration = Duration::hours(24);
/// Compare-and-swap rounds before a contended attempt is told to come back.
const MAX_ROUNDS: usize = 200;

#[derive(Debug, Clone)]
pub struct Key {
    key: String,
    free: i32,
    /// What a right attempt does to the key: forget its failures (the account), or give
    /// back its own count only (an address shared by many people).
    on_success: OnSuccess,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OnSuccess {
    Forget,
    GiveBack,
}

impl Key {
    /// Password guesses at one account, from anywhere.
    pub fn account(email: &str) -> Self {
        Self {
            key: format!("account:{email}"),
            free: FREE_PER_ACCOUNT,
            on_success: OnSuccess::Forget,
        }
    }

    /// Password guesses from one client address, at any account.
    pub fn address(ip: &str) -> Self {
        Self {
            key: format!("address:{ip}"),
            free: FREE_PER_ADDRESS,
            on_success: OnSuccess::GiveBack,
        }
    }

    /// Sign-ups from one client address; `free` comes from the configuration.
    pub fn signup(ip: &str, free: u32) -> Self {
        Self {
            key: format!("signup:{ip}"),
            free: i32::try_from(free).unwrap_or(i32::MAX),
            on_success: OnSuccess::GiveBack,
        }
    }
}

/// Attempts admitted against a set of keys, to give back if they succeed.
#[must_use = "a successful attempt gives its count back with `succeeded`"]
pub struct Admission {
    keys: Vec<Key>,
}

impl Admission {
    /// The attempt was right: the account's count is cleared and the address's count given
    /// back, so successes never build up a block.
    ///
    /// # Errors
    /// Database errors.
    pub async fn succeeded(self, state: &AppState) -> Result<(), DomainError> {
        for key in &self.keys {
            match key.on_success {
                OnSuccess::Forget => {
                    auth_throttle::Entity::delete_by_id(key.key.clone())
                        .exec(state.db())
                        .await?;
                }
                OnSuccess::GiveBack => give_back(state.db(), key).await?,
            }
        }
        Ok(())
    }
}

/// Admits one attempt against every key, counting it as a failure until `succeeded` says
/// otherwise; refuses, counting nothing, while any key is blocked.
///
/// # Errors
/// `RateLimited` with the seconds to wait; database errors.
pub async fn admit(state: &AppState, keys: &[Key]) -> Result<Admission, DomainError> {
    let now = Utc::now();
    for (i, key) in keys.iter().enumerate() {
        if let Some(wait) = admit_one(state.db(), key, now).await? {
            for admitted in &keys[..i] {
                give_back(state.db(), admitted).await?;
            }
            return Err(DomainError::RateLimited {
                retry_after_secs: u64::try_from(wait).unwrap_or(1).max(1),
            });
        }
    }
    Ok(Admission {
        keys: keys.to_vec(),
    })
}

/// Counts an attempt that is never given back (a sign-up), refusing while a key is blocked.
///
/// # Errors
/// `RateLimited` with the seconds to wait; database errors.
pub async fn count(state: &AppState, keys: &[Key]) -> Result<(), DomainError> {
    admit(state, keys).await.map(|_counted| ())
}

/// How long the key is blocked after its `count`-th attempt.
fn block_after(count: i32, free: i32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (count > free).then(|| {
        let exponent = u32::try_from(count - free).unwrap_or(u32::MAX).min(20);
        now + Duration::seconds((1i64 << exponent).min(MAX_BLOCK_SECS))
    })
}

/// One attempt against one key: `None` when admitted (and counted), else the seconds left.
async fn admit_one(
    db: &impl ConnectionTrait,
    key: &Key,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    for _ in 0..MAX_ROUNDS {
        let row = auth_throttle::Entity::find_by_id(key.key.clone())
            .one(db)
            .await?;
        let Some(row) = row else {
            let first = auth_throttle::ActiveModel {
                key: Set(key.key.clone()),
                failures: Set(1),
                last_failure_at: Set(now),
                blocked_until: Set(block_after(1, key.free, now)),
            };
            let inserted = auth_throttle::Entity::insert(first)
                .on_conflict(
                    OnConflict::column(auth_throttle::Column::Key)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(db)
                .await?;
            if inserted == 1 {
                return Ok(None);
            }
            continue;
        };
        if let Some(until) = row.blocked_until.filter(|until| *until > now) {
            return Ok(Some((until - now).num_seconds() + 1));
        }
        let count = if now - row.last_failure_at > FORGET_AFTER {
            1
        } else {
            row.failures.saturating_add(1)
        };
        // Swapped only if no other attempt counted since the read.
        let swapped = auth_throttle::Entity::update_many()
            .col_expr(auth_throttle::Column::Failures, Expr::value(count))
            .col_expr(auth_throttle::Column::LastFailureAt, Expr::value(now))
            .col_expr(
                auth_throttle::Column::BlockedUntil,
                Expr::value(block_after(count, key.free, now)),
            )
            .filter(auth_throttle::Column::Key.eq(key.key.clone()))
            .filter(auth_throttle::Column::Failures.eq(row.failures))
            .exec(db)
            .await?;
        if swapped.rows_affected == 1 {
            return Ok(None);
        }
    }
    tracing::warn!("throttle key contended beyond {MAX_ROUNDS} rounds");
    Ok(Some(1))
}

/// Takes one attempt off a key; a block that the attempt caused is lifted.
async fn give_back(db: &impl ConnectionTrait, key: &Key) -> Result<(), DbErr> {
    let free = key.free;
    auth_throttle::Entity::update_many()
        .col_expr(
            auth_throttle::Column::Failures,
            Expr::col(auth_throttle::Column::Failures).sub(1),
        )
        .col_expr(
            auth_throttle::Column::BlockedUntil,
            Expr::case(
                Expr::col(auth_throttle::Column::Failures).gt(free + 1),
                Expr::col(auth_throttle::Column::BlockedUntil),
            )
            .finally(Expr::value(Option::<DateTime<Utc>>::None))
            .into(),
        )
        .filter(auth_throttle::Column::Key.eq(key.key.clone()))
        .filter(auth_throttle::Column::Failures.gt(0))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_double_after_the_free_attempts_and_stop_at_fifteen_minutes() {
        let now = Utc::now();
        assert_eq!(block_after(3, 3, now), None);
        assert_eq!(block_after(4, 3, now), Some(now + Duration::seconds(2)));
        assert_eq!(block_after(5, 3, now), Some(now + Duration::seconds(4)));
        assert_eq!(
            block_after(400, 3, now),
            Some(now + Duration::seconds(MAX_BLOCK_SECS))
        );
    }
}
